package import Casework
import Foundation
package import Letters
package import Primitives
import WorkingDays

/// The deadline and stage rules of letters: which letter fits the case's stage and deadlines now, and the dates
/// a holding or late-response letter records.
extension LetterDesk {
    /// Why a letter of `kind` does not fit the case's stage or deadlines today, or nil when it does.
    ///
    /// - At stage 1 of a staged procedure (Scotland, Northern Ireland's model procedure) the decision is a
    ///   stage-1 response, which offers stage 2; a resolution (the final response, which names the ombudsman)
    ///   belongs to stage 2.
    /// - A stage-1 response belongs to stage 1 of a staged procedure only.
    /// - A late-response letter is written once the backstop has passed (England reg 14), never before: until
    ///   then a holding or update letter, or an agreed date, is the honest letter.
    package func deadlineRefusal(of kind: LetterKind, for record: Case, deadlines: CaseDeadlines) -> LetterDeskError? {
        let reference = record.reference
        switch kind {
        case .resolution where deadlines.stage == .one:
            return LetterDeskError(
                .notAllowed, reference: reference,
                message: "case \(reference) is at stage 1, where the decision is a stage-1 response offering "
                    + "stage 2; the final response (with the ombudsman) comes at stage 2")
        case .stage1Response where deadlines.stage != .one:
            let why =
                deadlines.stage == .two
                ? "it is at stage 2, where the decision is the final response"
                : "its procedure (\(record.profile.rawValue)) has no stages"
            return LetterDeskError(
                .notAllowed, reference: reference,
                message: "case \(reference) takes no stage-1 response: \(why)")
        case .update where deadlines.respondBy < clock.today():
            return LetterDeskError(
                .notAllowed, reference: reference,
                message: "case \(reference): an update letter keeps the response date, but \(deadlines.respondBy.iso) "
                    + "has passed; a holding letter explains the delay and gives a new date")
        case .lateResponse:
            guard let backstop = deadlines.backstop else {
                return LetterDeskError(
                    .notAllowed, reference: reference,
                    message: "case \(reference) has no backstop for a response under its procedure "
                        + "(\(record.profile.rawValue)), so there is no late-response letter: a holding letter "
                        + "explains a delay")
            }
            guard clock.today() > backstop else {
                return LetterDeskError(
                    .notAllowed, reference: reference,
                    message: "case \(reference): the backstop for a response is \(backstop.iso), which has not "
                        + "passed, so the response is not late yet: agree a later date with the complainant before "
                        + "then, or write a holding or update letter")
            }
            return nil
        default:
            return nil
        }
    }

    /// The response date a late-response letter tells the complainant (input `expectedDate`), recorded on the case
    /// as a notice: it must be a date from today on.
    func lateResponseNotice(for record: Case, inputs: [String: String]) throws -> DeadlineExtension {
        guard let raw = inputs["expectedDate"], let expected = CivilDate(iso: raw) else {
            throw LetterDeskError.missingInput(
                "expectedDate",
                "a late-response letter needs the input expectedDate, in the form YYYY-MM-DD (when the response "
                    + "will come)")
        }
        if let outside = CaseDates.outsideWindow(expected) {
            throw LetterDeskError(message: "expectedDate: \(outside)")
        }
        guard expected >= clock.today() else {
            throw LetterDeskError.missingInput(
                "expectedDate", "expectedDate \(expected.iso) has passed: give the date the response will come")
        }
        let reason = (inputs["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw LetterDeskError.missingInput("reason", "a late-response letter needs the reason the response is late")
        }
        return DeadlineExtension(
            newDate: expected, reason: reason, count: record.extensions + 1, agreedOn: clock.today())
    }

    /// The merge fields about stages and deadline rules: `staged`, `atStage1`/`atStage2` (staged only), the
    /// stage-1 limit, stage 2's working days, the day by which stage 2 can be asked for, whether the backstop
    /// passed, and the rule set used.
    func stageFields(for record: Case, deadlines: CaseDeadlines) -> [String: MergeValue] {
        let calculator = self.deadlines.calculator(for: record.schedule)
        let profile = calculator.profile
        var fields: [String: MergeValue] = [
            "ruleSet": .string(deadlines.ruleSet),
            "backstopHasPassed": .bool(deadlines.backstop.map { clock.today() > $0 } ?? false),
        ]
        fields["staged"] = .bool(deadlines.stage != nil)
        if let stage = deadlines.stage {
            fields["atStage1"] = .bool(stage == .one)
            fields["atStage2"] = .bool(stage == .two)
            fields["stage2WorkingDays"] = .string(String(profile.stage2ResponseWorkingDays))
            fields["stage1WorkingDays"] = .string(String(profile.stage1ResolveWorkingDays))
            fields["stage1ExtendedWorkingDays"] = .string(String(profile.stage1ExtendedWorkingDays))
            fields["stage2RequestMonths"] = .string(String(workspace.configuration.deadlines.stage2RequestMonths))
        }
        return fields
    }

    /// The day by which the complainant may ask for stage 2 after a stage-1 response written today.
    func stage2RequestBy() -> CivilDate {
        clock.today().adding(months: workspace.configuration.deadlines.stage2RequestMonths)
    }
}
