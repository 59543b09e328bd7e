import Casework
import Foundation
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

@Suite("The daemon's watcher reminds once per deadline and threshold, on working days only", .serialized)
struct DaemonReminderTests {
    static let officer = "alex.example@example.org"
    static let manager = "complaints.manager@example.org"
    /// A long safety interval, so a simulated week has few wakes besides the reminder times.
    static let quiet = Duration.seconds(6 * 3600)

    /// The dates of the digests the officer received, from their subjects.
    func digestDays(_ transport: InMemoryTransport) async -> [String] {
        await transport.subjects(to: Self.officer).filter { $0.hasPrefix("Complaint deadlines for") }
    }

    @Test(
        "over a simulated week an overdue case gives one digest a working day, none at weekends, one escalation",
        arguments: DaemonStores.all)
    func weekOfReminders(stores: DaemonStores) async throws {
        // Monday 23 November 2026, 06:00: the case's response (25 working days from 1 September) is long overdue.
        try await withDaemon(
            start: "2026-11-23T06:00:00Z", stores: stores, safetyInterval: Self.quiet, senderSafetyInterval: Self.quiet
        ) { daemon, clock, transport in
            let reference = try daemon.log(DaemonWorkspace.complaint(received: "2026-09-01T10:00:00Z"))
            daemon.casesChanged()
            try await clock.run(daemon, until: instant("2026-11-30T12:00:00Z"))
            let digests = await digestDays(transport)
            // Monday to Friday, then Monday again: six working days at 08:30.
            #expect(digests.count == 6, "\(digests)")
            #expect(Set(digests).count == digests.count, "one a day: \(digests)")
            let overdue = await transport.subjects(to: Self.manager).filter { $0.hasPrefix("Overdue: \(reference)") }
            #expect(!overdue.isEmpty)
            #expect(Set(overdue).count == overdue.count, "each overdue deadline escalated once: \(overdue)")
            for day in ["2026-11-28", "2026-11-29"] {
                #expect(try daemon.postroom.outbox.item(forKey: "digest/alex/\(day)") == nil, "no digest on \(day)")
            }
        }
    }

    @Test("bank holidays are skipped: Christmas Day and the Boxing Day substitute send nothing")
    func bankHolidaysSkipped() async throws {
        try await withDaemon(
            start: "2026-12-23T06:00:00Z", safetyInterval: Self.quiet, senderSafetyInterval: Self.quiet
        ) { daemon, clock, transport in
            try await clock.settle(daemon)
            _ = try daemon.log(DaemonWorkspace.complaint(received: "2026-09-01T10:00:00Z"))
            daemon.casesChanged()
            try await clock.run(daemon, until: instant("2026-12-30T12:00:00Z"))
            let outbox = daemon.postroom.outbox
            for day in ["2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30"] {
                #expect(try outbox.item(forKey: "digest/alex/\(day)") != nil, "a digest on \(day)")
            }
            for day in ["2026-12-25", "2026-12-26", "2026-12-27", "2026-12-28"] {
                #expect(try outbox.item(forKey: "digest/alex/\(day)") == nil, "no digest on \(day)")
            }
            #expect(await digestDays(transport).count == 4)
        }
    }

    @Test("a deadline due today gives its officer one same-day reminder, and the manager one escalation the next day")
    func dueTodayThenEscalation() async throws {
        // Received 28 October: the response (25 working days) is due on Wednesday 2 December.
        try await withDaemon(
            start: "2026-11-30T07:00:00Z", safetyInterval: Self.quiet, senderSafetyInterval: Self.quiet
        ) { daemon, clock, transport in
            let reference = try daemon.log(DaemonWorkspace.complaint(received: "2026-10-28T10:00:00Z"))
            daemon.casesChanged()
            try await clock.run(daemon, until: instant("2026-12-04T12:00:00Z"))
            let dueToday = await transport.subjects(to: Self.officer)
                .filter { $0 == "Due today: \(reference) response" }
            #expect(dueToday.count == 1)
            let overdue = await transport.subjects(to: Self.manager).filter { $0 == "Overdue: \(reference) response" }
            #expect(overdue.count == 1, "escalated once, not on each later day")
            let item = try #require(try daemon.postroom.outbox.list(labels: ["kind": "due-today"]).first)
            #expect(item.key.contains("2026-12-02"))
        }
    }

    @Test("nothing goes before reminders.time; the digest goes at it, once")
    func waitsForReminderTime() async throws {
        try await withDaemon(
            start: "2026-11-25T06:00:00Z", safetyInterval: Self.quiet, senderSafetyInterval: Self.quiet
        ) { daemon, clock, transport in
            _ = try daemon.log(DaemonWorkspace.complaint(received: "2026-09-01T10:00:00Z"))
            daemon.casesChanged()
            try await clock.run(daemon, until: instant("2026-11-25T08:29:00Z"))
            #expect(await digestDays(transport).isEmpty)
            try await clock.run(daemon, until: instant("2026-11-25T08:31:00Z"))
            #expect(await digestDays(transport) == ["Complaint deadlines for 25 November 2026"])
            try await clock.run(daemon, until: instant("2026-11-25T20:00:00Z"))
            #expect(await digestDays(transport).count == 1)
        }
    }

    @Test("a reload that moves reminders.time moves the watcher's next wake with it")
    func reloadMovesReminderTime() async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        try await withDaemon(
            in: workspace, start: "2026-11-25T06:00:00Z", safetyInterval: Self.quiet, senderSafetyInterval: Self.quiet
        ) { daemon, clock, transport in
            _ = try daemon.log(DaemonWorkspace.complaint(received: "2026-09-01T10:00:00Z"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            try workspace.editConfiguration(replacing: "time: \"08:30\"", with: "time: \"07:00\"")
            await daemon.reloadOffPool()
            try await clock.run(daemon, until: instant("2026-11-25T07:01:00Z"))
            #expect(await digestDays(transport).count == 1, "sent at the new time")
        }
    }

    @Test("the next reminder time skips weekends and bank holidays and follows British Summer Time")
    func nextReminderTime() throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        let opened = try Workspace.open(at: workspace.root, environment: [:])
        let desk = try LetterDesk(casebook: Casebook(workspace: opened, clock: .system)).deadlines
        let planner = ReminderPlanner(desk: desk, configuration: opened.configuration)
        let cases: [(String, String)] = [
            ("2026-11-25T06:00:00Z", "2026-11-25T08:30:00Z"),  // Wednesday, before the time
            ("2026-11-27T09:00:00Z", "2026-11-30T08:30:00Z"),  // Friday after: Monday
            ("2026-12-24T10:00:00Z", "2026-12-29T08:30:00Z"),  // Christmas Eve after: Tuesday 29th
            ("2026-06-01T06:00:00Z", "2026-06-01T07:30:00Z"),  // 08:30 BST is 07:30 UTC
        ]
        for (now, expected) in cases {
            #expect(planner.nextReminderTime(after: instant(now)) == instant(expected), "after \(now)")
        }
    }
}
