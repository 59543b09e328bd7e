import Casework
import Primitives

extension ConfigurationCheck {
    /// The regulations to check each unconfirmed Welsh number against.
    static let walesSources =
        "the NHS (Concerns, Complaints and Redress Arrangements) (Wales) (Amendment) Regulations 2025 and "
        + "WHC 2026/0061"

    /// Warnings for each Listening to People number no source here confirms, while the organisation has neither set
    /// it nor said it checked it (`wales.confirmed: true`). Only a Welsh workspace that uses the 2026 rules is told.
    func walesFindings() -> [ConfigurationFinding] {
        guard configuration.profile == .wales, let from = configuration.jurisdiction.walesListeningToPeopleFrom,
            !configuration.wales.confirmed
        else { return [] }
        var findings: [ConfigurationFinding] = []
        let silence = "or set wales.confirmed: true once you have checked that pals's numbers are right"
        if configuration.wales.earlyResolutionWorkingDays == nil {
            findings.append(
                .init(
                    severity: .warning, key: "wales.earlyResolutionWorkingDays",
                    message:
                        "Welsh concerns received from \(from.iso) go through early resolution first, but its period "
                        + "is not confirmed here, so letters give it no date of its own (the response date applies). "
                        + "Check \(Self.walesSources), then set wales.earlyResolutionWorkingDays, \(silence)"))
        }
        let dated = (configuration.deadlines.datedProfiles[.wales] ?? []).filter { $0.effectiveFrom >= from }
        let undated = configuration.deadlines.profiles[.wales]
        let numbers: [(key: String, what: String, set: (WorkspaceConfiguration.ProfileOverrides) -> Bool)] = [
            ("acknowledgeWorkingDays", "2 working days to acknowledge", { $0.acknowledgeWorkingDays != nil }),
            ("responseWorkingDays", "30 working days to respond", { $0.responseWorkingDays != nil }),
            ("backstopMonths", "6 months at the latest for a response", { $0.backstopMonths != nil }),
        ]
        for number in numbers {
            let explicit = dated.contains { number.set($0.overrides) } || undated.map(number.set) == true
            guard !explicit else { continue }
            findings.append(
                .init(
                    severity: .warning, key: "deadlines.ruleSets.wales (\(number.key))",
                    message:
                        "Welsh concerns received from \(from.iso) use the 2011 figure (\(number.what)) because the "
                        + "2025 amendment's \"clearer and shorter\" timescales are not confirmed here. Check "
                        + "\(Self.walesSources), then set \(number.key) in a deadlines.ruleSets.wales entry with "
                        + "effectiveFrom: \(from.iso), \(silence)"))
        }
        return findings
    }
}
