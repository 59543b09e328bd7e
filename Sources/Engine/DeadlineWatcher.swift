import Casework
import Foundation
import Logging
import Mail
import Outbox
import Primitives
import Synchronization
import WorkingDays

extension Daemon {

    /// Queues the reminders due now (on a working day at or after the configured time); returns how many were new.
    ///
    /// One case never stops the others: a case that cannot be read or computed is logged, flagged and its officer
    /// told (once per reason), and a reminder that cannot be queued is logged and tried again at the next pass.
    @discardableResult
    package func watcherPass() -> Int {
        let at = now
        let today = CivilDate(at)
        guard planner.isReminderTime(at), remindersDone.withLock({ $0 != today }) else { return 0 }
        let configuration = casebook.workspace.configuration
        let plan: ReminderPlan
        do {
            // Row by row from the register: the daemon holds the day's reminders, never every open case.
            var planning = planner.planning(today: today)
            var unreadable: [CaseProblem] = []
            try casebook.register.forEachSchedule(CaseFilter(openOnly: true)) {
                planning.add($0)
            } problem: {
                unreadable.append($0)
            }
            var planned = planning.plan()
            planned.problems = unreadable + planned.problems
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
                    try postroom.staffMail.queueDigest(for: officer, items: reminder.items, key: reminder.key)
                case (_, let recipient):
                    let item = reminder.items[0]
                    let to: (address: String, name: String)?
                    switch recipient {
                    case .officer(let id): to = configuration.officer(id).map { ($0.email, $0.name) }
                    case .manager: to = configuration.manager.email.map { ($0, configuration.manager.name) }
                    }
                    guard let to else { continue }
                    let (subject, body) = Self.notice(reminder.kind, item, since: reminder.since)
                    let labels = MessageLabels(
                        reference: item.reference, caseId: reminder.caseId, kind: reminder.kind.rawValue)
                    try postroom.notify(
                        to: to.address, name: to.name, key: reminder.key, subject: subject, body: body,
                        labels: labels)
                }
                queued += 1
                logger.info(
                    "reminder queued", metadata: ["kind": "\(reminder.kind.rawValue)", "key": "\(reminder.key)"])
            } catch {
                failures += 1
                var metadata: Logger.Metadata = [
                    "kind": "\(reminder.kind.rawValue)", "key": "\(reminder.key)", "error": "\(error)",
                ]
                if let reference { metadata["case"] = "\(reference)" }
                logger.error("reminder not queued; tried again at the next pass", metadata: metadata)
            }
        }
        let chased = StatementDesk(postroom: postroom).chase(today: today, logger: logger)
        (queued, failures) = (queued + chased.queued, failures + chased.failures)
        queued += triageWatchPass(today: today)  // mailbox cases no officer has taken on (MailboxTriageWatch)
        if failures == 0 { remindersDone.withLock { $0 = today } }
        // The problems found above reach their officers now (within each officer's alert window), not at the next
        // sender pass: the watcher runs once a day.
        let alerts = postroom.sendAlerts()
        if queued + alerts > 0 { mailWaiting.raise() }
        return queued
    }

    /// Logs a case the watcher could not plan for, flags it (unless it already needs attention for something
    /// else) and tells its officer once per reason; a row that cannot even be read is told to the manager.
    func flagDeadlineProblem(_ problem: CaseProblem) {
        let reference = problem.reference
        logger.error(
            "case left out of the reminders", metadata: ["case": "\(reference)", "problem": "\(problem.reason)"])
        let record: Case
        do {
            record = try casebook.register.get(reference)
        } catch {
            tellManager(problem)
            return
        }
        do {
            let at = now
            try casebook.register.apply(reference, now: at) { lifecycle in
                lifecycle.flag(.deadlinesNotComputed(problem.reason), at: at, unlessFlagged: true)
            }
            try postroom.alertOfficer(
                reference: reference,
                key: "deadline-problem/\(reference)/\(record.caseId)/\(Postroom.hash(problem.reason))",
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
    func tellManager(_ problem: CaseProblem) {
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
                labels: MessageLabels(reference: problem.reference, kind: "alert"))
        } catch {
            logger.error(
                "cannot tell the manager about the case",
                metadata: ["case": "\(problem.reference)", "error": "\(error)"])
        }
    }

    static func notice(_ kind: PlannedReminder.Kind, _ item: DueItem, since: CivilDate? = nil) -> (String, String) {
        let day = since?.iso ?? "?"
        switch kind {
        case .backstopNear:
            return (
                "Backstop near: \(item.reference)",
                "The backstop for a response to case \(item.reference) (officer \(item.officer)) is \(day) and the case is still open.\n\nA later date needs the complainant's agreement before then: `pals case update \(item.reference) --agreed-response-date YYYY-MM-DD --agreed-with-complainant`. A holding letter does not move the backstop."
            )
        case .backstopPassed:
            return (
                "Backstop passed: \(item.reference)",
                "The backstop for a response to case \(item.reference) (officer \(item.officer)) was \(day) and no response has been sent.\n\nThe complainant must be told in writing why the response is late and when it will come: `pals letter late-response \(item.reference) --set reason=… --set expectedDate=YYYY-MM-DD`."
            )
        case .keepInformed:
            return (
                "Keep informed: \(item.reference)",
                "The complainant of case \(item.reference) has had no letter from the team since \(day).\n\nPlease let them know how the complaint is going: `pals letter update \(item.reference) --set progress=… --set nextSteps=…`."
            )
        case .escalation:
            return (
                "Overdue: \(item.reference) \(item.deadline.rawValue)",
                "The \(item.deadline.rawValue) deadline of case \(item.reference) (officer \(item.officer)) was \(item.due.iso) and the case is still open.\n\nSee `pals case show \(item.reference)` and `pals deadlines --overdue`."
            )
        default:
            return (
                "Due today: \(item.reference) \(item.deadline.rawValue)",
                "The \(item.deadline.rawValue) deadline of case \(item.reference) is today, \(item.due.iso), and the case is still open.\n\nSee `pals case show \(item.reference)`."
            )
        }
    }

}
