import Casework
import Engine
import Foundation
import Logging
import Mail
import PalsTestKit
import Primitives
import Testing

/// A workspace, its register and ledger, and a Dovecot to poll.
private struct PollSetup {
    let ws: EngineWorkspace
    let server: DovecotTestServer
    let register: CaseRegister
    let ledger: InboundLedger

    static func start(security: DovecotTestServer.Security = .plain) async throws -> PollSetup {
        let ws = try EngineWorkspace()
        let server = try await DovecotTestServer.start(security: security)
        let register = try ws.workspace.register() as CaseRegister
        return PollSetup(
            ws: ws, server: server, register: register,
            ledger: InboundLedger(register: register, workspaceRoot: ws.workspace.root))
    }

    func configuration(processedFolder: String? = nil) -> IMAPConfiguration {
        var configuration = IMAPConfiguration(
            url: server.url(), credentials: SMTPCredentials(username: server.username, password: server.password))
        configuration.processedFolder = processedFolder
        configuration.commandTimeout = .seconds(20)
        return configuration
    }

    /// A fresh poller, as a new process would make (nothing kept between polls but the ledger).
    func poller(processedFolder: String? = nil, processor: any InboundProcessor = LeavePendingProcessor())
        -> MailboxPoller
    {
        MailboxPoller(
            configuration: configuration(processedFolder: processedFolder), ledger: ledger, processor: processor,
            clock: ws.clock, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, settleBatch: 2)
    }

    func stop() {
        server.stop()
        ws.folder.remove()
    }
}

/// Marks every message processed, saying so.
private struct MarkingProcessor: InboundProcessor {
    func process(_ messages: [InboundMessage], ledger: InboundLedger, logger: Logger) -> Int {
        messages.filter { (try? ledger.markProcessed(id: $0.id, outcome: "test: looked at", at: Date())) == true }.count
    }
}

@Suite("The team mailbox is read into the inbound ledger exactly once", .serialized)
struct IMAPPollerTests {
    @Test("each message is taken once, kept 0600 under Inbox/, recorded pending, then marked read")
    func takenOnce() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        for number in 1...5 { try setup.server.deliver(DovecotTestServer.message(id: "once-\(number)@example.org")) }
        let first = try await setup.poller().poll()
        #expect(first.taken == 5)
        #expect(first.settled == 5)
        #expect(first.pending == 5)
        let again = try await setup.poller().poll()
        #expect(again.taken == 0)
        #expect(again.duplicates == 0)
        let rows = try setup.ledger.allInbound()
        #expect(rows.count == 5)
        #expect(Set(rows.compactMap(\.messageID)).count == 5)
        #expect(setup.server.seenCount() == 5)
        for row in rows {
            #expect(row.state == .pending)
            #expect(row.arrivedAt <= Date())
            let attributes = try FileManager.default.attributesOfItem(atPath: row.rawFile.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try row.rawBytes().count == row.size)
            #expect(row.rawFile.path.contains("/Inbox/\(row.uidValidity)/\(row.uid).eml"))
        }
    }

    @Test("mail that arrives between polls is taken at the next, and only it")
    func laterMail() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(DovecotTestServer.message(id: "early@example.org"))
        #expect(try await setup.poller().poll().taken == 1)
        try setup.server.deliver(DovecotTestServer.message(id: "late-1@example.org"))
        try setup.server.deliver(DovecotTestServer.message(id: "late-2@example.org"))
        let second = try await setup.poller().poll()
        #expect(second.taken == 2)
        #expect(try setup.ledger.allInbound().map(\.uid) == [1, 2, 3])
    }

    @Test("with a processed folder, recorded mail is moved there (the folder is made when missing)")
    func movesToProcessed() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        for number in 1...3 { try setup.server.deliver(DovecotTestServer.message(id: "mv-\(number)@example.org")) }
        let report = try await setup.poller(processedFolder: "Processed").poll()
        #expect(report.taken == 3)
        #expect(setup.server.files(in: "INBOX").isEmpty)
        #expect(setup.server.files(in: "Processed").count == 3)
        #expect(try await setup.poller(processedFolder: "Processed").poll().taken == 0)
    }

    @Test("a recreated mailbox (new UIDVALIDITY) makes no duplicate rows; only the new message is taken")
    func uidValidityChange() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        let old = (1...3).map { DovecotTestServer.message(id: "kept-\($0)@example.org") }
        let noID = DovecotTestServer.message(id: nil, body: "No Message-ID here.")
        for message in old + [noID] { try setup.server.deliver(message) }
        #expect(try await setup.poller().poll().taken == 4)
        let before = try setup.ledger.folderState(mailbox: "pals-team@127.0.0.1:\(setup.server.port)", folder: "INBOX")
        try setup.server.recreateInbox(with: old + [noID, DovecotTestServer.message(id: "new@example.org")])
        let report = try await setup.poller().poll()
        #expect(report.uidValidityChanged)
        #expect(report.taken == 1)
        #expect(report.duplicates == 4)
        let rows = try setup.ledger.allInbound()
        #expect(rows.count == 5)
        #expect(rows.last?.messageID == "<new@example.org>")
        let after = try setup.ledger.folderState(mailbox: "pals-team@127.0.0.1:\(setup.server.port)", folder: "INBOX")
        #expect(after?.uidValidity != before?.uidValidity)
        #expect(after?.highestUID == 5)
        #expect(try await setup.poller().poll().taken == 0)
    }

    @Test("the same message delivered twice (same Message-ID) is one row")
    func sameMessageTwice() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        let message = DovecotTestServer.message(id: "twice@example.org")
        try setup.server.deliver(message)
        try setup.server.deliver(message)
        let report = try await setup.poller().poll()
        #expect(report.taken == 1)
        #expect(report.duplicates == 1)
        #expect(try setup.ledger.allInbound().count == 1)
        #expect(setup.server.seenCount() == 2)
    }

    @Test("a symbolic link in place of Inbox/ is refused: nothing recorded, nothing marked on the server")
    func symlinkedInboxRefused() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(DovecotTestServer.message(id: "link@example.org"))
        let elsewhere = setup.ws.folder.appending("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: setup.ws.workspace.root.appending(path: "Inbox").path, withDestinationPath: elsewhere.path)
        await #expect(throws: InboundError.self) { try await setup.poller().poll() }
        #expect(try setup.ledger.allInbound().isEmpty)
        #expect(setup.server.seenCount() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test(
        "a message whose row is committed but not yet marked on the server is marked at the next poll, not taken again")
    func leftUnsettled() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(DovecotTestServer.message(id: "crash@example.org"))
        let mailbox = "pals-team@127.0.0.1:\(setup.server.port)"
        // As if a poll died after the commit, before the STORE: the row is there, the server has no \Seen.
        let validity = try await IMAPSession.offPool(try IMAPSession(configuration: setup.configuration())) {
            session throws(MailError) in try session.status("INBOX").uidValidity
        }
        try setup.ledger.startFolder(mailbox: mailbox, folder: "INBOX", uidValidity: validity)
        let raw = DovecotTestServer.message(id: "crash@example.org")
        _ = try setup.ledger.record(
            FetchedInbound(
                mailbox: mailbox, folder: "INBOX", uidValidity: validity, uid: 1, messageID: "<crash@example.org>",
                internalDate: nil, raw: raw), fetchedAt: Date())
        #expect(setup.server.seenCount() == 0)
        let report = try await setup.poller().poll()
        #expect(report.taken == 0)
        #expect(report.settled == 1)
        #expect(setup.server.seenCount() == 1)
        #expect(try setup.ledger.unsettled(mailbox: mailbox, folder: "INBOX", uidValidity: validity).isEmpty)
    }

    @Test("the processor gets the pending rows; what it marks is processed with its outcome and not offered again")
    func processorContract() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(DovecotTestServer.message(id: "p1@example.org"))
        let report = try await setup.poller(processor: MarkingProcessor()).poll()
        #expect(report.processed == 1)
        #expect(report.pending == 0)
        let row = try #require(try setup.ledger.allInbound().first)
        #expect(row.state == .processed)
        #expect(row.outcome == "test: looked at")
        #expect(try setup.ledger.markProcessed(id: row.id, outcome: "again", at: Date()) == false)
        #expect(try setup.ledger.inbound(id: row.id)?.outcome == "test: looked at")
        #expect(throws: InboundError.self) { try setup.ledger.markProcessed(id: 999, outcome: "x", at: Date()) }
    }

    @Test("a wrong password fails the poll with a login error; nothing is recorded")
    func wrongPassword() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(DovecotTestServer.message(id: "pw@example.org"))
        var configuration = setup.configuration()
        configuration.credentials = SMTPCredentials(username: setup.server.username, password: "N0t-the-one")
        let poller = MailboxPoller(
            configuration: configuration, ledger: setup.ledger,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        do {
            _ = try await poller.poll()
            Issue.record("the poll succeeded")
        } catch {
            #expect(MailError.Code.mailboxLoginRefused ~= error)
            #expect(!"\(error)".contains("N0t-the-one"))
            let shown = (error as? MailError)?.errorDescription ?? ""
            #expect(!shown.contains("N0t-the-one"))
        }
        #expect(try setup.ledger.allInbound().isEmpty)
    }
}

@Suite("intake.mailbox settings")
struct MailboxConfigurationTests {
    let base = """
        organisation: {name: Invented Trust, address: ["1 Example Road"]}
        manager: {name: Mo Manager}
        signatory: {name: Sam Signer}
        officers: [{id: alex, name: Alex Officer, email: alex@example.org}]
        mail: {from: {address: pals@example.org}}
        """

    @Test("the mailbox is read with its defaults, and PALS_IMAP_URL replaces the URL")
    func reads() throws {
        let yaml = base + "\nintake: {mailbox: {url: 'imaps://mail.example.org', username: team}}\n"
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        #expect(configuration.mailbox?.folder == "INBOX")
        #expect(configuration.mailbox?.interval == 60)
        #expect(configuration.mailbox?.processedFolder == nil)
        let overridden = try WorkspaceConfiguration.parse(
            yaml: yaml, file: "pals.yaml", environment: ["PALS_IMAP_URL": "imaps://other.example.org:9993"])
        #expect(overridden.mailbox?.url == "imaps://other.example.org:9993")
        let none = try WorkspaceConfiguration.parse(yaml: base, file: "pals.yaml", environment: [:])
        #expect(none.mailbox == nil)
    }

    @Test("a bad URL, a bad folder, an unknown key or a short interval is a problem naming the setting")
    func refuses() {
        let cases = [
            ("intake: {mailbox: {url: 'http://mail.example.org', username: team}}", "intake.mailbox.url"),
            ("intake: {mailbox: {url: 'imaps://mail.example.org', username: team, folder: \"A\\r\\nB\"}}", "folder"),
            ("intake: {mailbox: {url: 'imaps://mail.example.org', username: team, pasword: x}}", "pasword"),
            ("intake: {mailbox: {url: 'imaps://mail.example.org', username: team, interval: 1}}", "interval"),
            ("intake: {mailbox: {username: team}}", "url"),
        ]
        for (extra, key) in cases {
            do {
                _ = try WorkspaceConfiguration.parse(
                    yaml: base + "\n" + extra + "\n", file: "pals.yaml", environment: [:])
                Issue.record("accepted: \(extra)")
            } catch {
                #expect("\(error.errorDescription ?? "")".contains(key), "\(extra)")
            }
        }
    }

    @Test("config check: a password file readable by others, missing or empty is an error; 0600 passes")
    func passwordFileChecked() throws {
        let folder = try TemporaryFolder("imap-config")
        defer { folder.remove() }
        let file = folder.appending("imap-password")
        let yaml =
            base
            + "\nintake: {mailbox: {url: 'imaps://mail.example.org', username: team, passwordFile: '\(file.path)'}}\n"
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        func findings() -> [ConfigurationFinding] {
            ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: nil)
                .filter { $0.key.hasPrefix("intake.mailbox") }
        }
        #expect(findings().first?.message.contains("does not exist") == true)
        try "Secret-1\n".write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o644)
        #expect(findings().first?.message.contains("chmod 600") == true)
        chmod(file.path, 0o600)
        #expect(findings().isEmpty)
        try "\n".write(to: file, atomically: false, encoding: .utf8)
        chmod(file.path, 0o600)
        #expect(findings().first?.message.contains("empty") == true)
        for finding in findings() { #expect(!finding.message.contains("Secret-1")) }
    }
}

@Suite("A message that cannot be recorded is left as it was on the server", .serialized)
struct IMAPUnrecordedTests {
    @Test("a link in place of Inbox/<uidvalidity>/ fails the poll after the download; the message is unread again")
    func unreadAgain() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(DovecotTestServer.message(id: "unread@example.org"))
        let validity = try await IMAPSession.offPool(try IMAPSession(configuration: setup.configuration())) {
            session throws(MailError) in try session.status("INBOX").uidValidity
        }
        let inbox = setup.ws.workspace.root.appending(path: "Inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let elsewhere = setup.ws.folder.appending("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: inbox.appending(path: "\(validity)").path, withDestinationPath: elsewhere.path)
        do {
            _ = try await setup.poller().poll()
            Issue.record("the poll succeeded")
        } catch {
            #expect(InboundError.Code.linkRefused ~= error)
        }
        #expect(try setup.ledger.allInbound().isEmpty)
        #expect(setup.server.seenCount() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }
}

/// A complaint with a base64 attachment of `bytes` bytes (Content-Type multipart/mixed).
private func messageWithAttachment(id: String, bytes: Int) -> Data {
    let chunk = Data(repeating: 0x41, count: bytes).base64EncodedString(options: [
        .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
    ])
    let text = """
        From: Ada Example <ada@example.org>\r
        To: pals@example.nhs.uk\r
        Message-ID: <\(id)>\r
        Subject: My complaint, with a video of the ward\r
        Date: Tue, 1 Dec 2026 10:00:00 +0000\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Please see the attached video.\r
        --b1\r
        Content-Type: video/mp4; name="ward.mp4"\r
        Content-Disposition: attachment; filename="ward.mp4"\r
        Content-Transfer-Encoding: base64\r
        \r
        \(chunk)\r
        --b1--\r

        """
    return Data(text.utf8)
}

@Suite("A message over the size limit neither blocks the mailbox nor is lost", .serialized)
struct IMAPOversizeTests {
    @Test("it is taken from its header as a stand-in that says so; the mail after it is taken; the whole stays")
    func standIn() async throws {
        let setup = try await PollSetup.start()
        defer { setup.stop() }
        try setup.server.deliver(messageWithAttachment(id: "big@example.org", bytes: 300_000))
        try setup.server.deliver(DovecotTestServer.message(id: "after-big@example.org"))
        var configuration = setup.configuration(processedFolder: "Processed")
        configuration.maximumMessageBytes = 100_000
        let poller = MailboxPoller(
            configuration: configuration, ledger: setup.ledger, clock: setup.ws.clock,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let report = try await poller.poll()
        #expect(report.taken == 2)
        #expect(report.oversize == 1)
        let rows = try setup.ledger.allInbound()
        #expect(Set(rows.compactMap(\.messageID)) == ["<big@example.org>", "<after-big@example.org>"])
        let standIn = try #require(rows.first { $0.messageID == "<big@example.org>" })
        let raw = String(decoding: try standIn.rawBytes(), as: UTF8.self)
        #expect(raw.count < 2_000)
        #expect(raw.contains("Subject: My complaint, with a video of the ward\r\n"))
        #expect(raw.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        #expect(!raw.contains("multipart/mixed"))
        #expect(raw.contains("too large for pals to take whole"))
        #expect(raw.contains("folder \"Processed\""))
        // The parser the intake uses reads it as a plain message from the sender.
        let parsed = try ReceivedMailParser.parse([UInt8](try standIn.rawBytes()))
        #expect(parsed.from?.address == "ada@example.org")
        #expect(parsed.text.contains("only its header was taken"))
        #expect(parsed.attachments.isEmpty)
        // The original, attachment and all, is kept on the server.
        let moved = setup.server.files(in: "Processed")
        #expect(moved.count == 2)
        #expect(setup.server.files(in: "INBOX").isEmpty)
        #expect(try await poller.poll().taken == 0)
    }
}

@Suite("The daemon reads the team mailbox", .serialized)
struct IMAPDaemonTests {
    @Test("daemon --once polls the configured mailbox into the ledger; without a mailbox it polls nothing")
    func oncePolls() async throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let server = try await DovecotTestServer.start()
        defer { server.stop() }
        try server.deliver(DovecotTestServer.message(id: "daemon@example.org"))
        let yaml = ws.workspace.root.appending(path: "pals.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
        try (text + "\nintake:\n  mailbox:\n    url: \(server.url())\n    username: \(server.username)\n")
            .write(to: yaml, atomically: true, encoding: .utf8)
        let environment = ["PALS_IMAP_PASSWORD": server.password]
        let workspace = try Workspace.open(at: ws.workspace.root, environment: environment)
        let casebook = try Casebook(workspace: workspace, clock: ws.clock)
        let daemon = try Daemon(
            postroom: Postroom(casebook: casebook), lanes: 1, environment: environment,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        _ = await daemon.once()
        let ledger = InboundLedger(register: try ws.workspace.register(), workspaceRoot: ws.workspace.root)
        #expect(try ledger.allInbound().map(\.messageID) == ["<daemon@example.org>"])
        #expect(server.seenCount() == 1)
    }
}
