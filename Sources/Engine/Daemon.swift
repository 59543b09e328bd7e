import Casework
import Foundation
public import Logging
import Letters
import Mail
public import Outbox
public import ServiceLifecycle
import Synchronization
public import UnixSignals
import WorkingDays

/// The daemon's work, one pass at a time: acknowledge new cases, send reminders, send the outbox.
///
/// `pals daemon` runs each pass in a loop as a service; `pals daemon --once` runs each once, for cron.
public final class Daemon: Sendable {
    /// What the workspace's configuration and templates make; ``reload()`` replaces it whole.
    private struct Setup: Sendable {
        let postroom: Postroom
        let planner: ReminderPlanner
        let sender: OutboxSender
    }

    private let setup: Mutex<Setup>
    /// The postroom of the configuration in force (replaced by ``reload()``).
    public var postroom: Postroom { setup.withLock { $0.postroom } }
    var planner: ReminderPlanner { setup.withLock { $0.planner } }
    var sender: OutboxSender { setup.withLock { $0.sender } }
    private let lanes: Int?
    /// The environment whose overrides (`PALS_SMTP_URL`…) a reload applies again.
    private let environment: [String: String]
    let logger: Logger
    private let guardrail: AutoReplyGuard
    /// How the attention flag of a case intake could not acknowledge begins.
    static let intakeFlag = "automatic acknowledgement not"
    /// Cases already logged as waiting for the automatic-mail cap (logged once each).
    private let capped = Mutex<Set<String>>([])
    /// Set when intake or the watcher queued mail, so the sender goes at once instead of at its next tick.
    private let mailWaiting = WakeFlag()
    /// Set when `pals case new` (or an escalation) signalled SIGUSR1, so intake looks at once.
    private let casesWaiting = WakeFlag()
    /// The last day whose reminders were all queued; the watcher rests until the next day.
    private let remindersDone = Mutex<CivilDate?>(nil)
    /// Cases whose acknowledgement failed for a moment, with when to try again.
    let intakeRetries = IntakeRetries()

    /// - Parameters:
    ///   - environment: the environment the workspace was opened with (default: this process's);
    ///     ``reload()`` applies its overrides again.
    public init(
        postroom: Postroom, lanes: Int? = nil, environment: [String: String]? = nil, logger: Logger
    ) throws {
        self.logger = logger
        self.lanes = lanes
        self.environment = environment ?? ProcessInfo.processInfo.environment
        setup = Mutex(try Self.setup(postroom, lanes: lanes))
        let configuration = postroom.casebook.workspace.configuration
        guardrail = AutoReplyGuard(perRecipientPerHour: configuration.mail.autoMailPerRecipientPerHour)
    }

    private static func setup(_ postroom: Postroom, lanes: Int?) throws -> Setup {
        let configuration = postroom.casebook.workspace.configuration
        return Setup(
            postroom: postroom,
            planner: ReminderPlanner(desk: postroom.letters.deadlines, configuration: configuration),
            // Small batches: a shutdown waits for the batches in flight, and a kill puts at most a batch on hold.
            sender: try postroom.sender(lanes: lanes, batchSize: 4))
    }

    // MARK: Reload

    /// Reads `pals.yaml` and `Templates/` again (the daemon's SIGHUP, `systemctl reload`), all or nothing.
    ///
    /// A configuration or template set that does not load is refused: the error is logged, naming the problem,
    /// and the daemon goes on with the one it had. Passes in flight finish with the old one; the next use the
    /// new one. The automatic-mail cap per recipient keeps its counts and its limit until a restart.
    /// - Returns: whether the new configuration is in force.
    @discardableResult
    public func reload() -> Bool {
        let current = casebook
        do {
            let workspace = try Workspace.open(at: current.workspace.root, environment: environment)
            let casebook = Casebook(workspace: workspace, register: current.register, clock: current.clock)
            let postroom = try Postroom(casebook: casebook, logger: logger)
            let fresh = try Self.setup(postroom, lanes: lanes)
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

    /// An error's description on one line (configuration errors list one problem a line).
    private static func oneLine(_ error: any Error) -> String {
        let text = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
        return text.split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    private var casebook: Casebook { postroom.casebook }
    private var now: Date { casebook.clock.now() }

    // MARK: Intake

    /// Queues the acknowledgement of every open case that has none yet; returns how many were queued.
    @discardableResult
    public func intakePass() -> Int {
        let pending: [Case]
        do {
            pending = try casebook.register.cases(CaseFilter(openOnly: true, awaitingAcknowledgement: true))
        } catch {
            logger.error("cannot read the register", metadata: ["error": "\(error)"])
            return 0
        }
        var queued = 0
        let at = now
        // A case intake could not acknowledge waits for its officer (who clears the flag once it is fixed); one that
        // failed for a moment waits for its next try.
        for record in pending
        where !(record.attention?.hasPrefix(Self.intakeFlag) ?? false) && !intakeRetries.isWaiting(record.reference, now: at)
            && acknowledge(record)
        {
            queued += 1
        }
        if queued > 0 { mailWaiting.raise() }
        return queued
    }

    /// Acknowledges one case; a problem flags the case and tells its officer once.
    private func acknowledge(_ record: Case) -> Bool {
        let reference = record.reference
        let stage = record.stage ?? 1
        // The automatic-mail slot taken for this try, given back if nothing was queued (a transient failure must
        // not use up the recipient's hourly cap and hold back the retries).
        var slot: (address: String, at: Date)?
        do {
            let letter = try postroom.letters.prepare(.acknowledgement, reference: reference, inputs: [:])
            if case .email(let address) = letter.delivery {
                if let refusal = AutoReplyGuard.refusal(for: address) {
                    return flag(record, "\(Self.intakeFlag) sent: \(refusal)", key: "intake-refused/\(reference)/\(Postroom.hash(refusal))")
                }
                let allowedAt = now
                guard guardrail.allow(address, at: allowedAt) else {
                    if capped.withLock({ $0.insert(reference).inserted }) {
                        logger.notice("acknowledgement waits: automatic mail cap reached for the recipient", metadata: ["case": "\(reference)"])
                    }
                    return false
                }
                slot = (address, allowedAt)
            }
            // The case id makes the key this case's for ever, even if its reference were ever issued again.
            try postroom.queue(letter, key: "acknowledgement/\(reference)/\(record.caseId)/stage-\(stage)")
            slot = nil
            let at = now
            try casebook.register.update(reference, now: at, event: CaseEvent(at: at, kind: "acknowledged", detail: "stage \(stage) acknowledgement queued automatically")) {
                $0.acknowledgedAt = at
            }
            intakeRetries.clear(reference)
            return true
        } catch LetterDeskError.Code.notAllowed where (try? casebook.register.get(reference).acknowledgedAt) != nil {
            // An officer acknowledged the case between this pass listing it and preparing its letter: nothing to do.
            if let slot { guardrail.giveBack(slot.address, at: slot.at) }
            intakeRetries.clear(reference)
            return false
        } catch {
            // A mail error's log form leaves out the address it concerns; the case reference names the case.
            let reason = (error as? MailError)?.description ?? error.localizedDescription
            if let slot { guardrail.giveBack(slot.address, at: slot.at) }
            switch IntakeFailure.classify(error) {
            case .transient:
                // Queueing is idempotent (the key), so trying again never acknowledges twice.
                retryLater(record, reason)
                return false
            case .needsPerson:
                return flag(record, "\(Self.intakeFlag) made: \(reason)", key: "intake-failed/\(reference)/\(Postroom.hash(reason))")
            }
        }
    }

    /// Schedules another try of a case after a transient failure; tells its officer once if it has failed for
    /// longer than ``IntakeRetries/alertAfter`` (the tries go on).
    private func retryLater(_ record: Case, _ reason: String) {
        let at = now
        let entry = intakeRetries.failed(record.reference, now: at)
        logger.warning("acknowledgement failed for a moment; it is tried again", metadata: [
            "case": "\(record.reference)", "failures": "\(entry.failures)",
            "retry": "\(ISO8601DateFormatter().string(from: entry.next))", "error": "\(reason)",
        ])
        guard !entry.alerted, at.timeIntervalSince(entry.since) >= IntakeRetries.alertAfter else { return }
        do {
            try postroom.alertOfficer(
                reference: record.reference,
                key: "intake-delayed/\(record.reference)/\(Int(entry.since.timeIntervalSince1970))",
                subject: "Acknowledgement delayed: \(record.reference)",
                body: "pals has been trying to acknowledge case \(record.reference) since \(ISO8601DateFormatter().string(from: entry.since)) and keeps failing for a reason that should pass by itself:\n\n\(reason)\n\nIt keeps trying. If this goes on, ask whoever runs pals to look at its log, or acknowledge the case yourself (`pals letter acknowledgement \(record.reference)`).")
            intakeRetries.markAlerted(record.reference)
        } catch {
            logger.error("cannot tell the officer of a delayed acknowledgement", metadata: ["case": "\(record.reference)", "error": "\(error)"])
        }
    }

    private func flag(_ record: Case, _ reason: String, key: String) -> Bool {
        logger.warning("acknowledgement not made", metadata: ["case": "\(record.reference)"])
        intakeRetries.clear(record.reference)
        do {
            if record.attention != reason {
                let at = now
                try casebook.register.update(record.reference, now: at, event: CaseEvent(at: at, kind: "attention", detail: reason)) {
                    $0.attention = reason
                }
            }
            try postroom.alertOfficer(
                reference: record.reference, key: key, subject: "Acknowledgement needed: \(record.reference)",
                body: "pals could not acknowledge case \(record.reference) by itself.\n\n\(reason)\n\nPlease acknowledge it yourself (`pals preview acknowledgement \(record.reference)`, `pals letter acknowledgement \(record.reference)`), or fix the case and run `pals case update \(record.reference) --clear-attention` so pals tries again.")
        } catch {
            // Not flagged: the case is tried again (with backoff), and flagged then if the problem is still there.
            logger.error("cannot flag the case", metadata: ["case": "\(record.reference)", "error": "\(error)"])
            _ = intakeRetries.failed(record.reference, now: now)
        }
        return false
    }

    // MARK: Deadline watcher

    /// Queues the reminders due now (on a working day at or after the configured time); returns how many were new.
    ///
    /// One case never stops the others: a case that cannot be read or computed is logged, flagged and its officer
    /// told (once per reason), and a reminder that cannot be queued is logged and tried again at the next pass.
    @discardableResult
    public func watcherPass() -> Int {
        let at = now
        let today = CivilDate(at)
        guard planner.isReminderTime(at), remindersDone.withLock({ $0 != today }) else { return 0 }
        let configuration = casebook.workspace.configuration
        let plan: ReminderPlan
        do {
            let open = try casebook.register.scheduleScan(CaseFilter(openOnly: true))
            var planned = planner.plan(open.schedules, today: today)
            planned.problems = open.problems + planned.problems
            plan = planned
        } catch {
            logger.error("deadline watcher cannot read the register", metadata: ["error": "\(error)"])
            return 0
        }
        for problem in plan.problems { flagDeadlineProblem(problem) }
        var queued = 0
        var failures = 0
        for reminder in plan.reminders {
            let reference = reminder.items.count == 1 ? reminder.items[0].reference : nil
            do {
                guard try postroom.outbox.item(forKey: reminder.key) == nil else { continue }
                switch (reminder.kind, reminder.recipient) {
                case (.digest, .officer(let id)):
                    guard let officer = configuration.officer(id) else { continue }
                    try postroom.queueDigest(for: officer, items: reminder.items, key: reminder.key)
                case (_, let recipient):
                    let item = reminder.items[0]
                    let to: (address: String, name: String)?
                    switch recipient {
                    case .officer(let id): to = configuration.officer(id).map { ($0.email, $0.name) }
                    case .manager: to = configuration.manager.email.map { ($0, configuration.manager.name) }
                    }
                    guard let to else { continue }
                    let (subject, body) = Self.notice(reminder.kind, item)
                    var labels = ["case": item.reference, "kind": reminder.kind.rawValue]
                    labels["caseId"] = reminder.caseId
                    try postroom.notify(to: to.address, name: to.name, key: reminder.key, subject: subject, body: body,
                                        labels: labels)
                }
                queued += 1
                logger.info("reminder queued", metadata: ["kind": "\(reminder.kind.rawValue)", "key": "\(reminder.key)"])
            } catch {
                failures += 1
                var metadata: Logger.Metadata = ["kind": "\(reminder.kind.rawValue)", "key": "\(reminder.key)", "error": "\(error)"]
                if let reference { metadata["case"] = "\(reference)" }
                logger.error("reminder not queued; tried again at the next pass", metadata: metadata)
            }
        }
        if failures == 0 { remindersDone.withLock { $0 = today } }
        // The problems found above reach their officers now (within each officer's alert window), not at the next
        // sender pass: the watcher runs once a day.
        let alerts = postroom.sendAlerts()
        if queued + alerts > 0 { mailWaiting.raise() }
        return queued
    }

    /// Logs a case the watcher could not plan for, flags it (unless it already needs attention for something
    /// else) and tells its officer once per reason; a row that cannot even be read is told to the manager.
    private func flagDeadlineProblem(_ problem: CaseProblem) {
        let reference = problem.reference
        logger.error("case left out of the reminders", metadata: ["case": "\(reference)", "problem": "\(problem.reason)"])
        let record: Case
        do {
            record = try casebook.register.get(reference)
        } catch {
            tellManager(problem)
            return
        }
        do {
            if record.attention == nil {
                let at = now
                try casebook.register.update(reference, now: at, event: CaseEvent(at: at, kind: "attention", detail: problem.reason)) {
                    $0.attention = problem.reason
                }
            }
            try postroom.alertOfficer(
                reference: reference, key: "deadline-problem/\(reference)/\(record.caseId)/\(Postroom.hash(problem.reason))",
                subject: "Deadlines cannot be computed: \(reference)",
                body: """
                    pals cannot compute the deadlines of case \(reference), so it sends no reminders for it.

                    \(problem.reason)

                    Please correct the case (`pals case show \(reference)`, `pals case update \(reference) …`). \
                    Every other case's reminders go out as usual.
                    """)
        } catch {
            logger.error("cannot flag the case", metadata: ["case": "\(reference)", "error": "\(error)"])
        }
    }

    /// Tells the complaints manager, once per reason, about a case row that cannot be read (so cannot be flagged).
    private func tellManager(_ problem: CaseProblem) {
        let manager = casebook.workspace.configuration.manager
        guard let email = manager.email else { return }
        do {
            try postroom.notify(
                to: email, name: manager.name,
                key: "deadline-problem/\(problem.reference)/unreadable/\(Postroom.hash(problem.reason))",
                subject: "Case cannot be read: \(problem.reference)",
                body: """
                    pals cannot read case \(problem.reference) from the register, so it sends no reminders for it \
                    and cannot flag it.

                    \(problem.reason)

                    The register may have been edited by hand or damaged: please have it checked. Every other \
                    case's reminders go out as usual.
                    """,
                labels: ["case": problem.reference, "kind": "alert"])
        } catch {
            logger.error("cannot tell the manager about the case", metadata: ["case": "\(problem.reference)", "error": "\(error)"])
        }
    }

    static func notice(_ kind: PlannedReminder.Kind, _ item: DueItem) -> (String, String) {
        switch kind {
        case .escalation:
            return ("Overdue: \(item.reference) \(item.deadline.rawValue)",
                    "The \(item.deadline.rawValue) deadline of case \(item.reference) (officer \(item.officer)) was \(item.due.iso) and the case is still open.\n\nSee `pals case show \(item.reference)` and `pals deadlines --overdue`.")
        default:
            return ("Due today: \(item.reference) \(item.deadline.rawValue)",
                    "The \(item.deadline.rawValue) deadline of case \(item.reference) is today, \(item.due.iso), and the case is still open.\n\nSee `pals case show \(item.reference)`.")
        }
    }

    // MARK: Sender

    /// Recovers interrupted sends (they go on hold), once at start.
    public func recover() async {
        let events = await sender.recover()
        if !events.isEmpty { logger.warning("recovered interrupted sends", metadata: ["messages": "\(events.count)"]) }
    }

    /// Sends everything due now; when the daemon starts shutting down, claims no new batch and lets the
    /// batches in flight finish their SMTP transactions.
    @discardableResult
    public func senderPass() async -> OutboxSender.Report {
        logProblems(await sender.sendDue(while: { !Task.isShuttingDownGracefully }))
    }

    /// Logs, as errors, what a pass could not record (each names the message and its case, never a person).
    @discardableResult
    private func logProblems(_ report: OutboxSender.Report) -> OutboxSender.Report {
        for problem in report.problems {
            var metadata: Logger.Metadata = ["error": "\(problem)"]
            if let reference = problem.labels["case"] { metadata["case"] = "\(reference)" }
            if let id = problem.id { metadata["message"] = "\(id)" }
            logger.error("could not record a message move", metadata: metadata)
        }
        return report
    }

    /// Tells intake that a case was logged or changed (the daemon's SIGUSR1), so it looks at once.
    public func casesChanged() {
        casesWaiting.raise()
    }

    /// Waits up to `interval`, returning early when `flag` is raised (and lowering it) or the daemon shuts down.
    static func wait(upTo interval: Duration, for flag: WakeFlag) async {
        let step = Duration.milliseconds(25)
        var waited = Duration.zero
        while waited < interval, !Task.isShuttingDownGracefully, !Task.isCancelled {
            if flag.take() { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: step) }
            waited += step
        }
    }

    /// Waits for the next sender pass: `interval`, or less when intake or the watcher queued mail.
    func waitForMail(upTo interval: Duration) async { await Self.wait(upTo: interval, for: mailWaiting) }

    /// Waits for the next intake pass: `interval`, or less when a new case was signalled.
    func waitForCases(upTo interval: Duration) async { await Self.wait(upTo: interval, for: casesWaiting) }

    /// One pass of every service, in dependency order: intake, watcher, sender.
    public func once() async -> OutboxSender.Report {
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

    /// The daemon's services for a ``ServiceGroup``: intake, deadline watcher, sender, and the listeners for
    /// SIGUSR1 (a new case) and SIGHUP (``reload()``).
    /// - Parameter hangups: SIGHUP, trapped early by the caller so a reload asked for while the group starts is
    ///   not lost; trapped when the service starts otherwise.
    public func services(interval: Duration = .seconds(1), hangups: UnixSignalsSequence? = nil) -> [any Service] {
        [
            WakeService(daemon: self),
            ReloadService(daemon: self, hangups: hangups),
            IntakeService(daemon: self, interval: interval),
            LoopService(name: "deadline-watcher", interval: .seconds(30)) { [self] in watcherPass() },
            SenderService(daemon: self, interval: interval),
        ]
    }
}
