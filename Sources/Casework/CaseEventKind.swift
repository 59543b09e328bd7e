/// What happened to a case, as its history records it. The register stores the raw value (the text the
/// history has always used, e.g. `letter-queued`), so a register written by an older pals reads back unchanged.
package enum CaseEventKind: Sendable, Hashable, RawRepresentable, Codable, CustomStringConvertible {
    /// The complaint was logged.
    case logged
    /// An officer changed the case's details (`pals case update`).
    case updated
    /// The complaint was acknowledged (automatically, by an officer's letter, or outside pals).
    case acknowledged
    /// The response date was moved by a holding letter.
    case extended
    /// The final response was queued.
    case responded
    /// The case was closed.
    case closed
    /// A closed, withdrawn or responded case was opened again.
    case reopened
    /// The complainant withdrew the complaint.
    case withdrawn
    /// The case went to stage 2 of the model complaints procedure.
    case escalated
    /// The case was set waiting for the patient's consent, or stopped waiting for it.
    case consent
    /// The case was flagged for an officer's attention.
    case attention
    /// An officer cleared the attention flag.
    case attentionCleared
    /// A letter was queued by email.
    case letterQueued
    /// A letter was placed in the print queue for posting.
    case letterPrinted
    /// A message was accepted by the mail server.
    case letterSent
    /// A message will be tried again.
    case letterDeferred
    /// A message failed for good.
    case letterFailed
    /// A message is on hold for an officer.
    case letterHeld
    /// A response date was agreed with the complainant (it may move England's backstop).
    case agreed
    /// A PALS concern was converted into a formal complaint.
    case converted
    /// A statement was requested from another department, chased, or received.
    case statement
    /// A message from the complainant came in by the team mailbox and was added to the case.
    case correspondenceReceived
    /// A case from the team mailbox was taken on by an officer (triage → open).
    case triaged
    /// A message the mail server had accepted came back undelivered (a delivery-status report).
    case letterBounced
    /// The complaint was coded for the returns (outcome, subjects, service, profession, complainant, age band).
    case coded
    /// A referral to the ombudsman, or its result, was recorded.
    case ombudsman
    /// A kind this pals does not know (written by hand or by a later pals): read and shown, never written.
    case unrecognised(String)

    /// Every kind this pals writes.
    package static let known: [CaseEventKind] = [
        .logged, .updated, .acknowledged, .extended, .responded, .closed, .reopened, .withdrawn, .escalated,
        .consent, .attention, .attentionCleared, .letterQueued, .letterPrinted, .letterSent, .letterDeferred,
        .letterFailed, .letterHeld, .agreed, .converted, .statement, .correspondenceReceived, .triaged, .letterBounced,
        .coded, .ombudsman,
    ]

    package init(rawValue: String) {
        self = Self.known.first { $0.rawValue == rawValue } ?? .unrecognised(rawValue)
    }

    /// The text kept in the register and shown in a case's history.
    package var rawValue: String {
        switch self {
        case .logged: "logged"
        case .updated: "updated"
        case .acknowledged: "acknowledged"
        case .extended: "extended"
        case .responded: "responded"
        case .closed: "closed"
        case .reopened: "reopened"
        case .withdrawn: "withdrawn"
        case .escalated: "escalated"
        case .consent: "consent"
        case .attention: "attention"
        case .attentionCleared: "attention-cleared"
        case .letterQueued: "letter-queued"
        case .letterPrinted: "letter-printed"
        case .letterSent: "letter-sent"
        case .letterDeferred: "letter-deferred"
        case .letterFailed: "letter-failed"
        case .letterHeld: "letter-held"
        case .agreed: "response-date-agreed"
        case .converted: "converted"
        case .statement: "statement"
        case .correspondenceReceived: "correspondence-received"
        case .triaged: "triaged"
        case .letterBounced: "letter-bounced"
        case .coded: "coded"
        case .ombudsman: "ombudsman"
        case .unrecognised(let text): text
        }
    }

    package var description: String { rawValue }

    package init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
