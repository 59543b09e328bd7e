import Casework
import Foundation
import Logging
package import Mail
package import Outbox
import Primitives
import WorkingDays

/// Sending set-up: the configured transport, retry policy and a sender whose every move is recorded on its case.
package struct SendingSetup: Sendable {
    let casebook: Casebook
    let outbox: any OutboxStore
    let logger: Logger
    /// Where a failed or held message's alert goes, and what queues the alerts at the end of each pass.
    let staff: StaffMail

    init(casebook: Casebook, outbox: any OutboxStore, logger: Logger, staff: StaffMail) {
        self.casebook = casebook
        self.outbox = outbox
        self.logger = logger
        self.staff = staff
    }

    var configuration: WorkspaceConfiguration { casebook.workspace.configuration }

    /// The transport the configuration chooses: the file transport into `Outbox/local/`, or SMTP through libcurl.
    package func transport() throws -> any MailTransport {
        let mail = configuration.mail
        switch mail.transport {
        case .file:
            return FileTransport(folder: casebook.workspace.outboxURL.appending(path: Postroom.localDeliveryFolder))
        case .smtp:
            return try CurlSMTPTransport(configuration: try configuration.smtpConfiguration(), logger: logger)
        }
    }

    /// The retry policy of the configuration.
    package var retryPolicy: BackoffRetryPolicy {
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
    package func sender(
        lanes: Int? = nil, batchSize: Int = 10, transport: (any MailTransport)? = nil,
        observe: (@Sendable (OutboxEvent) -> Void)? = nil,
        recordFailed: (@Sendable (OutboxEvent, any Error) -> Void)? = nil
    ) throws -> OutboxSender {
        let chosen = try transport ?? self.transport()
        let setup = self
        return try OutboxSender(
            outbox: outbox, transport: chosen, policy: retryPolicy, lanes: lanes ?? configuration.mail.smtp.lanes,
            batchSize: batchSize,
            observer: { event in
                // The register write and the alert run off the cooperative pool (SQLite blocks).
                await BlockingWork.run {
                    do {
                        try setup.record(event)
                    } catch {
                        recordFailed?(event, error)
                    }
                }
                observe?(event)
            },
            afterPass: { await BlockingWork.run { _ = setup.staff.sendAlerts() } }, logger: logger)
    }

    /// Records a move of a message on its case; flags the case and notes an alert for the officer when it failed
    /// or is held.
    /// - Throws: what the register or the alert threw (also logged, with the case reference).
    func record(_ event: OutboxEvent) throws {
        let labels = MessageLabels(event.labels)
        guard let reference = labels.reference else { return }
        let kind = labels.kind ?? "message"
        let now = casebook.clock.now()
        let reason = Postroom.short(event.reason ?? event.reply ?? "")
        var metadata: Logger.Metadata = ["case": "\(reference)", "kind": "\(kind)", "message": "\(event.id)"]
        let move: CaseLifecycle.LetterMove
        switch event.kind {
        case .delivered: move = .sent(messageID: event.id, reply: Postroom.short(event.reply ?? ""))
        case .deferred: move = .deferred(messageID: event.id, reason: reason)
        case .failed: move = .failed(messageID: event.id, reason: reason)
        case .held: move = .held(messageID: event.id, reason: reason)
        }
        do {
            try casebook.register.apply(reference, now: now) { lifecycle in
                lifecycle.record(move, kind: kind, at: now)
                if event.kind == .delivered {
                    Self.applyHeldEffect(labels, id: event.id, kind: kind, to: &lifecycle, at: now)
                }
            }
            switch event.kind {
            case .delivered:
                logger.info("message delivered", metadata: metadata)
            case .deferred:
                metadata["next"] = "\(event.nextAttempt.map { ISO8601DateFormatter().string(from: $0) } ?? "")"
                logger.notice("message deferred", metadata: metadata)
            case .failed, .held:
                let state = event.kind == .failed ? "failed" : "on hold"
                logger.warning("message \(state)", metadata: metadata)
                if kind != "alert" {
                    try staff.alertOfficer(
                        reference: reference, key: "alert/\(event.id)/\(event.kind.rawValue)",
                        subject: "Undelivered \(kind): \(reference)",
                        body: """
                            The \(kind) for case \(reference) is \(state).

                            Message: \(event.id)
                            Reason: \(reason)

                            See `pals outbox show \(event.id)`; `pals outbox retry` or `release` sends it again, \
                            `cancel` drops it.
                            """)
                }
            }
        } catch {
            logger.error(
                "could not record a message move on its case", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            throw error
        }
    }
}
