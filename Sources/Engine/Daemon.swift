import Casework
import Foundation
import Letters
package import Logging
package import Mail
package import Outbox
import Primitives
package import ServiceLifecycle
import Synchronization
package import UnixSignals
import WorkingDays

/// The daemon's work, one pass at a time: acknowledge new cases, send reminders, send the outbox.
///
/// `pals daemon` runs each pass in a loop as a service; `pals daemon --once` runs each once, for cron.
package final class Daemon: Sendable {
    /// What the workspace's configuration and templates make; ``reload()`` replaces it whole.
    private struct Setup: Sendable {
        let postroom: Postroom
        let planner: ReminderPlanner
        let sender: OutboxSender
    }

    private let setup: Mutex<Setup>
    /// The postroom of the configuration in force (replaced by ``reload()``).
    package var postroom: Postroom { setup.withLock { $0.postroom } }
    var planner: ReminderPlanner { setup.withLock { $0.planner } }
    var sender: OutboxSender { setup.withLock { $0.sender } }
    let lanes: Int?
    /// The environment whose overrides (`PALS_SMTP_URL`…) a reload applies again.
    let environment: [String: String]
    let logger: Logger
    let guardrail: AutoReplyGuard
    /// Cases already logged as waiting for the automatic-mail cap (logged once each).
    let capped = Mutex<Set<String>>([])
    /// Raised when intake or the watcher queued mail, so the sender goes at once instead of when its sleep ends.
    let mailWaiting = WakeSignal()
    /// Raised when `pals case new` (or an escalation) signalled SIGUSR1, so intake looks at once.
    let casesWaiting = WakeSignal()
    /// Raised by a reload, so the watcher works out its next reminder time again.
    let remindersWaiting = WakeSignal()
    /// Raised to make the mailbox service poll at once (tests; a reload is seen at its next poll).
    let mailboxWaiting = WakeSignal()
    /// What each looping service is doing (a test harness waits for all of them to sleep).
    package let activity = DaemonActivity()
    /// The clock the services sleep on: the continuous clock, or a test clock that runs a week in milliseconds.
    /// "Now" comes from the casebook's wall clock.
    let sleepClock: any Clock<Duration>
    /// The transport every sender of this daemon uses, when not the configured one (tests).
    let transport: (any MailTransport)?
    /// The last day whose reminders were all queued; the watcher rests until the next day.
    let remindersDone = Mutex<CivilDate?>(nil)
    /// Cases whose acknowledgement failed for a moment, with when to try again.
    let intakeRetries = IntakeRetries()

    /// - Parameters:
    ///   - environment: the environment the workspace was opened with (default: this process's);
    ///     ``reload()`` applies its overrides again.
    ///   - transport: the transport to send with, kept across reloads (default: the configuration's).
    ///   - sleepClock: the clock the services sleep on; "now" is the casebook's wall clock, which must move with it.
    package init(
        postroom: Postroom, lanes: Int? = nil, environment: [String: String]? = nil,
        transport: (any MailTransport)? = nil, sleepClock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) throws {
        self.logger = logger
        self.lanes = lanes
        self.environment = environment ?? ProcessInfo.processInfo.environment
        self.transport = transport
        self.sleepClock = sleepClock
        setup = Mutex(try Self.setup(postroom, lanes: lanes, transport: transport))
        let configuration = postroom.casebook.workspace.configuration
        guardrail = AutoReplyGuard(perRecipientPerHour: configuration.mail.autoMailPerRecipientPerHour)
    }

    private static func setup(_ postroom: Postroom, lanes: Int?, transport: (any MailTransport)?) throws -> Setup {
        let configuration = postroom.casebook.workspace.configuration
        return Setup(
            postroom: postroom,
            planner: ReminderPlanner(desk: postroom.letters.deadlines, configuration: configuration),
            // Small batches: a shutdown waits for the batches in flight, and a kill puts at most a batch on hold.
            sender: try postroom.sender(lanes: lanes, batchSize: 4, transport: transport))
    }

    // MARK: Reload

    /// Reads `pals.yaml` and `Templates/` again (the daemon's SIGHUP, `systemctl reload`), all or nothing.
    ///
    /// A configuration or template set that does not load is refused: the error is logged, naming the problem,
    /// and the daemon goes on with the one it had. Passes in flight finish with the old one; the next use the
    /// new one. The automatic-mail cap per recipient keeps its counts and its limit until a restart.
    /// - Returns: whether the new configuration is in force.
    @discardableResult
    package func reload() -> Bool {
        let current = casebook
        do {
            let workspace = try Workspace.open(at: current.workspace.root, environment: environment)
            let kept = postroom.outbox
            let casebook = Casebook(
                workspace: workspace, register: current.register, outbox: kept, clock: current.clock)
            let postroom = try Postroom(casebook: casebook, outbox: kept, logger: logger)
            let fresh = try Self.setup(postroom, lanes: lanes, transport: transport)
            setup.withLock { $0 = fresh }
            logger.notice(
                "configuration reloaded",
                metadata: [
                    "officers": "\(workspace.configuration.officers.count)",
                    "letters": "\(postroom.letters.library.kinds.count)",
                ])
            return true
        } catch {
            logger.error(
                "configuration not reloaded: the daemon keeps the one it had",
                metadata: ["error": "\(Self.oneLine(error))"])
            return false
        }
    }

    /// Reloads off the cooperative pool (it reads files), then wakes the watcher: the reminder time may have moved.
    func reloadOffPool() async {
        await BlockingWork.run { _ = self.reload() }
        remindersWaiting.raise()
    }

    /// An error's description on one line (configuration errors list one problem a line).
    private static func oneLine(_ error: any Error) -> String {
        let text = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
        return text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    var casebook: Casebook { postroom.casebook }
    var now: Date { casebook.clock.now() }

    // MARK: Sender

    /// Recovers interrupted sends (they go on hold), once at start.
    package func recover() async {
        let events = await sender.recover()
        if !events.isEmpty { logger.warning("recovered interrupted sends", metadata: ["messages": "\(events.count)"]) }
    }

    /// Sends everything due now; when the daemon starts shutting down, claims no new batch and lets the
    /// batches in flight finish their SMTP transactions.
    @discardableResult
    package func senderPass() async -> OutboxSender.Report {
        logProblems(await sender.sendDue(while: { !Task.isShuttingDownGracefully }))
    }

    /// Logs, as errors, what a pass could not record (each names the message and its case, never a person).
    @discardableResult
    private func logProblems(_ report: OutboxSender.Report) -> OutboxSender.Report {
        for problem in report.problems {
            var metadata: Logger.Metadata = ["error": "\(problem)"]
            if let reference = MessageLabels(problem.labels).reference { metadata["case"] = "\(reference)" }
            if let id = problem.id { metadata["message"] = "\(id)" }
            logger.error("could not record a message move", metadata: metadata)
        }
        return report
    }

    /// Tells the daemon that cases changed or mail was queued by another `pals` (the daemon's SIGUSR1): intake
    /// looks at once, and so does the sender.
    package func casesChanged() {
        casesWaiting.raise()
        mailWaiting.raise()
    }

    /// Wakes the sender when problems wait for their officers' alerts: the problems a pass of intake or the watcher
    /// found reach their officers through the sender, which queues the alerts whose windows have passed.
    func wakeSenderIfAlertsWait() {
        if postroom.alerts.nextDue() != nil { mailWaiting.raise() }
    }

    /// Whether every looping service sleeps until a time still to come, with no wake-up waiting: nothing happens
    /// until the clock moves or someone signals.
    package var isIdle: Bool {
        activity.allAsleep(now: now) && !casesWaiting.isRaised && !mailWaiting.isRaised && !remindersWaiting.isRaised
    }

    /// One pass of every service, in dependency order: intake, watcher, sender.
    package func once() async -> OutboxSender.Report {
        await recover()
        intakePass()
        watcherPass()
        var report = await sender.drain()
        // A one-shot run tells every officer now what it found, rather than at the end of an alert window.
        if postroom.sendAlerts(force: true) > 0 { report = report + (await sender.sendDue()) }
        return logProblems(report)
    }

    /// Queues every officer's pending alerts, whatever their windows (at shutdown, so nothing gathered is lost).
    func sendPendingAlerts() {
        postroom.sendAlerts(force: true)
    }

    // MARK: Services

    /// The longest intake sleeps without a signal by default: it finds a case logged while the daemon was down, or
    /// by a `pals` that could not signal it, within this time.
    package static let defaultSafetyInterval = Duration.seconds(300)
    /// The longest the sender sleeps without a signal: mail queued by another `pals` (`pals letter`) goes within it.
    package static let senderSafetyInterval = Duration.seconds(60)

    /// The daemon's services for a ``ServiceGroup``: intake, deadline watcher, sender, and the listeners for
    /// SIGUSR1 (a new case) and SIGHUP (``reload()``).
    ///
    /// Each looping service sleeps until the next thing it knows is due, or until woken (see ``casesChanged()``):
    /// an idle daemon does no work between those times.
    /// - Parameters:
    ///   - safetyInterval: the longest intake and the watcher sleep without a signal.
    ///   - senderSafetyInterval: the longest the sender sleeps without a signal (no longer than `safetyInterval`).
    ///   - hangups: SIGHUP, trapped early by the caller so a reload asked for while the group starts is not lost;
    ///     trapped when the service starts otherwise.
    ///   - wakeups: SIGUSR1, trapped early in the same way, so a case logged while the group starts is not left
    ///     for the safety interval.
    ///   - listeningForSignals: false for a daemon run inside another program (tests), which call
    ///     ``casesChanged()`` and ``reload()`` themselves.
    package func services(
        safetyInterval: Duration = Daemon.defaultSafetyInterval,
        senderSafetyInterval: Duration = Daemon.senderSafetyInterval, hangups: UnixSignalsSequence? = nil,
        wakeups: UnixSignalsSequence? = nil, listeningForSignals: Bool = true
    ) -> [any Service] {
        let looping: [any Service] = [
            IntakeService(daemon: self, safetyInterval: safetyInterval),
            WatcherService(daemon: self, safetyInterval: safetyInterval),
            SenderService(daemon: self, safetyInterval: min(safetyInterval, senderSafetyInterval)),
            MailboxService(daemon: self, safetyInterval: safetyInterval),
        ]
        guard listeningForSignals else { return looping }
        return [WakeService(daemon: self, wakeups: wakeups), ReloadService(daemon: self, hangups: hangups)] + looping
    }
}
