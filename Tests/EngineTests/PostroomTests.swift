import Casework
import Engine
import Foundation
import Letters
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// ``Postroom``, in process: letters queued by email and by post and recorded on the case, `sendLetter` once per
/// day, what a holding letter and a resolution do to the case, staff messages and their labels, sending through
/// the file transport, and the retention period. The clock stands at Wednesday 25 November 2026, 09:00.
@Suite("Postroom: queueing, sending and purging letters")
struct PostroomTests {
    static let holding = ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"]
    static let resolution = ["consideration": "We read the notes.", "findings": "A delay.", "actions": "Training."]

    @Test("a letter by email is queued with the case's labels and recorded on the case")
    func queueByEmail() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let queued = try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(.acknowledgement, reference: record.reference, inputs: [:])
        }
        guard case .email(let item, let isNew) = queued else {
            Issue.record("not queued by email: \(queued)")
            return
        }
        #expect(isNew)
        #expect(item.recipient == "eira.example@example.org")
        #expect(
            item.labels == [
                "case": record.reference, "caseId": record.caseId, "kind": "acknowledgement",
                "subject": "Your complaint PALS-2026-0001",
            ])
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.acknowledgedAt == ws.clock.now(), "an officer's acknowledgement acknowledges the case")
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.map(\.kind) == [.logged, .letterQueued, .acknowledged])
        #expect(history[1].detail == "acknowledgement queued by email as \(item.id)")
    }

    @Test("a letter by post goes to the print queue as a private PDF named by reference, and the officer is told")
    func queueByPost() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.byPost)
        let queued = try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(
                .holding, reference: record.reference, inputs: Self.holding)
        }
        guard case .print(let file, true) = queued else {
            Issue.record("not printed: \(queued)")
            return
        }
        #expect(file.deletingLastPathComponent().lastPathComponent == Postroom.printFolder)
        #expect(file.lastPathComponent.hasPrefix("PALS-2026-0001-holding-"))
        #expect(!file.lastPathComponent.contains("Eira") && !file.lastPathComponent.contains("Example"))
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try Data(contentsOf: file).starts(with: Data("%PDF-".utf8)))
        let alert = try #require(try await ws.queued().first { $0.labels["kind"] == "alert" })
        #expect(alert.recipient == "alex.example@example.org")
        #expect(alert.labels["subject"] == "Letter to post: PALS-2026-0001")
        #expect(alert.labels["case"] == record.reference)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.map(\.kind).contains(.letterPrinted))
    }

    @Test("the same letter with the same inputs is queued once a day; other inputs or another day queue again")
    func sendLetterOncePerDay() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        func send(_ inputs: [String: String], at now: String = "2026-11-25T09:00:00Z") async throws -> Bool {
            let queued = try await offPool {
                try Postroom(casebook: ws.at(now)).sendLetter(.outOfTime, reference: record.reference, inputs: inputs)
            }
            guard case .email(_, let isNew) = queued else { return false }
            return isNew
        }
        let inputs = ["decision": "We will look into it.", "reason": "You were unwell."]
        #expect(try await send(inputs))
        #expect(try await !send(inputs), "the same command twice on one day queues it once")
        #expect(try await send(inputs, at: "2026-11-25T16:59:00Z") == false)
        #expect(try await send(["decision": "We will look into it.", "reason": "You were in hospital."]))
        #expect(try await send(inputs, at: "2026-11-26T09:00:00Z"), "the next day is another letter")
        #expect(try await ws.queued().count == 3)
    }

    @Test("a holding letter moves the agreed response date and counts the extension, once")
    func holdingMovesDate() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        for _ in 0..<2 {
            try await offPool {
                try Postroom(casebook: ws.casebook()).sendLetter(
                    .holding, reference: record.reference, inputs: Self.holding)
            }
        }
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.agreedResponseDate == day("2027-01-20"))
        #expect(after.extensions == 1)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        let extended = try #require(history.first { $0.kind == .extended })
        #expect(
            extended.detail
                == "response date moved to 2027-01-20 by a holding letter (extension 1): "
                + "We are waiting for a statement."
        )
        let due = try await offPool { try DeadlineDesk(workspace: ws.workspace).deadlines(for: after) }
        #expect(due.respondBy == day("2027-01-20"))
    }

    @Test("a resolution marks the case responded, after which a holding letter is refused")
    func resolutionMarksResponded() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(
                .resolution, reference: record.reference, inputs: Self.resolution)
        }
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.status == .responded)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.last?.kind == .responded)
        let refused = await failure(LetterDeskError.self) {
            try Postroom(casebook: ws.casebook()).sendLetter(
                .holding, reference: record.reference, inputs: Self.holding)
        }
        #expect(refused?.code == .notAllowed)
        #expect(try await ws.queued().count == 1, "nothing more was queued")
    }

    @Test("a staff message is automatic, addressed to the officer, and labelled with its subject")
    func notifyLabels() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let (item, eml) = try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            try postroom.notify(
                to: "sam.example@example.org", name: "Sam Example", key: "test/notify",
                subject: "Attention: PALS-2026-0001",
                body: "Invented.", labels: MessageLabels(reference: "PALS-2026-0001", kind: "alert"))
            guard let item = try postroom.outbox.item(forKey: "test/notify") else { throw Missing("the message") }
            return (item, String(decoding: try postroom.outbox.data(of: item.id), as: UTF8.self))
        }
        #expect(item.labels == ["case": "PALS-2026-0001", "kind": "alert", "subject": "Attention: PALS-2026-0001"])
        #expect(item.recipient == "sam.example@example.org")
        #expect(eml.contains("Auto-Submitted: auto-generated\r\n"))
        #expect(eml.contains("From: \"Example Valley PALS (INVENTED)\" <pals@example.org>\r\n"))
    }

    @Test("alerts wait until sent, go only to a known officer, and coalesce into one message per officer")
    func alerts() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let first = try await ws.log()
        let second = try await ws.log()
        let (before, queued, items) = try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            try postroom.alertOfficer(
                reference: first.reference, key: "a/1", subject: "One: \(first.reference)", body: "1")
            try postroom.alertOfficer(
                reference: second.reference, key: "a/2", subject: "Two: \(second.reference)", body: "2")
            let before = try postroom.outbox.list().count
            return (before, postroom.sendAlerts(force: true), try postroom.outbox.list())
        }
        #expect(before == 0, "nothing is queued before sendAlerts")
        #expect(queued == 1)
        let alert = try #require(items.first)
        #expect(alert.labels["kind"] == "alert")
        #expect(alert.labels["officer"] == "alex")
        #expect(alert.labels["subject"] == "Attention needed: 2 problems (2 cases)")

        try await ws.change(first.reference) { $0.edit("officer changed", at: $1) { $0.officer = "someone-who-left" } }
        let none = try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            try postroom.alertOfficer(reference: first.reference, key: "a/3", subject: "Three", body: "3")
            return postroom.sendAlerts(force: true)
        }
        #expect(none == 0, "an officer no longer in the configuration gets nothing")
    }

    @Test("an officer's digest is queued once under its key, labelled with the officer")
    func digest() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let items = try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            let alex = ws.workspace.configuration.officer("alex")!
            try postroom.staffMail.queueDigest(for: alex, items: [], key: "digest/alex/2026-11-25")
            try postroom.staffMail.queueDigest(for: alex, items: [], key: "digest/alex/2026-11-25")
            return try postroom.outbox.list()
        }
        #expect(items.count == 1)
        #expect(
            items.first?.labels == [
                "kind": "reminder-digest", "officer": "alex", "subject": "Complaint deadlines for 25 November 2026",
            ])
    }

    @Test("the file transport delivers into Outbox/local; the move is recorded on the case")
    func sendThroughFileTransport() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let postroom = try await offPool { try Postroom(casebook: ws.casebook()) }
        #expect(try await offPool { try postroom.sending.transport() } is FileTransport)
        #expect(postroom.sending.retryPolicy.firstBackoff == .seconds(300))
        try await offPool { try postroom.sendLetter(.acknowledgement, reference: record.reference, inputs: [:]) }
        let sender = try await offPool { try postroom.sender(lanes: 1) }
        let report = await sender.drain()
        #expect(report.total == 1)
        let archived = try await offPool { try postroom.outbox.archive.list(labels: ["case": record.reference]) }
        #expect(archived.map { $0.labels["kind"] } == ["acknowledgement"])
        let local = ws.workspace.outboxURL.appending(path: Postroom.localDeliveryFolder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: local.path).count == 1)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.last?.kind == .letterSent)
    }

    @Test("purging within the 10-year retention period is refused unless forced; a dry run removes nothing")
    func purgeRetention() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let closed = try await ws.log()
        let open = try await ws.log()
        let postroom = try await offPool { try Postroom(casebook: ws.casebook()) }
        for record in [closed, open] {
            try await offPool { try postroom.sendLetter(.acknowledgement, reference: record.reference, inputs: [:]) }
        }
        await (try await offPool { try postroom.sender(lanes: 1) }).drain()
        try await offPool { try ws.casebook().close(closed.reference) }

        let refused = await failure(RetentionError.self) {
            _ = try postroom.retention.purgeClosed(before: day("2026-11-26"), dryRun: false, force: false)
        }
        #expect(refused?.code == .withinRetention)
        #expect(refused?.closedBefore == day("2026-11-26") && refused?.purgeableBefore == day("2016-11-25"))
        #expect(refused?.errorDescription?.contains("only cases closed before 2016-11-25 may be purged") == true)
        #expect(refused?.errorDescription?.contains("--") == false, "no command-line wording in Engine")
        #expect(Retention.retentionMonths == 120)

        let dry = try await offPool {
            try postroom.retention.purgeClosed(before: day("2026-11-26"), dryRun: true, force: true)
        }
        #expect(dry.ids.count == 1)
        #expect(dry.cases == 1)
        #expect(try await offPool { try postroom.outbox.archive.list() }.count == 2)
        let done = try await offPool {
            try postroom.retention.purgeClosed(before: day("2026-11-26"), dryRun: false, force: true)
        }
        #expect(done.ids == dry.ids)
        let left = try await offPool { try postroom.outbox.archive.list() }
        #expect(left.map { $0.labels["case"] } == [open.reference], "only the closed case's correspondence")
        let early = try await offPool {
            try postroom.retention.purgeClosed(before: day("2016-01-01"), dryRun: true, force: false)
        }
        #expect(early.ids.isEmpty && early.cases == 0, "a day past the retention period needs no force")
    }

    @Test("the key hash is FNV-1a, stable across runs")
    func hash() {
        #expect(Postroom.hash("") == "cbf29ce484222325")
        #expect(Postroom.hash("a") == "af63dc4c8601ec8c")
        #expect(Postroom.short("line one\nline two") == "line one line two")
        #expect(Postroom.short(String(repeating: "x", count: 300)).count == 201)
    }

    @Test("over in-memory stores the postroom queues into the given store, and its references are never issued again")
    func inMemoryStores() async throws {
        let folder = try DaemonWorkspace()
        defer { folder.remove() }
        let clock = TestClock("2026-11-25T09:00:00Z")
        let (reference, labels, onDisk) = try await offPool {
            let workspace = try Workspace.open(at: folder.root, environment: [:])
            let store = InMemoryOutbox.inMemory(clock: clock.wallClock)
            let casebook = Casebook(
                workspace: workspace, register: InMemoryCaseStore.inMemory(), outbox: store, clock: clock.wallClock)
            let postroom = try Postroom(casebook: casebook)
            try postroom.notify(
                to: "sam.example@example.org", name: nil, key: "test/taken", subject: "Taken: PALS-2026-0001",
                body: "Invented.", labels: MessageLabels(reference: "PALS-2026-0001", kind: "alert"))
            let logged = try casebook.log(json: DaemonWorkspace.complaint())
            let queued = try store.item(forKey: "test/taken")?.labels ?? [:]
            let disk = try Outbox(folder: workspace.outboxURL, clock: .system).list(state: nil, labels: [:]).count
            return (logged.reference, queued, disk)
        }
        #expect(reference == "PALS-2026-0002", "the reference in the in-memory outbox is taken")
        let expected = MessageLabels(reference: "PALS-2026-0001", kind: "alert", subject: "Taken: PALS-2026-0001")
        #expect(MessageLabels(labels) == expected)
        #expect(onDisk == 0, "nothing reached Outbox/")
    }
}
