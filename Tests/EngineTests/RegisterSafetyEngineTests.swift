import Casework
import Engine
import Foundation
import Letters
import Logging
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// The repository's default templates.
let repositoryTemplates = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: "Templates")

/// An invented complaint for a workspace made by `Workspace.create`.
func inventedComplaint(received: String = "2026-11-23T10:15:00Z") -> Data {
    Data(
        """
        {"received": "\(received)", "channel": "email", "summary": "Invented.", "service": "Outpatients",
         "officer": "alex", "complexity": "standard",
         "complainant": {"firstName": "Eira", "lastName": "Example", "email": "eira.example@example.org"}}
        """.utf8)
}

/// A workspace made in a temporary folder with the default templates, and a clock.
struct EngineWorkspace {
    let folder: TemporaryFolder
    let workspace: Workspace
    let clock: WallClock

    init(now: String = "2026-11-25T09:00:00Z") throws {
        try self.init(clock: WallClock.fixed(ISO8601DateFormatter().date(from: now)!))
    }

    init(clock: WallClock) throws {
        folder = try TemporaryFolder("engine")
        let root = folder.appending("ws")
        try Workspace.create(at: root)
        workspace = try Workspace.open(at: root, environment: [:])
        self.clock = clock
    }

    func casebook() throws -> Casebook { try Casebook(workspace: workspace, clock: clock) }

    func daemon() throws -> Daemon {
        try Daemon(
            postroom: Postroom(casebook: casebook()), lanes: 1,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }
}

@Suite("References, keys and labels name one case for ever", .serialized)
struct ReferenceSafetyTests {
    @Test("a register restored from an older backup never issues again a reference the outbox carries")
    func restoredRegisterDoesNotReissue() throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let register = ws.workspace.registerURL
        let backup = ws.folder.appending("backup.sqlite")
        try FileManager.default.copyItem(at: register, to: backup)
        let first: Case
        do {
            first = try ws.casebook().log(json: inventedComplaint())
            #expect(first.reference == "PALS-2026-0001")
            #expect(try ws.daemon().intakePass() == 1, "its acknowledgement is queued, labelled with the reference")
        }
        // The register goes back to the copy from before that case: it has never heard of PALS-2026-0001.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: register.path + suffix) }
        try FileManager.default.copyItem(at: backup, to: register)
        let second = try ws.casebook().log(json: inventedComplaint())
        #expect(second.reference == "PALS-2026-0002", "PALS-2026-0001 is in the outbox, so it is skipped")
        #expect(second.caseId != first.caseId)
    }

    @Test("the acknowledgement's key and labels carry the case id")
    func acknowledgementCarriesCaseId() throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let record = try ws.casebook().log(json: inventedComplaint())
        let daemon = try ws.daemon()
        #expect(daemon.intakePass() == 1)
        let outbox = try Outbox(folder: ws.workspace.outboxURL, clock: ws.clock)
        let acknowledgement = try #require(
            try outbox.list().first { MessageLabels($0.labels).kind == "acknowledgement" })
        #expect(acknowledgement.key == "acknowledgement/\(record.reference)/\(record.caseId)/stage-1")
        #expect(MessageLabels(acknowledgement.labels).reference == record.reference)
        #expect(MessageLabels(acknowledgement.labels).caseId == record.caseId)
    }

    @Test("a letter an officer sends is keyed and labelled with the case id")
    func letterCarriesCaseId() throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let record = try ws.casebook().log(json: inventedComplaint())
        let postroom = try Postroom(casebook: ws.casebook())
        guard
            case .email(let item, true) = try postroom.sendLetter(
                .acknowledgement, reference: record.reference, inputs: [:])
        else {
            Issue.record("the acknowledgement was not queued by email")
            return
        }
        #expect(item.key.hasPrefix("letter/\(record.reference)/\(record.caseId)/acknowledgement/"))
        #expect(MessageLabels(item.labels).caseId == record.caseId)
    }
}

@Suite("One bad case never stops the watcher", .serialized)
struct WatcherIsolationTests {
    @Test("the watcher flags and names a case it cannot compute and still sends every other reminder")
    func watcherGoesOn() async throws {
        // Wednesday 2 December 2026, 09:00: after reminders.time on a working day.
        let ws = try EngineWorkspace(now: "2026-12-02T09:00:00Z")
        defer { ws.folder.remove() }
        let book = try ws.casebook()
        // Received 28 October: the response (25 working days) is due on 2 December, today.
        let good = try book.log(json: inventedComplaint(received: "2026-10-28T10:00:00Z"))
        let now = ws.clock.now()
        try book.register.apply(good.reference, now: now) { try $0.acknowledge(.byOfficerLetter, at: now) }
        let bad = try book.log(json: inventedComplaint(received: "2026-10-28T10:00:00Z"))
        try await sqlite(
            ws.workspace.registerURL,
            "UPDATE cases SET agreedResponseDate = '2026-01-01' WHERE reference = '\(bad.reference)'")
        let unreadable = try book.log(json: inventedComplaint(received: "2026-10-28T10:00:00Z"))
        try await sqlite(
            ws.workspace.registerURL,
            "UPDATE cases SET profile = 'atlantis' WHERE reference = '\(unreadable.reference)'")

        let queued = try ws.daemon().watcherPass()
        #expect(queued == 2, "the good case's due-today reminder and the officer's digest")
        let outbox = try Outbox(folder: ws.workspace.outboxURL, clock: ws.clock)
        let items = try outbox.list()
        let dueToday = items.filter { MessageLabels($0.labels).kind == "due-today" }
        #expect(dueToday.map { MessageLabels($0.labels).reference } == [good.reference])
        #expect(dueToday.first.map { MessageLabels($0.labels).caseId } == good.caseId)
        #expect(items.contains { MessageLabels($0.labels).kind == "reminder-digest" })
        let alerts = items.filter { MessageLabels($0.labels).kind == "alert" }
        let alert = try #require(alerts.first { MessageLabels($0.labels).reference == bad.reference })
        #expect(alert.recipient == "alex.example@example.org")
        let managerAlert = try #require(alerts.first { MessageLabels($0.labels).reference == unreadable.reference })
        #expect(
            managerAlert.recipient == "complaints.manager@example.org", "a row that cannot be read cannot be flagged")
        #expect(MessageLabels(managerAlert.labels).subject == "Case cannot be read: \(unreadable.reference)")
        #expect(MessageLabels(alert.labels).subject == "Deadlines cannot be computed: \(bad.reference)")
        let flagged = try book.register.get(bad.reference)
        #expect(flagged.attention?.kind == .deadlinesNotComputed)
        #expect(
            flagged.attention?.text.hasPrefix("deadlines cannot be computed") == true,
            "\(String(describing: flagged.attention))")
        #expect(try book.register.get(good.reference).attention == nil)
    }

    @Test("the planner skips and names a case it cannot compute")
    func plannerSkips() async throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let book = try ws.casebook()
        let good = try book.log(json: inventedComplaint())
        let bad = try book.log(json: inventedComplaint())
        try await sqlite(
            ws.workspace.registerURL,
            "UPDATE cases SET receivedAt = '0001-01-01 09:00:00.000' WHERE reference = '\(bad.reference)'")
        let planner = ReminderPlanner(
            desk: try DeadlineDesk(workspace: ws.workspace), configuration: ws.workspace.configuration)
        let plan = planner.plan(try book.register.schedules(), today: CivilDate(iso: "2026-11-26")!)
        #expect(plan.reminders.map(\.kind) == [.dueToday, .digest])
        #expect(plan.reminders.first?.items.map(\.reference) == [good.reference])
        #expect(plan.problems.map(\.reference) == [bad.reference])
        #expect(plan.problems.first?.reason.hasPrefix("deadlines cannot be computed: received ") == true)
        #expect(plan.problems.first?.reason.contains("is outside the dates pals accepts") == true)
    }
}

/// Runs SQL on a register file with the sqlite3 tool (off the cooperative pool), bypassing every check the
/// register makes.
func sqlite(_ file: URL, _ sql: String) async throws {
    let result = try await ProcessRunner.runOffPool("/usr/bin/sqlite3", [file.path, sql])
    #expect(result.status == 0, "sqlite3: \(result)")
}
