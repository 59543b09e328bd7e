package import Casework
package import Letters
import Primitives
import WorkingDays

extension LetterDesk {
    /// Why a letter of `kind` may not be written for a case as it stands, or `nil` when it may (DESIGN
    /// invariant 13). The case lifecycle decides (``CaseLifecycle/refusal(of:)``, by the letter's purpose); this
    /// words its decision for the officer, naming the way out (reopen the case, see its history) but no command:
    /// the error carries the refusal, and each front door names its own command for it.
    /// ``prepare(_:reference:inputs:)`` asks it first, so `pals preview`, `pals letter` and the daemon's
    /// acknowledgements refuse alike.
    package static func refusal(of kind: LetterKind, for record: Case) -> LetterDeskError? {
        guard let refusal = CaseLifecycle(record).refusal(of: kind.purpose) else { return nil }
        let reference = record.reference
        let reopen = "reopen the case before writing"
        let message: String
        switch refusal {
        case .staffLetter:
            message =
                "the \(kind.rawValue) goes to officers, never to a complainant: pals sends it by itself "
                + "while it runs as a service"
        case .closed:
            message = "case \(reference) is closed: \(reopen) if the complaint is being looked at again"
        case .withdrawn:
            message = "case \(reference) was withdrawn: \(reopen) if the complainant has asked you to carry on"
        case .responded(let purpose):
            let why: String
            switch purpose {
            case .finalResponse: why = "its final response has already been sent, and a case has one"
            case .progress: why = "a \(kind.rawValue) letter says the response is still to come, but it has been sent"
            case .acknowledgement: why = "an acknowledgement belongs at the start, and the final response has been sent"
            case .consentRequest, .timeLimitDecision, .staff, .other:
                why = "a \(kind.rawValue) letter belongs before the response, and the final response has been sent"
            }
            message =
                "case \(reference) has had its final response (status responded): \(why). "
                + "If the complaint is being looked at again, \(reopen)"
        case .acknowledgedOutsidePals:
            message =
                "case \(reference) was acknowledged outside pals (e.g. by telephone), so no acknowledgement "
                + "letter is sent; the case's history shows it"
        case .alreadyAcknowledged(let day):
            message =
                "case \(reference) was already acknowledged on \(day.iso), so a second acknowledgement is not "
                + "sent; the sent-items archive holds the one that was"
        case .notTriaged:
            message =
                "case \(reference) came in by the team mailbox and has not been triaged yet: give it an officer "
                + "first, and its acknowledgement then goes by itself"
        }
        return .notAllowed(refusal, reference: reference, message)
    }
}
