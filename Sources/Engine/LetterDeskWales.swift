package import Casework
import Foundation
package import Letters
package import Primitives

/// Wales's letter rules: the Listening to People fields of a Welsh case's letters, and the redress response
/// (Putting Things Right regs 25 to 33), which only a Welsh NHS body writes, within the cap in force on the day the
/// concern was received.
extension LetterDesk {
    /// The Welsh rules of a case, or nil for a case outside Wales.
    package func walesRules(for record: Case) -> WalesCaseRules? {
        let calendar = deadlines.calculator(for: record.schedule).calendar
        return workspace.configuration.walesRules.rules(
            for: record.profile, receivedOn: record.receivedDate, calendar: calendar)
    }

    /// The `wales.*` fields: whether Listening to People applies, the early-resolution date (when its period is
    /// configured), the redress cap of the case, and Llais's contact details in the letter's language.
    func addWalesFields(
        to context: inout MergeContext, record: Case, language: LetterLanguage, format: (CivilDate) -> MergeValue
    ) {
        let llais = workspace.configuration.wales.llais
        let welsh = language == .welsh
        var fields: [String: MergeValue] = [
            "listeningToPeople": .bool(false),
            "llais": Self.object([
                "name": welsh ? llais.nameCy ?? llais.name : llais.name, "phone": llais.phone, "email": llais.email,
                "web": llais.web,
            ]),
        ]
        if let rules = walesRules(for: record) {
            fields["listeningToPeople"] = .bool(rules.hasEarlyResolution)
            fields["redressCap"] = .string(WalesCaseRules.pounds(rules.redressCap))
            if let day = rules.earlyResolutionBy { fields["earlyResolutionBy"] = format(day) }
        }
        context["wales"] = .object(fields)
    }

    /// Why a letter of `kind` is refused for a case outside Wales (a redress response), or nil.
    package func redressRefusal(of kind: LetterKind, for record: Case) -> LetterDeskError? {
        guard kind == .redressResponse, record.profile != .wales else { return nil }
        let reference = record.reference
        return LetterDeskError(
            .notAllowed, reference: reference,
            message: "case \(reference) is handled under the \(record.profile.rawValue) procedure: a redress "
                + "response belongs to Welsh NHS bodies under Putting Things Right (profile wales); the final "
                + "response of this case is the resolution letter")
    }

    /// Checks a redress response may be written for the case with these inputs, and returns its `redress.*` fields.
    ///
    /// - Throws: ``LetterDeskError`` (not allowed) for a case outside Wales; (missing input) for a `liability` that
    ///   is not yes or no, an amount that is not a sum of money, is nothing, or is over the cap in force on the day
    ///   of receipt, redress offered where no qualifying liability was found, or none offered where one was.
    func redressFields(for record: Case, inputs: [String: String]) throws -> [String: MergeValue] {
        let reference = record.reference
        guard let rules = walesRules(for: record) else {
            throw redressRefusal(of: .redressResponse, for: record) ?? LetterDeskError(message: "not a Welsh case")
        }
        func given(_ key: String) -> String? {
            let value = inputs[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return value.isEmpty ? nil : value
        }
        let liability: Bool
        switch given("liability")?.lowercased() {
        case "yes": liability = true
        case "no": liability = false
        default:
            throw LetterDeskError.missingInput(
                "liability",
                "a redress response needs the input liability: yes (there is a qualifying liability) or no")
        }
        var fields: [String: MergeValue] = ["liabilityFound": .bool(liability), "noLiability": .bool(!liability)]
        let offered = ["financialAmount", "remedialTreatment"].filter { given($0) != nil }
        if !liability, let first = offered.first {
            throw LetterDeskError.missingInput(
                first,
                "case \(reference): with no qualifying liability there is no redress to offer, so leave out "
                    + offered.joined(separator: " and ") + ", or record liability=yes if there is one")
        }
        if liability, offered.isEmpty, given("apology") == nil {
            throw LetterDeskError.missingInput(
                "financialAmount",
                "case \(reference): a qualifying liability was found, so the letter offers redress: give "
                    + "financialAmount, remedialTreatment or apology (or more than one)")
        }
        if let text = given("financialAmount") {
            guard let pence = Self.pence(text), pence > 0 else {
                throw LetterDeskError.missingInput(
                    "financialAmount",
                    "financialAmount '\(text)' is not a sum of money in pounds, such as 2500 or 2500.50")
            }
            guard pence <= rules.redressCap * 100 else {
                throw LetterDeskError.missingInput(
                    "financialAmount",
                    "case \(reference): \(Self.money(pence)) is over the cap on financial redress for a concern "
                        + "received on \(record.receivedDate.iso) (\(WalesCaseRules.pounds(rules.redressCap))): a "
                        + "larger claim is settled outside the redress arrangements")
            }
            fields["financialAmount"] = .string(Self.money(pence))
        }
        return fields
    }

    /// Pence from "2500", "2,500", "£2,500.50"; nil for anything else (or over a billion pounds).
    static func pence(_ text: String) -> Int? {
        var body = Substring(text)
        if body.hasPrefix("£") { body = body.dropFirst() }
        let digits = body.replacingOccurrences(of: ",", with: "")
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 10,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let pounds = Int(parts[0])
        else { return nil }
        if parts.count == 2 {
            guard parts[1].count == 2, let pennies = Int(parts[1]) else { return nil }
            return pounds * 100 + pennies
        }
        return pounds * 100
    }

    /// "£2,500" or "£2,500.50".
    static func money(_ pence: Int) -> String {
        let pounds = WalesCaseRules.pounds(pence / 100)
        let rest = pence % 100
        return rest == 0 ? pounds : pounds + "." + (rest < 10 ? "0" : "") + String(rest)
    }
}
