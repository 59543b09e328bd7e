package import Foundation
import Synchronization

/// One message taken from the team mailbox, as the intake rules see it: the parsed message (the MIME parser's
/// `ReceivedMail`, reduced to what the rules read) and where the inbound ledger kept its raw bytes.
///
/// Built from a pending ledger row; the rules never read the server or the raw file themselves.
package struct MailboxMessage: Sendable, Equatable {
    /// The inbound ledger row's id: what the outcome is recorded against.
    package var ledgerID: String
    /// When the message arrived in the mailbox (the IMAP internal date): a new case is received then.
    package var arrivedAt: Date
    /// The raw message as the ledger kept it (a 0600 file), relative to the workspace.
    package var keptPath: String
    /// The From mailbox's display name, if any.
    package var fromName: String?
    /// The From address (`local@domain`), if the message had a readable one.
    package var fromAddress: String?
    /// The Subject, decoded.
    package var subject: String
    /// The Message-ID with its angle brackets, if any.
    package var messageID: String?
    /// The In-Reply-To message ids.
    package var inReplyTo: [String]
    /// The References message ids, oldest first.
    package var references: [String]
    /// Every header as (name, unfolded and decoded value), in order: the loop rules read them by name.
    package var headers: [(name: String, value: String)]
    /// The plain text of the body (from the HTML when there is no text part).
    package var text: String
    /// The attachments the ledger kept.
    package var attachments: [MailboxAttachment]
    /// The RFC 3464 delivery-status report, when the message is a `multipart/report; report-type=delivery-status`.
    package var deliveryReport: MailboxDeliveryReport?

    package init(
        ledgerID: String, arrivedAt: Date, keptPath: String, fromName: String? = nil, fromAddress: String?,
        subject: String, messageID: String? = nil, inReplyTo: [String] = [], references: [String] = [],
        headers: [(name: String, value: String)] = [], text: String = "", attachments: [MailboxAttachment] = [],
        deliveryReport: MailboxDeliveryReport? = nil
    ) {
        self.ledgerID = ledgerID
        self.arrivedAt = arrivedAt
        self.keptPath = keptPath
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.headers = headers
        self.text = text
        self.attachments = attachments
        self.deliveryReport = deliveryReport
    }

    /// The values of every header named `name` (case-insensitive).
    package func header(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.ledgerID == rhs.ledgerID && lhs.arrivedAt == rhs.arrivedAt && lhs.keptPath == rhs.keptPath
            && lhs.fromName == rhs.fromName && lhs.fromAddress == rhs.fromAddress && lhs.subject == rhs.subject
            && lhs.messageID == rhs.messageID && lhs.inReplyTo == rhs.inReplyTo && lhs.references == rhs.references
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
            && lhs.text == rhs.text && lhs.attachments == rhs.attachments && lhs.deliveryReport == rhs.deliveryReport
    }
}

/// An attachment of an inbound message, kept by the ledger as a 0600 file.
package struct MailboxAttachment: Sendable, Equatable, Codable {
    /// The file name the sender gave (shown to officers, never used as a path).
    package var filename: String
    /// Its size in bytes.
    package var size: Int
    /// Where the ledger kept it, relative to the workspace.
    package var keptPath: String

    package init(filename: String, size: Int, keptPath: String) {
        self.filename = filename
        self.size = size
        self.keptPath = keptPath
    }
}

/// What an RFC 3464 delivery-status report says about the message it returns.
package struct MailboxDeliveryReport: Sendable, Equatable {
    /// The returned message's Message-ID (from its returned headers), with angle brackets, if given.
    package var originalMessageID: String?
    /// Every header of the returned message part, when it was included (our own `X-…` headers among them).
    package var originalHeaders: [(name: String, value: String)]
    /// The per-recipient `Action` (e.g. `failed`, `delayed`).
    package var action: String?
    /// The per-recipient `Status` (e.g. `5.1.1`).
    package var status: String?
    /// The `Diagnostic-Code` text (e.g. `smtp; 550 5.1.1 mailbox unknown`).
    package var diagnostic: String?

    package init(
        originalMessageID: String?, originalHeaders: [(name: String, value: String)] = [], action: String? = nil,
        status: String? = nil, diagnostic: String? = nil
    ) {
        self.originalMessageID = originalMessageID
        self.originalHeaders = originalHeaders
        self.action = action
        self.status = status
        self.diagnostic = diagnostic
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.originalMessageID == rhs.originalMessageID && lhs.action == rhs.action && lhs.status == rhs.status
            && lhs.diagnostic == rhs.diagnostic && lhs.originalHeaders.map(\.name) == rhs.originalHeaders.map(\.name)
            && lhs.originalHeaders.map(\.value) == rhs.originalHeaders.map(\.value)
    }

    /// Whether the report says the message was not delivered (a `failed` action; `delayed` and `delivered`
    /// reports are not bounces).
    package var isFailure: Bool {
        guard let action else { return status?.hasPrefix("5") ?? false }
        return action.trimmingCharacters(in: .whitespaces).lowercased() == "failed"
    }
}

/// The pending rows of the inbound ledger, as the mailbox intake works through them: the seam to the IMAP
/// reader's `InboundLedger` (rows `pending` → `processed`), with an in-memory twin for tests.
package protocol MailboxRows: Sendable {
    /// The messages recorded but not yet processed, oldest first.
    func pendingMessages() throws -> [MailboxMessage]
    /// Marks a row processed with what it became; a row already processed is left as it is.
    func markProcessed(id: String, outcome: MailboxOutcome) throws
}

/// Inbound rows kept in memory: the twin of the ledger for tests (and the shape the ledger keeps).
package final class InMemoryMailboxRows: MailboxRows {
    private let state = Mutex<(pending: [MailboxMessage], processed: [(id: String, outcome: MailboxOutcome)])>(([], []))

    package init(_ messages: [MailboxMessage] = []) {
        state.withLock { $0.pending = messages }
    }

    /// Records a message taken from the mailbox, pending.
    package func add(_ message: MailboxMessage) {
        state.withLock { $0.pending.append(message) }
    }

    package func pendingMessages() throws -> [MailboxMessage] {
        state.withLock { $0.pending }
    }

    package func markProcessed(id: String, outcome: MailboxOutcome) throws {
        state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.ledgerID == id }) else { return }
            state.pending.remove(at: index)
            state.processed.append((id, outcome))
        }
    }

    /// The rows processed so far, in order, with their outcomes.
    package var processed: [(id: String, outcome: MailboxOutcome)] {
        state.withLock { $0.processed }
    }
}
