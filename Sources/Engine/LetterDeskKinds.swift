package import Casework
import Foundation
package import Letters
import Mail
package import Primitives

extension LetterDesk {
    /// Who signs every letter but the final response: the case's officer, or the complaints manager when the
    /// workspace says so (`letters.signedBy`). With no officer known (a configuration check), the manager.
    static func signer(
        _ configuration: WorkspaceConfiguration, officer: WorkspaceConfiguration.Officer?
    ) -> MergeValue {
        if configuration.letters.signedBy == .officer, let officer {
            return object(["name": officer.name, "role": officer.role ?? "Complaints Officer"])
        }
        return object(["name": configuration.manager.name, "role": configuration.manager.role])
    }

    /// "the Parliamentary and Health Service Ombudsman": the name with "the" before it, unless it has one.
    static func withArticle(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return "" }
        if trimmed.lowercased().hasPrefix("the ") { return "the " + trimmed.dropFirst(4) }
        return "the " + trimmed
    }

    /// The fields that depend on the letter's kind and the case's kind: the final response is signed by the
    /// responsible person (the signatory); the time limit for complaints of the case's profile; a concern's target;
    /// and an MP letter's recipient, the MP.
    func addKindFields(
        to context: inout MergeContext, record: Case, kind: LetterKind, inputs: [String: String],
        format: (CivilDate) -> MergeValue
    ) {
        let configuration = workspace.configuration
        if kind.purpose == .finalResponse {
            context["signer"] = Self.object([
                "name": configuration.signatory.name, "role": configuration.signatory.role,
            ])
        }
        let months = deadlines.calculator(record.profile).profile.outOfTimeLimitMonths
        context["timeLimit"] = .object(["months": .string(String(months))])
        context["case.isConcern"] = .bool(record.kind == .concern)
        if record.kind == .concern {
            context["case.concernTarget"] = format(
                deadlines.concernTarget(received: record.receivedDate, profile: record.profile))
        }
        if kind == .mpLetter, let mp = try? MPRecipient(inputs: inputs) {
            context["recipient"] = Self.object([
                "salutation": mp.name, "fullName": mp.name, "addressLines": mp.addressLines, "email": mp.email ?? "",
            ])
        }
    }
}

/// The MP an MP letter goes to, from the letter's inputs: `mpName` (e.g. "Jane Smith MP"), and `mpEmail` or
/// `mpAddress` (address lines separated by ";"), at least one of them.
struct MPRecipient: Sendable, Equatable {
    let name: String
    let email: String?
    let addressLines: [String]

    init(inputs: [String: String]) throws {
        func given(_ key: String) -> String? {
            let value = inputs[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return value.isEmpty ? nil : value
        }
        guard let name = given("mpName") else {
            throw LetterDeskError.missingInput("mpName", "an MP letter needs the input mpName (e.g. Jane Smith MP)")
        }
        let email = given("mpEmail")
        if let email, !EmailAddress.isValid(email) {
            throw LetterDeskError.missingInput("mpEmail", "mpEmail is not a valid email address")
        }
        let lines = (given("mpAddress") ?? "").split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        guard email != nil || !lines.isEmpty else {
            throw LetterDeskError.missingInput(
                "mpAddress",
                "an MP letter goes to the MP: give mpEmail, or mpAddress (its lines separated by ;), or both")
        }
        self.name = name
        self.email = email
        self.addressLines = lines
    }
}
