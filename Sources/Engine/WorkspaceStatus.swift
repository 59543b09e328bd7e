package import Casework
package import Foundation
package import Outbox
import Primitives
import WorkingDays

/// What `pals status` reports.
package struct WorkspaceStatus: Encodable, Sendable {
    /// The daemon's state.
    package struct DaemonState: Encodable, Sendable {
        package var running: Bool
        package var pid: Int32?
    }

    /// One message, as the status names it.
    package struct Message: Encodable, Sendable {
        package var id: String
        package var `case`: String?
        package var kind: String?
        package var at: Date
    }

    package var daemon: DaemonState
    package var outbox: [String: Int]
    package var oldestQueued: Message?
    package var lastDelivery: Message?
    package var nextDeadlines: [DueItem]
    package var casesNeedingAttention: [String]
    /// Messages on hold for an officer, with why (a letter pals could not produce in the form its case needs).
    package var held: [HeldMessage] = []
    /// Open cases left off the deadlines because they cannot be read or computed: fix them first.
    package var deadlineProblems: [CaseProblem]

    /// A message on hold, as the status names it.
    package struct HeldMessage: Encodable, Sendable {
        package var id: String
        package var `case`: String?
        package var kind: String?
        package var reason: String
    }

    /// Reads the status of a workspace.
    package static func read(casebook: Casebook, outbox: Outbox) throws -> WorkspaceStatus {
        let pid = DaemonLock.runningDaemon(in: casebook.workspace)
        var counts: [String: Int] = [:]
        for (state, count) in outbox.counts() { counts[state.rawValue] = count }
        let oldest = try outbox.oldestQueued().map { item in
            let labels = MessageLabels(item.labels)
            return Message(id: item.id, case: labels.reference, kind: labels.kind, at: item.queuedAt)
        }
        let last = try outbox.archive.list().last.map { item in
            Message(
                id: item.id, case: MessageLabels(item.labels).reference, kind: MessageLabels(item.labels).kind,
                at: item.history.last { $0.state == .sent }?.at ?? item.queuedAt)
        }
        let open = try casebook.register.scheduleScan(CaseFilter(openOnly: true))
        let desk = try DeadlineDesk(workspace: casebook.workspace)
        let board = desk.board(open.schedules, unreadable: open.problems, today: casebook.clock.today())
        var status = WorkspaceStatus(
            daemon: DaemonState(running: pid != nil, pid: pid), outbox: counts, oldestQueued: oldest,
            lastDelivery: last,
            nextDeadlines: Array(board.items.prefix(5)),
            casesNeedingAttention: open.schedules.filter { $0.attention != nil }.map(\.reference),
            deadlineProblems: board.problems)
        status.held = try outbox.list(state: .hold).map { item in
            let labels = MessageLabels(item.labels)
            return HeldMessage(id: item.id, case: labels.reference, kind: labels.kind, reason: item.reason ?? "on hold")
        }
        return status
    }

    /// The status for a terminal.
    package var text: String {
        let formatter = ISO8601DateFormatter()
        var lines = ["Daemon      " + (daemon.running ? "running (pid \(daemon.pid ?? -1))" : "not running")]
        let order = ["queued", "active", "deferred", "hold", "failed", "cancelled", "sent"]
        lines.append("Outbox      " + order.map { "\($0) \(outbox[$0] ?? 0)" }.joined(separator: ", "))
        lines.append(
            "Oldest      "
                + (oldestQueued.map {
                    "\($0.id) (\(($0.case ?? "-").escapingControls), queued \(formatter.string(from: $0.at)))"
                } ?? "nothing queued"))
        lines.append(
            "Last sent   "
                + (lastDelivery.map {
                    "\($0.id) (\(($0.case ?? "-").escapingControls), \(formatter.string(from: $0.at)))"
                } ?? "nothing sent yet"))
        for message in held {
            let what = [message.case, message.kind].compactMap { $0 }.joined(separator: " ")
            lines.append(
                "Held        \(message.id) (\((what.isEmpty ? "-" : what).escapingControls)): "
                    + Postroom.short(message.reason).escapingControls)
        }
        if !casesNeedingAttention.isEmpty {
            lines.append("Attention   " + casesNeedingAttention.map(\.escapingControls).joined(separator: ", "))
        }
        if !deadlineProblems.isEmpty {
            lines.append("Problems    \(deadlineProblems.count) open case(s) left off the deadlines (listed below)")
        }
        lines.append("")
        lines.append("Next deadlines")
        lines.append(DeadlineReports.table(nextDeadlines, problems: deadlineProblems, colour: false))
        return lines.joined(separator: "\n")
    }
}
