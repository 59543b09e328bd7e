internal import Dispatch
internal import Foundation
internal import Synchronization

/// SMTP through libcurl: one easy handle (and so one kept-open connection) per lane, each lane on its own thread.
///
/// `curl_easy_perform` blocks, so it runs on the lanes' own dispatch queues, never on Swift's cooperative
/// pool. A batch is shared out across the lanes; each lane sends its messages one after another over one
/// connection, which libcurl keeps open between messages. After any transfer that did not succeed (a refusal, a
/// timeout, a lost connection, an uncertain final reply) the lane shuts that connection and starts the next
/// message on a fresh handle: a late reply owed to one message must never be read as the answer to the next.
public final class CurlSMTPTransport: MailTransport {
    /// The settings this transport was made with.
    public let configuration: SMTPConfiguration
    private let lanes: [Lane]

    /// A transport for `configuration`.
    /// - Throws: ``MailError`` when the settings are invalid or insecure; nothing has connected yet.
    public init(configuration: SMTPConfiguration) throws(MailError) {
        let plan = try configuration.plan()
        try CurlGlobal.initialize()
        self.configuration = configuration
        self.lanes = (0..<configuration.lanes).map { Lane(plan: plan, number: $0) }
    }

    public func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        if batch.isEmpty { return [] }
        let work = BatchWork(batch)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let group = DispatchGroup()
                for lane in lanes.prefix(batch.count) {
                    group.enter()
                    lane.queue.async {
                        lane.drain(work)
                        group.leave()
                    }
                }
                group.notify(queue: .global()) { continuation.resume() }
            }
        } onCancel: {
            work.cancel()
        }
        return work.results()
    }
}

/// The messages of one batch, taken one at a time by the lanes, and their outcomes.
private final class BatchWork: Sendable {
    private struct State {
        var next = 0
        var cancelled = false
        var outcomes: [DeliveryOutcome?]
    }

    let messages: [OutgoingMessage]
    private let state: Mutex<State>

    init(_ messages: [OutgoingMessage]) {
        self.messages = messages
        self.state = Mutex(State(outcomes: Array(repeating: nil, count: messages.count)))
    }

    /// The next message to send, or nil when all are taken (or the batch was cancelled).
    func take() -> Int? {
        state.withLock { state in
            guard state.next < messages.count, !state.cancelled else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    func record(_ outcome: DeliveryOutcome, at index: Int) {
        state.withLock { $0.outcomes[index] = outcome }
    }

    func cancel() {
        state.withLock { $0.cancelled = true }
    }

    func results() -> [DeliveryResult] {
        state.withLock { state in
            messages.indices.map { index in
                DeliveryResult(
                    message: messages[index],
                    outcome: state.outcomes[index]
                        ?? .temporaryFailure(code: nil, reply: "not attempted: the delivery was cancelled"))
            }
        }
    }
}

/// One lane: a serial queue that owns one easy handle, made on first use and kept for the next batches.
private final class Lane: @unchecked Sendable {
    // @unchecked: `easy` is only touched on `queue`.
    let queue: DispatchQueue
    private let plan: SMTPPlan
    private var easy: CurlEasy?

    init(plan: SMTPPlan, number: Int) {
        self.plan = plan
        self.queue = DispatchQueue(label: "pals.mail.smtp-lane-\(number)")
    }

    /// Sends messages of the batch until none are left; runs on `queue`.
    func drain(_ work: BatchWork) {
        while let index = work.take() {
            let outcome: DeliveryOutcome
            do throws(MailError) {
                let current: CurlEasy
                if let easy { current = easy } else { current = try CurlEasy(plan: plan) }
                outcome = current.send(work.messages[index])
                // After a failure or an uncertain end the connection may still owe a reply to this message:
                // the next one gets a fresh handle and a fresh connection (the old one is already shut).
                easy = current.isReusable ? current : nil
            } catch {
                outcome = .temporaryFailure(code: nil, reply: error.description)
            }
            work.record(outcome, at: index)
        }
    }
}

extension MailTransport where Self == CurlSMTPTransport {
    /// SMTP through libcurl with `configuration`; throws before connecting when the settings are unsafe.
    public static func smtp(_ configuration: SMTPConfiguration) throws(MailError) -> CurlSMTPTransport {
        try CurlSMTPTransport(configuration: configuration)
    }
}
