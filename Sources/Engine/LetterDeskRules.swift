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
            case .concernResolution: why = "the concern has been resolved already, and a concern is resolved once"
            case .withdrawalConfirmation:
                why = "a \(kind.rawValue) letter confirms a complaint closed without a response, but it has had one"
            case .consentRequest, .timeLimitDecision, .staff, .other, .redirection, .representativeReply:
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
        case .concern:
            message =
                "case \(reference) is a PALS concern, resolved informally: a \(kind.rawValue) letter belongs to a "
                + "formal complaint. If the concern cannot be resolved informally, convert it into a complaint "
                + "first (it keeps its receipt date)"
        case .notAConcern:
            message =
                "case \(reference) is a formal complaint: the \(kind.rawValue) letter resolves a PALS concern. "
                + "A complaint gets its final response (the resolution letter)"
        case .consentDoesNotAllow(let consent):
            message =
                "case \(reference): a \(kind.rawValue) letter would share the patient's information, and their "
                + "consent is \(consent.rawValue). Record the patient's consent before writing it"
        case .consentNotRequested(let state):
            message =
                "case \(reference): a consent request asks the patient to sign a consent form, but the case's "
                + "consent state is \(state.rawValue), so no form is needed. If the patient's consent is needed "
                + "after all, record consent as requested first"
        case .consentAwaited(let state):
            message =
                "case \(reference): its consent state is \(state.rawValue), so a final response would share the "
                + "patient's information before they agreed. Record consent as received when their signed form "
                + "comes back, or as refused if they decline; with consent refused the response is written "
                + "without their information"
        case .notTriaged:
            message =
                "case \(reference) came in by the team mailbox and has not been triaged yet: give it an officer "
                + "first, and its acknowledgement then goes by itself"
        }
        return .notAllowed(refusal, reference: reference, message)
    }
}
