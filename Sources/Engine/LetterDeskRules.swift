public import Casework
public import Letters
import WorkingDays
import Primitives

extension LetterDesk {
    /// Why a letter of `kind` may not be written for a case as it stands, or `nil` when it may (DESIGN
    /// invariant 13). The one place this is decided: ``prepare(_:reference:inputs:)`` asks it first, so
    /// `pals preview`, `pals letter` and the daemon's acknowledgements refuse alike.
    ///
    /// - A closed or withdrawn case takes no letter until it is reopened (`pals case update REF --status open`).
    /// - After the final response (status `responded`) only a kind the workspace added itself may be written:
    ///   no second resolution, no holding or update letter saying the response is still to come, no
    ///   acknowledgement, consent request or time-limit decision.
    /// - An acknowledgement is written once per stage: not when the case was acknowledged already (by pals,
    ///   by an officer's letter, or outside pals).
    /// - A staff letter (the reminder digest) is never written for a case.
    public static func refusal(of kind: LetterKind, for record: Case) -> LetterDeskError? {
        let reference = record.reference
        let reopen = "reopen it with `pals case update \(reference) --status open` before writing"
        let purpose = kind.purpose
        if purpose == .staff {
            return .notAllowed(
                "the \(kind.rawValue) goes to officers, never to a complainant: pals sends it by itself (`pals daemon`)"
            )
        }
        switch record.status {
        case .closed:
            return .notAllowed("case \(reference) is closed: \(reopen) if the complaint is being looked at again")
        case .withdrawn:
            return .notAllowed(
                "case \(reference) was withdrawn: \(reopen) if the complainant has asked you to carry on")
        case .responded:
            let why: String
            switch purpose {
            case .other: return nil
            case .finalResponse: why = "its final response has already been sent, and a case has one"
            case .progress: why = "a \(kind.rawValue) letter says the response is still to come, but it has been sent"
            case .acknowledgement: why = "an acknowledgement belongs at the start, and the final response has been sent"
            case .consentRequest, .timeLimitDecision:
                why = "a \(kind.rawValue) letter belongs before the response, and the final response has been sent"
            case .staff: return nil  // handled above
            }
            return .notAllowed(
                "case \(reference) has had its final response (status responded): \(why). If the complaint is being looked at again, \(reopen)"
            )
        case .open, .awaitingConsent:
            guard purpose == .acknowledgement else { return nil }
            if record.acknowledgedOutsidePals {
                return .notAllowed(
                    "case \(reference) was acknowledged outside pals (e.g. by telephone), so no acknowledgement letter is sent; `pals case show \(reference)` shows its history"
                )
            }
            if let at = record.acknowledgedAt {
                return .notAllowed(
                    "case \(reference) was already acknowledged on \(CivilDate(at).iso), so a second acknowledgement is not sent; `pals archive list --case \(reference)` shows the one that was"
                )
            }
            return nil
        }
    }
}
