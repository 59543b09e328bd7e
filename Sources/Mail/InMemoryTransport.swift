package import Foundation

/// A transport for tests: records every envelope and its bytes, and answers as scripted.
package final class InMemoryTransport: MailTransport {
    /// One recorded attempt.
    package struct Delivery: Sendable, Hashable {
        /// The envelope tried.
        package let envelope: Envelope
        /// The message bytes.
        package let data: Data
        /// The message's label.
        package let label: String?
        /// 1 for the first attempt at this recipient, 2 for the next, and so on.
        package let attempt: Int
        /// What the script answered.
        package let outcome: DeliveryOutcome
    }

    /// Decides the outcome of an attempt from its envelope and attempt number (per recipient, from 1).
    package typealias Responder = @Sendable (_ envelope: Envelope, _ attempt: Int) -> DeliveryOutcome

    private actor Store {
        var deliveries: [Delivery] = []
        var attempts: [String: Int] = [:]

        func record(_ message: OutgoingMessage, responder: Responder) -> DeliveryOutcome {
            let key = message.envelope.recipient.address.lowercased()
            let attempt = (attempts[key] ?? 0) + 1
            attempts[key] = attempt
            let outcome = responder(message.envelope, attempt)
            deliveries.append(
                Delivery(
                    envelope: message.envelope, data: message.data, label: message.label, attempt: attempt,
                    outcome: outcome))
            return outcome
        }
    }

    private let store = Store()
    private let responder: Responder

    /// A transport that answers with `responder` (by default: always delivered).
    package init(responder: @escaping Responder = { _, _ in .delivered(reply: "250 2.0.0 Ok: queued") }) {
        self.responder = responder
    }

    /// A transport scripted per recipient address: the n-th outcome answers the n-th attempt;
    /// attempts beyond the list, and other recipients, are delivered.
    package convenience init(answers: [String: [DeliveryOutcome]]) {
        let script = Dictionary(answers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.init { envelope, attempt in
            let list = script[envelope.recipient.address.lowercased()] ?? []
            return attempt <= list.count ? list[attempt - 1] : .delivered(reply: "250 2.0.0 Ok: queued")
        }
    }

    /// Every attempt so far, in order.
    package var deliveries: [Delivery] {
        get async { await store.deliveries }
    }

    package func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        var results: [DeliveryResult] = []
        for message in batch {
            let outcome = await store.record(message, responder: responder)
            results.append(DeliveryResult(message: message, outcome: outcome))
        }
        return results
    }
}

extension MailTransport where Self == InMemoryTransport {
    /// A transport that records everything and delivers it.
    package static var inMemory: InMemoryTransport { InMemoryTransport() }

    /// A transport that records everything and answers each recipient's attempts from `answers`.
    package static func inMemory(answers: [String: [DeliveryOutcome]]) -> InMemoryTransport {
        InMemoryTransport(answers: answers)
    }

    /// A transport that records everything and answers with `responder`.
    package static func inMemory(responder: @escaping InMemoryTransport.Responder) -> InMemoryTransport {
        InMemoryTransport(responder: responder)
    }
}
