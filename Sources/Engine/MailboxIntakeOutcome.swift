import Foundation

/// What a message from the team mailbox became: recorded with its ledger row when it is marked processed, and
/// listed by `pals intake list`. Names case references and outbox ids only, never a person.
package enum MailboxOutcome: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Automatic mail: recorded, never answered (why it counts as automatic).
    case automatic(reason: String)
    /// A report that a message pals sent was not delivered: the case is flagged and its officer told.
    case bounced(reference: String, outboxID: String)
    /// A message from a case's complainant, added to that case; its officer told.
    case correspondence(reference: String)
    /// A new case in triage, with what became of its receipt, and the case the message named when it came from
    /// someone other than that case's complainant.
    case triage(reference: String, receipt: ReceiptOutcome, named: String?)

    package var description: String {
        switch self {
        case .automatic(let reason): "automatic mail, not answered: \(reason)"
        case .bounced(let reference, let id): "bounce of \(id), case \(reference) flagged"
        case .correspondence(let reference): "correspondence added to case \(reference)"
        case .triage(let reference, let receipt, let named):
            "new case \(reference) in triage; receipt \(receipt)"
                + (named.map { "; named case \($0) but not from its complainant" } ?? "")
        }
    }

    /// The case the message went to, if any.
    package var reference: String? {
        switch self {
        case .automatic: nil
        case .bounced(let reference, _), .correspondence(let reference), .triage(let reference, _, _): reference
        }
    }

    /// The text kept with a ledger row: JSON with the outcome's fields.
    package var storedText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? description
    }
}

/// What became of a new case's receipt.
package enum ReceiptOutcome: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Queued in the outbox as this message.
    case queued(outboxID: String)
    /// Not sent, and why (no usable address, the per-sender cap, a template problem…).
    case notSent(reason: String)

    package var description: String {
        switch self {
        case .queued(let id): "queued as \(id)"
        case .notSent(let reason): "not sent: \(reason)"
        }
    }
}
