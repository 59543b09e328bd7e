package import Casework
package import Foundation
package import Primitives
package import WorkingDays

/// Decides which reminders are due on a day: the officers' digests, same-day reminders and escalations.
///
/// Pure: it reads cases and the day, and returns what to send with an idempotency key for each, so the
/// same day planned twice (after a restart) queues nothing new.
package struct ReminderPlanner: Sendable {
    /// The workspace's deadline rules.
    package let desk: DeadlineDesk
    /// The calendar of the office (the workspace profile's division and the local closures).
    package let office: WorkingDayCalendar
    /// The time of day reminders go out, in Europe/London (default 08:30).
    package let sendAt: (hour: Int, minute: Int)
    /// Working days without a letter to the complainant before the officer is reminded to keep them informed
    /// (0: never).
    package let keepInformedWorkingDays: Int

    package init(desk: DeadlineDesk, configuration: WorkspaceConfiguration) {
        self.desk = desk
        keepInformedWorkingDays = configuration.deadlines.keepInformedWorkingDays
        office = desk.calculator(configuration.profile).calendar
        sendAt = (configuration.reminders.hour, configuration.reminders.minute)
    }

    /// Whether reminders go out at `now`: a working day, at or after the configured time.
    package func isReminderTime(_ now: Date) -> Bool {
        let today = CivilDate(now)
        guard office.isWorkingDay(today) else { return false }
        return now >= today.date(hour: sendAt.hour, minute: sendAt.minute)
    }

    /// The next time reminders go out after `now`: today at the configured time when that is still to come on a
    /// working day, else the configured time on the next working day (the watcher sleeps until then).
    package func nextReminderTime(after now: Date) -> Date {
        var day = CivilDate(now)
        if office.isWorkingDay(day) {
            let today = day.date(hour: sendAt.hour, minute: sendAt.minute)
            if today > now { return today }
        }
        repeat { day = day.adding(days: 1) } while !office.isWorkingDay(day)
        return day.date(hour: sendAt.hour, minute: sendAt.minute)
    }

    /// The reminders of `today` for the open cases among `cases`; nothing on a day that is not a working day.
    ///
    /// A case whose deadlines cannot be computed is skipped and named in ``ReminderPlan/problems``: every other
    /// case still gets its reminders.
    package func plan(_ cases: [CaseSchedule], today: CivilDate) -> ReminderPlan {
        var plan = planning(today: today)
        cases.forEach { plan.add($0) }
        return plan.plan()
    }

    /// A plan for `today` made one case at a time (the watcher feeds it rows from a cursor over the register).
    package func planning(today: CivilDate) -> ReminderPlanning {
        ReminderPlanning(planner: self, today: today)
    }
}

/// The reminders of a day gathered one case at a time: what ``ReminderPlanner/plan(_:today:)`` returns, without
/// an array of every open case.
package struct ReminderPlanning {
    let planner: ReminderPlanner
    let today: CivilDate
    private let working: Bool
    private var reminders: [PlannedReminder] = []
    private var problems: [CaseProblem] = []
    private var digests: [String: [DueItem]] = [:]

    init(planner: ReminderPlanner, today: CivilDate) {
        (self.planner, self.today) = (planner, today)
        working = planner.office.isWorkingDay(today)
    }

    /// Plans the reminders of one case (none for a closed case, or on a day that is not a working day).
    package mutating func add(_ record: CaseSchedule) {
        guard working, record.isOpen else { return }
        let item: DueItem
        do {
            item = try planner.desk.nextDue(for: record, today: today)
        } catch {
            problems.append(DeadlineDesk.problem(record, error))
            return
        }
        if item.state != .green { digests[record.officer, default: []].append(item) }
        // The case id keeps the key this case's for ever, even if its reference were ever issued again.
        let instance = "\(record.reference)/\(record.caseId)/\(item.deadline.rawValue)/\(item.due.iso)"
        if item.due == today {
            reminders.append(
                .init(
                    kind: .dueToday, key: "due-today/\(instance)", recipient: .officer(record.officer),
                    items: [item], caseId: record.caseId))
        } else if item.due < today {
            reminders.append(
                .init(
                    kind: .escalation, key: "escalation/\(instance)", recipient: .manager, items: [item],
                    caseId: record.caseId))
        }
        reminders += planner.backstopReminders(record, item: item, today: today)
        if let reminder = planner.keepInformedReminder(record, item: item, today: today) { reminders.append(reminder) }
    }

    /// The day's plan: each case's reminders in the order added, then each officer's digest.
    package func plan() -> ReminderPlan {
        var reminders = self.reminders
        for (officer, items) in digests.sorted(by: { $0.key < $1.key }) {
            let sorted = items.sorted { ($0.due, $0.reference) < ($1.due, $1.reference) }
            reminders.append(
                .init(kind: .digest, key: "digest/\(officer)/\(today.iso)", recipient: .officer(officer), items: sorted)
            )
        }
        return ReminderPlan(reminders: reminders, problems: problems)
    }
}

extension ReminderPlanner {
    /// The backstop warnings of a case (England's six months): to the officer and the manager once when the
    /// backstop comes within the amber window, and once more when it has passed with the case still open.
    /// Each goes once per case and backstop date (a backstop moved by agreement warns again).
    func backstopReminders(_ record: CaseSchedule, item: DueItem, today: CivilDate) -> [PlannedReminder] {
        guard let backstop = item.backstop else { return [] }
        let calendar = desk.calculator(for: record).calendar
        let kind: PlannedReminder.Kind
        if today > backstop {
            kind = .backstopPassed
        } else if calendar.workingDays(from: today, to: backstop) <= desk.amberWorkingDays {
            kind = .backstopNear
        } else {
            return []
        }
        let instance = "\(record.reference)/\(record.caseId)/\(backstop.iso)"
        return [(PlannedReminder.Recipient.officer(record.officer), "officer"), (.manager, "manager")].map {
            PlannedReminder(
                kind: kind, key: "\(kind.rawValue)/\(instance)/\($0.1)", recipient: $0.0, items: [item],
                caseId: record.caseId, since: backstop)
        }
    }

    /// The keep-informed reminder of a case: to its officer once the complainant has had no letter (nor the
    /// acknowledgement, nor, before that, anything since receipt) for ``keepInformedWorkingDays`` working days.
    /// Once per quiet period: the key names the day the complainant last heard, so a new letter starts a new one.
    func keepInformedReminder(_ record: CaseSchedule, item: DueItem, today: CivilDate) -> PlannedReminder? {
        guard keepInformedWorkingDays > 0 else { return nil }
        let lastHeard = CivilDate(record.lastLetterAt ?? record.acknowledgedAt ?? record.receivedAt)
        let calendar = desk.calculator(for: record).calendar
        guard today >= calendar.adding(workingDays: keepInformedWorkingDays, to: lastHeard) else { return nil }
        return PlannedReminder(
            kind: .keepInformed, key: "keep-informed/\(record.reference)/\(record.caseId)/\(lastHeard.iso)",
            recipient: .officer(record.officer), items: [item], caseId: record.caseId, since: lastHeard)
    }
}

/// What the watcher sends on a day, and the cases it could not plan for.
package struct ReminderPlan: Sendable, Equatable {
    /// The reminders, each with its idempotency key.
    package var reminders: [PlannedReminder]
    /// Open cases whose deadlines cannot be computed: to be flagged, never to stop the others.
    package var problems: [CaseProblem]
}

/// One reminder to send, with the key that makes it go once.
package struct PlannedReminder: Sendable, Equatable {
    /// What kind of reminder.
    package enum Kind: String, Sendable {
        /// An officer's daily list of amber and red deadlines.
        case digest
        /// A deadline of a case is today and the case is still open.
        case dueToday = "due-today"
        /// A deadline has passed with the case still open: goes to the complaints manager.
        case escalation
        /// England's six-month backstop is within the amber window: to the officer and the manager.
        case backstopNear = "backstop-near"
        /// The backstop has passed with no response: to the officer and the manager (a late-response letter is due).
        case backstopPassed = "backstop-passed"
        /// The complainant has not heard from the team for the configured number of working days.
        case keepInformed = "keep-informed"
    }

    /// Who receives it.
    package enum Recipient: Sendable, Equatable {
        case officer(String)
        case manager
    }

    package var kind: Kind
    /// Once per case, deadline and threshold (digests: once per officer and day).
    package var key: String
    package var recipient: Recipient
    package var items: [DueItem]
    /// The case's permanent id, for a reminder about one case (labelled `caseId` in the outbox).
    package var caseId: String?
    /// The day the reminder is about besides the deadline: the backstop, or the day the complainant last heard.
    package var since: CivilDate?

    package init(
        kind: Kind, key: String, recipient: Recipient, items: [DueItem], caseId: String? = nil, since: CivilDate? = nil
    ) {
        self.since = since
        self.kind = kind
        self.key = key
        self.recipient = recipient
        self.items = items
        self.caseId = caseId
    }
}
