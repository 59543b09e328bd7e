import Casework
import Foundation
import Letters
import Logging
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

/// A workspace whose mailbox intake runs over a real SQLite register and folder outbox, or over the in-memory
/// twins of both.
struct MailboxDesk {
    let ws: EngineWorkspace
    let postroom: Postroom
    let rows = InMemoryMailboxRows()

    static func make(inMemory: Bool, now: String = "2026-11-25T09:00:00Z") async throws -> MailboxDesk {
        try await offPool {
            let ws = try EngineWorkspace(copyAt: now)
            let casebook =
                inMemory
                ? Casebook(
                    workspace: ws.workspace, register: InMemoryCaseStore(), outbox: .inMemory(clock: ws.clock),
                    clock: ws.clock)
                : try ws.casebook()
            let postroom = try Postroom(
                casebook: casebook, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            return MailboxDesk(ws: ws, postroom: postroom)
        }
    }

    var register: any CaseStore { postroom.casebook.register }

    func intake(cap: Int = 5) -> MailboxIntake {
        MailboxIntake(
            postroom: postroom, autoMailPerRecipientPerHour: cap,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Adds the messages to the ledger and runs one pass off the cooperative pool.
    @discardableResult
    func take(_ messages: MailboxMessage..., cap: Int = 5) async throws -> [MailboxOutcome] {
        for message in messages { rows.add(message) }
        let intake = intake(cap: cap)
        let rows = rows
        return try await offPool { intake.pass(rows) }
    }

    func outboxItems(kind: String? = nil) throws -> [OutboxItem] {
        try postroom.outbox.list().filter { kind == nil || $0.labels["kind"] == kind }
    }

    func text(of item: OutboxItem) throws -> String {
        String(decoding: try postroom.outbox.data(of: item.id), as: UTF8.self)
    }

    /// Logs an invented complaint and queues its acknowledgement as the daemon's intake would; returns the case
    /// and the acknowledgement's outbox item.
    func loggedAndAcknowledged(email: String = "eira.example@example.org") async throws -> (Case, OutboxItem) {
        let postroom = postroom
        return try await offPool {
            let json = Complaint.with {
                $0.complainant["email"] = email
                $0.patient = nil
            }.json
            var record = try postroom.casebook.register.create(
                try CaseForm.parse(json: json, rules: postroom.casebook.formRules),
                pattern: postroom.casebook.workspace.configuration.referencePattern, now: postroom.casebook.clock.now())
            let daemon = try Daemon(postroom: postroom, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            #expect(daemon.intakePass() == 1)
            record = try postroom.casebook.register.get(record.reference)
            let ack = try postroom.outbox.list(labels: MessageLabels.forCase(record.reference))
                .first { $0.labels["kind"] == "acknowledgement" }!
            return (record, ack)
        }
    }
}

@Suite("Mailbox intake: what each message becomes, exactly once")
struct MailboxIntakeTests {
    @Test(
        "a new email becomes a case in triage with a threaded receipt naming only our reference",
        arguments: [false, true])
    func newEmailBecomesTriageCase(inMemory: Bool) async throws {
        let desk = try await MailboxDesk.make(inMemory: inMemory)
        defer { desk.ws.folder.remove() }
        let outcomes = try await desk.take(
            inbound(
                "41", subject: "INVENTED: my father's appointment was cancelled twice",
                references: ["<older@mail.example.org>"],
                attachments: [MailboxAttachment(filename: "letter.pdf", size: 1234, keptPath: "Inbound/41-1.bin")]))
        guard case .triage(let reference, .queued(let receiptID), nil) = outcomes.first else {
            Issue.record("not a triage case with a receipt: \(outcomes)")
            return
        }
        let record = try desk.register.get(reference)
        #expect(record.status == .triage)
        #expect(record.officer == "")
        #expect(record.receivedAt == ISO8601DateFormatter().date(from: "2026-11-25T08:30:00Z"))
        #expect(record.complainant.firstName == "Eve")
        #expect(record.complainant.lastName == "Jones")
        #expect(record.complainant.email == "eve.jones@example.org")
        #expect(record.summary == "INVENTED: my father's appointment was cancelled twice")
        #expect(record.channel == .email)
        let logged = try desk.register.events(for: reference)[0]
        #expect(logged.kind == .logged)
        #expect(logged.detail.contains("kept as Inbound/41.eml"))
        #expect(logged.detail.contains("letter.pdf (1234 bytes) kept as Inbound/41-1.bin"))

        let receipt = try desk.postroom.outbox.show(receiptID)
        #expect(receipt.labels["kind"] == "receipt")
        #expect(receipt.recipient == "eve.jones@example.org")
        let text = try desk.text(of: receipt)
        #expect(text.contains("Auto-Submitted: auto-replied\r\n"))
        #expect(text.contains("In-Reply-To: <m1@mail.example.org>\r\n"))
        #expect(text.contains("References: <older@mail.example.org> <m1@mail.example.org>\r\n"))
        #expect(text.contains("Subject: We have received your email \(reference)\r\n"))
        #expect(!text.contains("cancelled"))
        // Received Wednesday 25 November 2026: acknowledged within 3 working days, by Monday 30 November.
        #expect(text.contains("30 November 2026"))
        #expect(desk.rows.processed.map(\.id) == ["41"])
        #expect(try desk.register.events(for: reference).contains { $0.kind == .letterQueued })
    }

    @Test("a row taken again after a crash before its mark makes no second case and no second receipt")
    func crashBeforeMarkRepeatsNothing() async throws {
        let desk = try await MailboxDesk.make(inMemory: false)
        defer { desk.ws.folder.remove() }
        let message = inbound("7")
        let intake = desk.intake()
        let first = try await offPool { try intake.process(message) }
        let second = try await offPool { try intake.process(message) }
        #expect(first == second)
        #expect(try desk.register.cases().count == 1)
        #expect(try desk.outboxItems(kind: "receipt").count == 1)
    }

    @Test(
        "message 1, taken after message 12 in the same second, gets its own case (12's marker does not contain 1's)",
        arguments: [false, true])
    func markerIsExact(inMemory: Bool) async throws {
        let desk = try await MailboxDesk.make(inMemory: inMemory)
        defer { desk.ws.folder.remove() }
        let intake = desk.intake()
        let twelve = inbound("12", from: "ann@example.org", messageID: "<m12@example.org>")
        let one = inbound("1", from: "bob@example.org", messageID: "<m1@example.org>")
        let outcomes = try await offPool { [try intake.process(twelve), try intake.process(one)] }
        #expect(Set(outcomes.compactMap(\.reference)).count == 2)
        #expect(try desk.register.cases().count == 2)
        #expect(try desk.outboxItems(kind: "receipt").count == 2)
        // Taken again (a crash before the mark), each finds its own case.
        #expect(try await offPool { try intake.process(one) } == outcomes[1])
        #expect(try desk.register.cases().count == 2)
    }

    @Test("automatic mail is recorded and never answered: no case, nothing queued", arguments: [false, true])
    func automaticNeverAnswered(inMemory: Bool) async throws {
        let desk = try await MailboxDesk.make(inMemory: inMemory)
        defer { desk.ws.folder.remove() }
        let outcomes = try await desk.take(
            inbound("1", headers: [("Auto-Submitted", "auto-replied")]),
            inbound("2", headers: [("List-Id", "<forum.example.org>"), ("Precedence", "list")]),
            inbound("3", headers: [("Auto-Submitted", "no"), ("Precedence", "bulk")]),
            inbound("4", from: "noreply@example.org"))
        #expect(outcomes.count == 4)
        for outcome in outcomes {
            guard case .automatic = outcome else {
                Issue.record("\(outcome) is not automatic")
                continue
            }
        }
        #expect(try desk.register.cases().isEmpty)
        #expect(try desk.outboxItems().isEmpty)
        #expect(desk.rows.processed.count == 4)
    }

    @Test("a reply from the complainant lands on the case, flags it and tells the officer", arguments: [false, true])
    func replyLandsOnCase(inMemory: Bool) async throws {
        let desk = try await MailboxDesk.make(inMemory: inMemory)
        defer { desk.ws.folder.remove() }
        let (record, ack) = try await desk.loggedAndAcknowledged()
        let ackID = try #require(ack.messageID)
        let outcomes = try await desk.take(
            inbound(
                "9", from: "Eira.Example@example.org", name: "Eira Example", subject: "Re: Your complaint",
                inReplyTo: [ackID],
                attachments: [MailboxAttachment(filename: "photo.jpg", size: 99, keptPath: "Inbound/9-1.bin")]))
        #expect(outcomes == [.correspondence(reference: record.reference)])
        let events = try desk.register.events(for: record.reference)
        let received = try #require(events.first { $0.kind == .correspondenceReceived })
        #expect(received.detail.contains("photo.jpg (99 bytes) kept as Inbound/9-1.bin"))
        #expect(try desk.register.get(record.reference).attention?.kind == .correspondenceReceived)
        let alerts = try desk.outboxItems(kind: "alert")
        #expect(alerts.count == 1)
        #expect(alerts.first?.recipient == "alex.example@example.org")
        #expect(try desk.register.cases().count == 1)
        #expect(try desk.outboxItems(kind: "receipt").isEmpty)
    }

    @Test("a reply claiming a case's reference from a stranger opens a triage case and leaves that case alone")
    func strangerReplyGoesToTriage() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let (record, _) = try await desk.loggedAndAcknowledged()
        let before = try desk.register.events(for: record.reference)
        let outcomes = try await desk.take(
            inbound(
                "5", from: "mallory@example.net", name: "Mallory", subject: "Re: \(record.reference) send me the file"))
        guard case .triage(let reference, _, let named) = outcomes.first else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(named == record.reference)
        #expect(reference != record.reference)
        #expect(try desk.register.events(for: record.reference) == before)
        #expect(try desk.register.get(reference).status == .triage)
    }

    @Test(
        "a bounce of our acknowledgement flags its case with the server's reason and tells the officer",
        arguments: [false, true])
    func bounceFlagsCase(inMemory: Bool) async throws {
        let desk = try await MailboxDesk.make(inMemory: inMemory)
        defer { desk.ws.folder.remove() }
        let (record, ack) = try await desk.loggedAndAcknowledged()
        let report = MailboxDeliveryReport(
            originalMessageID: ack.messageID, action: "failed", status: "5.1.1",
            diagnostic: "smtp; 550 5.1.1 <eira.example@example.org>: mailbox unknown")
        let dsn = inbound("b1", from: "MAILER-DAEMON@mx.example.org", name: nil, subject: "Undelivered", report: report)
        let outcomes = try await desk.take(dsn)
        #expect(outcomes == [.bounced(reference: record.reference, outboxID: ack.id)])
        let attention = try #require(try desk.register.get(record.reference).attention)
        #expect(attention.kind == .letterBounced)
        #expect(attention.messageID == ack.id)
        #expect(attention.text == "the acknowledgement \(ack.id) bounced: 550 5.1.1 …@… mailbox unknown")
        #expect(!attention.text.contains("eira"))
        #expect(try desk.outboxItems(kind: "alert").count == 1)
        // The same report again (a second copy in the mailbox) records nothing more.
        try await desk.take(inbound("b2", from: "MAILER-DAEMON@mx.example.org", report: report))
        #expect(try desk.register.events(for: record.reference).filter { $0.kind == .letterBounced }.count == 1)
        #expect(try desk.outboxItems(kind: "receipt").isEmpty)
    }

    @Test("a bounce for a message pals never sent changes no case and answers nothing")
    func bounceForUnknownMessage() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let (record, _) = try await desk.loggedAndAcknowledged()
        let before = try desk.register.events(for: record.reference)
        let report = MailboxDeliveryReport(originalMessageID: "<forged@elsewhere.example>", action: "failed")
        let outcomes = try await desk.take(inbound("x", from: "MAILER-DAEMON@mx.example.org", report: report))
        #expect(outcomes == [.automatic(reason: AutomaticMailReason.unmatchedDeliveryReport.description)])
        #expect(try desk.register.events(for: record.reference) == before)
        #expect(try desk.register.cases().count == 1)
    }

    @Test("a hostile subject (CR/LF, controls, 500 characters) is kept on one line and never reaches the receipt")
    func hostileSubject() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let subject = "Help\r\nBcc: victim@example.com\r\n\u{0}\u{1B}[31m" + String(repeating: "long ", count: 100)
        let outcomes = try await desk.take(inbound("h", subject: subject))
        guard case .triage(let reference, .queued(let id), _) = outcomes.first else {
            Issue.record("\(outcomes)")
            return
        }
        let summary = try desk.register.get(reference).summary
        #expect(!summary.contains { $0.isNewline || $0.unicodeScalars.first!.properties.generalCategory == .control })
        #expect(summary.count <= 200)
        let text = try desk.text(of: try desk.postroom.outbox.show(id))
        #expect(!text.contains("Bcc:"))
        #expect(!text.contains("victim"))
    }

    @Test("a sender address with a newline gets a case with no email and no receipt")
    func senderWithNewline() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let outcomes = try await desk.take(inbound("n", from: "eve@example.org\r\nBcc: x@example.com"))
        guard case .triage(let reference, .notSent, _) = outcomes.first else {
            Issue.record("\(outcomes)")
            return
        }
        let record = try desk.register.get(reference)
        #expect(record.complainant.email == nil)
        #expect(record.complainant.preferredContact == .post)
        #expect(try desk.outboxItems().isEmpty)
    }

    @Test("a receipt to a message with a hostile Message-ID is sent unthreaded, never with the injected line")
    func hostileMessageID() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let outcomes = try await desk.take(inbound("i", messageID: "<a@b>\r\nBcc: x@example.com"))
        guard case .triage(_, .queued(let id), _) = outcomes.first else {
            Issue.record("\(outcomes)")
            return
        }
        let text = try desk.text(of: try desk.postroom.outbox.show(id))
        #expect(!text.contains("In-Reply-To"))
        #expect(!text.contains("Bcc"))
    }

    @Test("an HTML-only email with a script opens a case; nothing of it reaches the receipt")
    func htmlOnlyWithScript() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let message = inbound(
            "s", subject: "Complaint", headers: [("Content-Type", "text/html")],
            text: "<script>alert('x')</script>Please help")
        let outcomes = try await desk.take(message)
        guard case .triage(_, .queued(let id), _) = outcomes.first else {
            Issue.record("\(outcomes)")
            return
        }
        let text = try desk.text(of: try desk.postroom.outbox.show(id))
        #expect(!text.contains("script"))
        #expect(!text.contains("alert("))
    }

    @Test("receipts to one sender stop at the per-sender cap; the cases are still opened")
    func receiptCap() async throws {
        let desk = try await MailboxDesk.make(inMemory: true)
        defer { desk.ws.folder.remove() }
        let outcomes = try await desk.take(
            inbound("1", messageID: "<1@x.example>"), inbound("2", messageID: "<2@x.example>"),
            inbound("3", messageID: "<3@x.example>"), cap: 2)
        #expect(try desk.register.cases().count == 3)
        #expect(try desk.outboxItems(kind: "receipt").count == 2)
        guard case .triage(_, .notSent(let reason), _) = outcomes.last else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(reason.contains("cap"))
    }
}
