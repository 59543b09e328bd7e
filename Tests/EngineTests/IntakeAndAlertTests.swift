import Casework
import Foundation
import Logging
import Mail
import Outbox
import PalsTestKit
import Primitives
import Synchronization
import Testing
import WorkingDays

@testable import Engine

/// A wall clock that stays where a test puts it.
final class MovableClock: Sendable {
    private let instant: Mutex<Date>

    init(_ iso: String) {
        instant = Mutex(ISO8601DateFormatter().date(from: iso)!)
    }

    func advance(by seconds: TimeInterval) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }

    var wallClock: WallClock { WallClock { self.instant.withLock { $0 } } }
}

/// A workspace made in-process (as `pals init` makes one) with the repository's templates, on a movable clock.
struct IntakeWorkspace {
    let folder: TemporaryFolder
    let clock = MovableClock("2026-11-25T09:00:00Z")
    let postroom: Postroom

    static let complaint = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Examples/complaint.json")

    init() throws {
        let workspace = try EngineWorkspace(clock: clock.wallClock)
        folder = workspace.folder
        postroom = try Postroom(
            casebook: workspace.casebook(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    var outboxFolder: URL { postroom.casebook.workspace.outboxURL }

    /// Logs the example complaint with its own email address; returns the reference.
    func log(email: String) throws -> String {
        let text = try String(contentsOf: Self.complaint, encoding: .utf8)
            .replacingOccurrences(of: "eira.example@example.org", with: email)
        return try postroom.casebook.log(json: Data(text.utf8)).reference
    }

    func daemon() throws -> Daemon {
        try Daemon(postroom: postroom, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }
}

@Suite("Intake retries what passes by itself; officers' alerts are coalesced")
struct IntakeAndAlertTests {
    /// The text of the messages that reached `address`.
    func messages(to address: String, _ transport: InMemoryTransport) async -> [String] {
        await transport.deliveries.filter { $0.envelope.recipient.address == address }
            .map { String(decoding: $0.data, as: UTF8.self) }
    }

    @Test(
        "16 messages going to hold in one pass give their officer one alert listing all 16; later ones wait for the window"
    )
    func sixteenHeldOneAlert() async throws {
        let ws = try IntakeWorkspace()
        defer { ws.folder.remove() }
        let references = try (0..<16).map { try ws.log(email: "person\($0)@example.org") }
        #expect(try ws.daemon().intakePass() == 16)
        // The server takes the whole of each acknowledgement and then the connection drops: all go on hold.
        let transport = InMemoryTransport { envelope, _ in
            envelope.recipient.address.hasPrefix("person")
                ? .uncertain(reason: "connection lost after the final dot") : .delivered(reply: "250 ok")
        }
        let sender = try ws.postroom.sender(transport: transport)
        let report = await sender.drain()
        #expect(report.held == 16, "\(report)")
        let alerts = await messages(to: "alex.example@example.org", transport)
        #expect(alerts.count == 1, "one alert, not \(alerts.count)")
        let alert = try #require(alerts.first)
        let unfolded = alert.replacingOccurrences(of: "=\r\n", with: "")
        #expect(alert.contains("Subject: Attention needed: 16 problems (16 cases)"), "\(alert.prefix(600))")
        for reference in references {
            #expect(unfolded.contains("Undelivered acknowledgement: \(reference)"), "\(reference) is listed")
        }
        for item in try ws.postroom.outbox.list(state: .hold, labels: ["kind": "acknowledgement"]) {
            #expect(unfolded.contains(item.id), "\(item.id) is listed")
        }
        #expect(!alert.contains("Eira") && !alert.contains("person0@"), "an alert names cases, never people")
        #expect(try ws.postroom.outbox.list(labels: ["kind": "alert"]).count == 1)

        // Three more within the window: told together at its end, not one by one.
        let later = try (16..<19).map { try ws.log(email: "person\($0)@example.org") }
        ws.clock.advance(by: 60)
        #expect(try ws.daemon().intakePass() == 3)
        await sender.sendDue()
        await sender.sendDue()
        #expect(await messages(to: "alex.example@example.org", transport).count == 1, "the window has not passed")
        ws.clock.advance(by: Postroom.defaultAlertWindow)
        await sender.sendDue()  // the window has passed: the alert is queued
        await sender.sendDue()  // and sent
        let both = await messages(to: "alex.example@example.org", transport)
        #expect(both.count == 2)
        let second = both.last?.replacingOccurrences(of: "=\r\n", with: "") ?? ""
        #expect(second.contains("Subject: Attention needed: 3 problems (3 cases)"))
        for reference in later { #expect(second.contains(reference)) }
        #expect(!references.contains { second.contains("Undelivered acknowledgement: \($0)\r\n") })
    }

    @Test("a held letter flags its case with a typed reason naming the message; its delivery clears it")
    func heldLetterFlagsItsCase() async throws {
        let ws = try IntakeWorkspace()
        defer { ws.folder.remove() }
        let reference = try ws.log(email: "person@example.org")
        #expect(try ws.daemon().intakePass() == 1)
        let answers = Mutex([DeliveryOutcome.uncertain(reason: "connection lost after the final dot")])
        let transport = InMemoryTransport { envelope, _ in
            guard envelope.recipient.address == "person@example.org" else { return .delivered(reply: "250 ok") }
            return answers.withLock { $0.isEmpty ? .delivered(reply: "250 ok") : $0.removeFirst() }
        }
        let sender = try ws.postroom.sender(transport: transport)
        #expect(await sender.drain().held == 1)
        let held = try #require(try ws.postroom.outbox.list(state: .hold).first)
        let register = ws.postroom.casebook.register
        #expect(try register.get(reference).attention == .letterHeld(kind: "acknowledgement", messageID: held.id))
        #expect(
            try register.events(for: reference).contains {
                $0.kind == .letterHeld && $0.detail.hasPrefix("acknowledgement \(held.id) on hold")
            })
        _ = try ws.postroom.outbox.release(held.id)
        _ = await sender.drain()
        #expect(try register.get(reference).attention == nil, "the message it named was delivered")
        #expect(
            try register.events(for: reference).contains {
                $0.kind == .letterSent && $0.detail.hasPrefix("acknowledgement \(held.id) accepted")
            })
        #expect(try ws.daemon().intakePass() == 0, "acknowledged once")
    }

    @Test("an alert already queued is not queued again after a restart: its key is made from its problems' keys")
    func coalescedAlertIdempotent() throws {
        let problems = (0..<3).map {
            OfficerAlerts.Problem(
                key: "alert/m\($0)/held", reference: "PALS-2026-000\($0)", caseId: "id-\($0)", subject: "s\($0)",
                body: "b\($0)")
        }
        let first = OfficerAlerts.compose(problems, officer: "alex")
        let again = OfficerAlerts.compose(problems.reversed(), officer: "alex")
        #expect(first.key == again.key)
        #expect(first.labels == MessageLabels(kind: "alert", officer: "alex"))
        let single = OfficerAlerts.compose([problems[0]], officer: "alex")
        #expect(single.key == "alert/m0/held", "one problem keeps its own key, as before coalescing")
        #expect(single.labels == MessageLabels(reference: "PALS-2026-0000", caseId: "id-0", kind: "alert"))
        let alerts = OfficerAlerts(window: 900)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        alerts.add(problems[0], for: "alex")
        alerts.add(problems[0], for: "alex")
        #expect(alerts.pendingCount(for: "alex") == 1, "the same problem twice is one problem")
        #expect(alerts.take(now: now, force: false).map(\.problems.count) == [1])
        alerts.add(problems[1], for: "alex")
        #expect(alerts.take(now: now.addingTimeInterval(899), force: false).isEmpty)
        #expect(alerts.take(now: now.addingTimeInterval(900), force: false).map(\.problems.count) == [1])
    }

    @Test("a transient failure during intake is retried with backoff and then succeeds, without flagging the case")
    func transientIntakeRetried() throws {
        let ws = try IntakeWorkspace()
        defer { ws.folder.remove() }
        let reference = try ws.log(email: "patient@example.org")
        let daemon = try ws.daemon()
        // The outbox's incoming/ folder is briefly not a folder: queueing fails with a storage error.
        let incoming = ws.outboxFolder.appending(path: "incoming")
        let aside = ws.outboxFolder.appending(path: "incoming-aside")
        try FileManager.default.moveItem(at: incoming, to: aside)
        try Data().write(to: incoming)

        #expect(daemon.intakePass() == 0)
        var record = try ws.postroom.casebook.register.get(reference)
        #expect(record.attention == nil, "a transient failure flags nothing")
        #expect(record.acknowledgedAt == nil)
        #expect(daemon.intakeRetries.entry(reference)?.failures == 1)
        #expect(ws.postroom.alerts.pendingCount(for: "alex") == 0, "and alerts no one")

        try FileManager.default.removeItem(at: incoming)
        try FileManager.default.moveItem(at: aside, to: incoming)
        #expect(daemon.intakePass() == 0, "not before its backoff of 1 s")
        ws.clock.advance(by: 1)
        #expect(daemon.intakePass() == 1)
        record = try ws.postroom.casebook.register.get(reference)
        #expect(record.acknowledgedAt != nil)
        #expect(record.attention == nil)
        #expect(daemon.intakeRetries.entry(reference) == nil)
        let queued = try ws.postroom.outbox.list()
        #expect(queued.map { MessageLabels($0.labels).kind } == ["acknowledgement"], "one acknowledgement and no alert")
        #expect(daemon.intakePass() == 0, "acknowledged once")
    }

    @Test("a transient failure that lasts an hour tells the officer once, still without flagging; tries go on")
    func longTransientFailureTold() throws {
        let ws = try IntakeWorkspace()
        defer { ws.folder.remove() }
        let reference = try ws.log(email: "patient@example.org")
        let daemon = try ws.daemon()
        let incoming = ws.outboxFolder.appending(path: "incoming")
        try FileManager.default.removeItem(at: incoming)
        try Data().write(to: incoming)
        var tries = 0
        for _ in 0..<40 {  // 1 + 2 + ... + 256 + 300 + ... s: past an hour within 40 tries
            ws.clock.advance(by: IntakeRetries.maximumDelay)
            #expect(daemon.intakePass() == 0)
            tries += 1
        }
        #expect(daemon.intakeRetries.entry(reference)?.failures == tries)
        #expect(daemon.intakeRetries.entry(reference)?.alerted == true)
        #expect(ws.postroom.alerts.pendingCount(for: "alex") == 1, "told once, not at every try")
        #expect(ws.postroom.sendAlerts(force: true) == 0, "the alert cannot be queued while the outbox cannot write")
        #expect(try ws.postroom.casebook.register.get(reference).attention == nil)
        try FileManager.default.removeItem(at: incoming)
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: false)
        #expect(ws.postroom.sendAlerts(force: true) == 1)
        let alert = try #require(try ws.postroom.outbox.list(labels: ["kind": "alert"]).first)
        #expect(MessageLabels(alert.labels).subject == "Acknowledgement delayed: \(reference)")
        ws.clock.advance(by: IntakeRetries.maximumDelay)
        #expect(daemon.intakePass() == 1, "the tries went on and succeed once the folder is back")
    }

    @Test("a symlinked Outbox/print is refused: the postal letter is not written through it and the case is flagged")
    func symlinkedPrintFolder() throws {
        let ws = try IntakeWorkspace()
        defer { ws.folder.remove() }
        let text = try String(contentsOf: IntakeWorkspace.complaint, encoding: .utf8)
            .replacingOccurrences(of: #""preferredContact": "email""#, with: #""preferredContact": "post""#)
        let reference = try ws.postroom.casebook.log(json: Data(text.utf8)).reference
        let elsewhere = ws.folder.appending("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: ws.outboxFolder.appending(path: Postroom.printFolder).path, withDestinationPath: elsewhere.path)
        #expect(try ws.daemon().intakePass() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        let attention = try #require(try ws.postroom.casebook.register.get(reference).attention)
        #expect(attention.kind == .intakeFailed)
        #expect(attention.text.contains("symbolic link"), "a person must replace the link: \(attention)")
    }

    @Test("what a person must fix flags the case; what passes by itself does not")
    func classification() {
        #expect(IntakeFailure.classify(OutboxError(.storage, reason: "could not write: No space left")) == .transient)
        #expect(IntakeFailure.classify(POSIXError(.EIO)) == .transient)
        #expect(IntakeFailure.classify(CocoaError(.fileWriteOutOfSpace)) == .transient)
        #expect(IntakeFailure.classify(WorkspaceError(message: "cannot write x: busy")) == .transient)
        #expect(IntakeFailure.classify(OutboxError(.purged, reason: "purged")) == .needsPerson)
        #expect(IntakeFailure.classify(OutboxError(.unsafeFile, reason: "a link")) == .needsPerson)
        #expect(IntakeFailure.classify(RegisterError.notFound("PALS-2026-0001")) == .needsPerson)
        #expect(IntakeFailure.classify(RegisterError.invalid("PALS-2026-0001", "bad date")) == .needsPerson)
        struct Unclassified: Error {}
        #expect(IntakeFailure.classify(Unclassified()) == .needsPerson, "an error nobody classified needs a person")
    }

    @Test("intake backoff: 1 s doubling to 5 minutes")
    func backoff() {
        #expect(
            (1...11).map { IntakeRetries.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300])
    }
}
