internal import Dispatch
internal import Foundation
package import Logging
internal import Primitives
internal import Synchronization

/// SMTP through libcurl: one easy handle (and so one kept-open connection) per lane, each lane on its own thread.
///
/// `curl_easy_perform` blocks, so it runs on the lanes' own dispatch queues, never on Swift's cooperative
/// pool. A batch is shared out across the lanes; each lane sends its messages one after another over one
/// connection, which libcurl keeps open between messages. After any transfer that did not succeed (a refusal, a
/// timeout, a lost connection, an uncertain final reply) the lane shuts that connection and starts the next
/// message on a fresh handle: a late reply owed to one message must never be read as the answer to the next.
///
/// It logs (to the logger it is given) each connection opened, reused and retired, and each transfer that did not
/// deliver, by the message's label (the outbox id) and the SMTP reply code: never an address, a reply's text
/// (which may echo the recipient) or the message.
package final class CurlSMTPTransport: MailTransport {
    /// The settings this transport was made with.
    package let configuration: SMTPConfiguration
    private let lanes: [Lane]

    /// A transport for `configuration`.
    /// - Parameters:
    ///   - logger: where connection and failure events go; by default nowhere.
    /// - Throws: ``MailError`` when the settings are invalid or insecure; nothing has connected yet.
    package init(
        configuration: SMTPConfiguration,
        logger: Logger = Logger(label: "pals.mail.smtp", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(MailError) {
        let plan = try configuration.plan()
        try CurlGlobal.initialize()
        self.configuration = configuration
        self.lanes = (0..<configuration.lanes).map { Lane(plan: plan, number: $0, logger: logger) }
    }

    package func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        await deliver(batch, settle: nil)
    }

    /// Delivers each message of the batch as ``deliver(_:)`` does, calling `settle` with each message's result as
    /// soon as its SMTP transaction ends and before the next message starts, so a caller can record it durably.
    package func deliver(
        _ batch: [OutgoingMessage], settling settle: @escaping @Sendable (DeliveryResult) async -> Void
    ) async -> [DeliveryResult] {
        await deliver(batch, settle: settle)
    }

    private func deliver(
        _ batch: [OutgoingMessage], settle: (@Sendable (DeliveryResult) async -> Void)?
    ) async -> [DeliveryResult] {
        if batch.isEmpty { return [] }
        let work = BatchWork(batch, settle: settle)
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
        let results = work.results()
        if let settle {
            // The messages a cancelled batch never attempted are settled too, once each, after the lanes stop.
            for index in work.unattempted() { await settle(results[index]) }
        }
        return results
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
    /// Called with each message's result as its transaction ends, before its lane takes the next message.
    let settle: (@Sendable (DeliveryResult) async -> Void)?
    private let state: Mutex<State>

    init(_ messages: [OutgoingMessage], settle: (@Sendable (DeliveryResult) async -> Void)?) {
        self.messages = messages
        self.settle = settle
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

    /// The messages no lane attempted (the batch was cancelled first).
    func unattempted() -> [Int] {
        state.withLock { state in state.outcomes.indices.filter { state.outcomes[$0] == nil } }
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
    private let logger: Logger

    init(plan: SMTPPlan, number: Int, logger: Logger) {
        self.plan = plan
        self.queue = DispatchQueue(label: "pals.mail.smtp-lane-\(number)")
        var logger = logger
        logger[metadataKey: "smtp.lane"] = "\(number)"
        self.logger = logger
    }

    /// Sends messages of the batch until none are left; runs on `queue`.
    func drain(_ work: BatchWork) {
        while let index = work.take() {
            let message = work.messages[index]
            var logger = self.logger
            logger[metadataKey: "mail.message"] = "\(message.label ?? "(unlabelled)")"
            let outcome: DeliveryOutcome
            do throws(MailError) {
                let current: CurlEasy
                if let easy {
                    current = easy
                    logger.debug("smtp connection reused")
                } else {
                    current = try CurlEasy(plan: plan)
                    logger.debug("smtp connection opened")
                }
                outcome = current.send(message)
                // After a failure or an uncertain end the connection may still owe a reply to this message:
                // the next one gets a fresh handle and a fresh connection (the old one is already shut).
                if current.isReusable {
                    easy = current
                } else {
                    easy = nil
                    logger.debug("smtp connection retired after a transfer that did not succeed")
                }
            } catch {
                logger.error("smtp handle could not be made", metadata: ["error": "\(error)"])
                outcome = .temporaryFailure(code: nil, reply: error.description)
            }
            Self.log(outcome, to: logger)
            work.record(outcome, at: index)
            if let settle = work.settle { Self.wait(for: settle, DeliveryResult(message: message, outcome: outcome)) }
        }
    }

    /// Runs `settle` for `result` and blocks this lane's thread (a Dispatch thread, never the cooperative pool)
    /// until it returns: the next message starts only once this one's result is recorded.
    private static func wait(
        for settle: @escaping @Sendable (DeliveryResult) async -> Void, _ result: DeliveryResult
    ) {
        let settled = DispatchSemaphore(value: 0)
        Task {
            await settle(result)
            settled.signal()
        }
        settled.wait()
    }

    /// Logs a transfer that did not deliver: its kind and reply code, never the reply's text (it may name the
    /// recipient).
    private static func log(_ outcome: DeliveryOutcome, to logger: Logger) {
        switch outcome {
        case .delivered: break
        case .temporaryFailure(let code, _):
            logger.warning("smtp transfer failed for now", metadata: ["smtp.code": "\(code.map(String.init) ?? "-")"])
        case .permanentFailure(let code, _):
            logger.error("smtp transfer refused", metadata: ["smtp.code": "\(code.map(String.init) ?? "-")"])
        case .uncertain:
            logger.error("smtp transfer outcome unknown: the server may have taken it; do not resend blindly")
        }
    }
}

extension MailTransport where Self == CurlSMTPTransport {
    /// SMTP through libcurl with `configuration`; throws before connecting when the settings are unsafe.
    package static func smtp(
        _ configuration: SMTPConfiguration,
        logger: Logger = Logger(label: "pals.mail.smtp", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(MailError) -> CurlSMTPTransport {
        try CurlSMTPTransport(configuration: configuration, logger: logger)
    }
}
