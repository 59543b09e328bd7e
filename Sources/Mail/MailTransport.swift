package import Foundation

/// The SMTP envelope: one sender and exactly one recipient (one envelope per recipient).
package struct Envelope: Sendable, Hashable {
    /// The MAIL FROM address, where bounces go.
    package var sender: EmailAddress
    /// The single RCPT TO address.
    package var recipient: EmailAddress

    /// An envelope for one recipient.
    package init(sender: EmailAddress, recipient: EmailAddress) {
        self.sender = sender
        self.recipient = recipient
    }
}

/// A message ready to hand to a transport: an envelope and the exact bytes.
package struct OutgoingMessage: Sendable, Hashable {
    /// Who it is from and the one recipient it goes to.
    package var envelope: Envelope
    /// The RFC 5322 message, with CRLF line ends.
    package var data: Data
    /// A free-form tag carried into the result, such as an outbox item's id (never patient data).
    package var label: String?

    /// A message for one envelope.
    package init(envelope: Envelope, data: Data, label: String? = nil) {
        self.envelope = envelope
        self.data = data
        self.label = label
    }
}

/// What became of one envelope.
package enum DeliveryOutcome: Sendable, Hashable {
    /// The server took responsibility for the message (2xx after the final dot), with its reply.
    case delivered(reply: String)
    /// Not delivered, try again later: a 4xx reply, or no connection, or a timeout before the message was handed over.
    case temporaryFailure(code: Int?, reply: String)
    /// Not delivered and retrying will not help: a 5xx reply, refused credentials or a certificate problem.
    case permanentFailure(code: Int?, reply: String)
    /// The whole message was handed over but the final reply never came: it may or may not have been taken.
    case uncertain(reason: String)

    /// True for ``delivered(reply:)``.
    package var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }
}

/// The result for one message of a batch.
package struct DeliveryResult: Sendable, Hashable {
    /// The envelope tried.
    package let envelope: Envelope
    /// The message's label.
    package let label: String?
    /// What happened.
    package let outcome: DeliveryOutcome

    /// A result for a message.
    package init(message: OutgoingMessage, outcome: DeliveryOutcome) {
        self.envelope = message.envelope
        self.label = message.label
        self.outcome = outcome
    }
}

/// Something that delivers messages: SMTP through libcurl, a folder of .eml files, or memory (for tests).
package protocol MailTransport: Sendable {
    /// Delivers each message of the batch (reusing connections where it can) and returns one result
    /// per message, in the batch's order.
    /// - Important: never throws: every failure is an outcome of its message.
    func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult]

    /// Delivers each message of the batch as ``deliver(_:)`` does, calling `settle` with each message's result as
    /// soon as its SMTP transaction ends and before the next message starts, so a caller can record it durably.
    func deliver(
        _ batch: [OutgoingMessage], settling settle: @escaping @Sendable (DeliveryResult) async -> Void
    ) async -> [DeliveryResult]
}

extension MailTransport {
    /// For a transport that cannot settle message by message: delivers the whole batch, then settles each result
    /// in the batch's order.
    package func deliver(
        _ batch: [OutgoingMessage], settling settle: @escaping @Sendable (DeliveryResult) async -> Void
    ) async -> [DeliveryResult] {
        let results = await deliver(batch)
        for result in results { await settle(result) }
        return results
    }
}

extension MailTransport {
    /// Delivers one message.
    package func deliver(_ message: OutgoingMessage) async -> DeliveryResult {
        await deliver([message])[0]
    }
}
