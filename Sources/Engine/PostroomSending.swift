import Casework
import Foundation
import Logging
public import Mail
public import Outbox
import WorkingDays

/// Sending set-up: the configured transport, retry policy and a sender whose every move is recorded on its case.
extension Postroom {

    /// The transport the configuration chooses: the file transport into `Outbox/local/`, or SMTP through libcurl.
    public func transport() throws -> any MailTransport {
        let mail = configuration.mail
        switch mail.transport {
        case .file:
            return FileTransport(folder: casebook.workspace.outboxURL.appending(path: Self.localDeliveryFolder))
        case .smtp:
            return try CurlSMTPTransport(configuration: try configuration.smtpConfiguration())
        }
    }

    /// The retry policy of the configuration.
    public var retryPolicy: BackoffRetryPolicy {
        let retry = configuration.mail.retry
        return BackoffRetryPolicy(
            firstBackoff: .seconds(retry.firstDelay), maximumBackoff: .seconds(retry.maxDelay),
            lifetime: .seconds(retry.giveUpAfter))
    }

    /// A sender over the configured transport whose every move is recorded on the case, and which queues the
    /// officers' coalesced alerts at the end of each pass.
    /// - Parameters:
    ///   - observe: told of every move, after it was recorded on its case.
    ///   - recordFailed: told of every move that could not be recorded on its case (the register or the alert
    ///     failed), so a command can report it rather than claim success.
    public func sender(
        lanes: Int? = nil, batchSize: Int = 10, transport: (any MailTransport)? = nil,
        observe: (@Sendable (OutboxEvent) -> Void)? = nil,
        recordFailed: (@Sendable (OutboxEvent, any Error) -> Void)? = nil
    ) throws -> OutboxSender {
        let chosen = try transport ?? self.transport()
        let postroom = self
        return try OutboxSender(
            outbox: outbox, transport: chosen, policy: retryPolicy, lanes: lanes ?? configuration.mail.smtp.lanes,
            batchSize: batchSize,
            observer: { event in
                // The register write and the alert run off the cooperative pool (SQLite blocks).
                await BlockingWork.run {
                    do {
                        try postroom.record(event)
                    } catch {
                        recordFailed?(event, error)
                    }
                }
                observe?(event)
            },
            afterPass: { await BlockingWork.run { _ = postroom.sendAlerts() } })
    }

    /// Records a move of a message on its case; flags the case and notes an alert for the officer when it failed
    /// or is held.
    /// - Throws: what the register or the alert threw (also logged, with the case reference).
    func record(_ event: OutboxEvent) throws {
        guard let reference = event.labels["case"] else { return }
        let kind = event.labels["kind"] ?? "message"
        let now = casebook.clock.now()
        let reason = event.reason ?? event.reply ?? ""
        var metadata: Logger.Metadata = ["case": "\(reference)", "kind": "\(kind)", "message": "\(event.id)"]
        do {
            switch event.kind {
            case .delivered:
                try register.update(reference, now: now, event: CaseEvent(at: now, kind: "letter-sent", detail: "\(kind) \(event.id) accepted: \(Self.short(event.reply ?? ""))")) { record in
                    if record.attention?.contains(event.id) == true { record.attention = nil }
                }
                logger.info("message delivered", metadata: metadata)
            case .deferred:
                try register.record(CaseEvent(at: now, kind: "letter-deferred", detail: "\(kind) \(event.id) will be retried: \(Self.short(reason))"), for: reference)
                metadata["next"] = "\(event.nextAttempt.map { ISO8601DateFormatter().string(from: $0) } ?? "")"
                logger.notice("message deferred", metadata: metadata)
            case .failed, .held:
                let state = event.kind == .failed ? "failed" : "on hold"
                try register.update(reference, now: now, event: CaseEvent(at: now, kind: "letter-\(event.kind == .failed ? "failed" : "held")", detail: "\(kind) \(event.id) \(state): \(Self.short(reason))")) { record in
                    record.attention = "\(kind) \(event.id) \(state)"
                }
                logger.warning("message \(state)", metadata: metadata)
                if kind != "alert" {
                    try alertOfficer(
                        reference: reference, key: "alert/\(event.id)/\(event.kind.rawValue)",
                        subject: "Undelivered \(kind): \(reference)",
                        body: """
                            The \(kind) for case \(reference) is \(state).

                            Message: \(event.id)
                            Reason: \(Self.short(reason))

                            See `pals outbox show \(event.id)`; `pals outbox retry` or `release` sends it again, `cancel` drops it.
                            """)
                }
            }
        } catch {
            logger.error("could not record a message move on its case", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            throw error
        }
    }

    /// A server reply shortened to one line.
    public static func short(_ reply: String) -> String {
        let line = reply.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
