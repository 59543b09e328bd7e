import Casework
package import Foundation
package import Letters
package import Logging
package import Mail
package import Outbox
import Primitives
import Synchronization
import WorkingDays

/// Where a workspace's letters become queued messages and queued messages become sent mail.
///
/// It joins the casebook, the letter desk and the outbox: queueing records the letter in the case history;
/// every move of a message is recorded there too, and a message that fails or goes on hold flags its case
/// and sends its officer an alert (never an alert about an alert).
///
/// Alerts to one officer are coalesced (``OfficerAlerts``): at most one alert per officer per ``alertWindow``,
/// listing every problem since the last one.
///
/// A thin holder: each job is its own small type, all sharing one casebook, letter desk, outbox and logger:
/// ``LetterQueue`` (letters to complainants), ``StaffMail`` (alerts, reminders, digests), ``Retention``
/// (purging closed cases' correspondence) and ``SendingSetup`` (transport, retry policy, a recording sender).
package struct Postroom: Sendable {
    package let casebook: Casebook
    package let letters: LetterDesk
    /// Where queued messages wait, are sent and are archived: the casebook's store unless one was given.
    package let outbox: any OutboxStore
    let logger: Logger
    /// Queues letters to complainants: by email, or as PDFs to print and post.
    package let letterQueue: LetterQueue
    /// Alerts, reminders and digests to staff.
    package let staffMail: StaffMail
    /// Purges the correspondence of cases closed long enough ago.
    package let retention: Retention
    /// The transport, the retry policy and senders that record every move on its case.
    package let sending: SendingSetup

    /// The file transport's folder in `Outbox/`: where mail goes when `mail.transport` is `file`.
    package static let localDeliveryFolder = "local"
    /// The print queue in `Outbox/`: PDF letters for complainants who are written to by post.
    package static let printFolder = "print"

    /// The shortest time between two alerts to one officer: 15 minutes. The first problem is told at once; those
    /// that follow within the window wait for its end and go in one alert.
    package static let defaultAlertWindow: TimeInterval = 15 * 60

    /// - Parameters:
    ///   - outbox: the outbox store; by default the casebook's (the workspace's `Outbox/` folder, logging to `logger`).
    ///   - logger: where the postroom, the outbox, its senders and the SMTP transport log.
    ///   - alertWindow: the shortest time between two alerts to one officer, in seconds.
    package init(
        casebook: Casebook, outbox: (any OutboxStore)? = nil, logger: Logger = Logger(label: "pals"),
        alertWindow: TimeInterval = Self.defaultAlertWindow
    ) throws {
        self.casebook = casebook
        letters = try LetterDesk(casebook: casebook)
        let outbox = try outbox ?? casebook.outbox(logger: logger)
        self.outbox = outbox
        self.logger = logger
        staffMail = StaffMail(
            casebook: casebook, letters: letters, outbox: outbox, logger: logger,
            alerts: OfficerAlerts(window: alertWindow))
        letterQueue = LetterQueue(
            casebook: casebook, letters: letters, outbox: outbox, logger: logger, staff: staffMail)
        retention = Retention(casebook: casebook, outbox: outbox, logger: logger)
        sending = SendingSetup(casebook: casebook, outbox: outbox, logger: logger, staff: staffMail)
    }

    /// Problems waiting to be told to their officers.
    var alerts: OfficerAlerts { staffMail.alerts }

    // MARK: The entry points many callers use

    /// What queueing a letter did.
    package typealias Queued = LetterQueue.Queued

    /// Queues a letter an officer writes: ``LetterQueue/sendLetter(_:reference:inputs:)``.
    @discardableResult
    package func sendLetter(_ kind: LetterKind, reference: String, inputs: [String: String]) throws -> Queued {
        try letterQueue.sendLetter(kind, reference: reference, inputs: inputs)
    }

    /// Tells a case's officer of a problem: ``StaffMail/alertOfficer(reference:key:subject:body:)``.
    package func alertOfficer(reference: String, key: String, subject: String, body: String) throws {
        try staffMail.alertOfficer(reference: reference, key: key, subject: subject, body: body)
    }

    /// Queues the officers' pending alerts: ``StaffMail/sendAlerts(force:)``.
    @discardableResult
    package func sendAlerts(force: Bool = false) -> Int { staffMail.sendAlerts(force: force) }

    /// Queues a message to staff: ``StaffMail/notify(to:name:key:subject:body:html:labels:)``.
    package func notify(
        to address: String, name: String?, key: String, subject: String, body: String, html: String? = nil,
        labels: MessageLabels
    ) throws {
        try staffMail.notify(
            to: address, name: name, key: key, subject: subject, body: body, html: html, labels: labels)
    }

    /// A recording sender: ``SendingSetup/sender(lanes:batchSize:transport:observe:recordFailed:)``.
    package func sender(
        lanes: Int? = nil, batchSize: Int = 10, transport: (any MailTransport)? = nil,
        observe: (@Sendable (OutboxEvent) -> Void)? = nil,
        recordFailed: (@Sendable (OutboxEvent, any Error) -> Void)? = nil
    ) throws -> OutboxSender {
        try sending.sender(
            lanes: lanes, batchSize: batchSize, transport: transport, observe: observe, recordFailed: recordFailed)
    }

    /// A short stable hash (FNV-1a, hex) of a text; the keys it is part of must never change.
    package static func hash(_ text: String) -> String { StableHash(text).hex }

    /// A server reply shortened to one line.
    package static func short(_ reply: String) -> String {
        let line = reply.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
