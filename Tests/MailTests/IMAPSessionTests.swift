import Foundation
import Mail
import PalsTestKit
import Primitives
import Testing

/// IMAP settings for `server`'s user.
private func settings(_ server: DovecotTestServer, url: String? = nil, password: String? = nil) -> IMAPConfiguration {
    var configuration = IMAPConfiguration(
        url: url ?? server.url(),
        credentials: SMTPCredentials(username: server.username, password: password ?? server.password),
        caFile: server.certificateFile)
    configuration.connectTimeout = .seconds(10)
    configuration.commandTimeout = .seconds(20)
    return configuration
}

/// Runs `body` with a session, off the cooperative pool.
private func withSession<T: Sendable>(
    _ configuration: IMAPConfiguration, _ body: @escaping @Sendable (IMAPSession) throws(MailError) -> T
) async throws -> T {
    try await IMAPSession.offPool(try IMAPSession(configuration: configuration), body)
}

/// The error `body` throws, or nil.
private func mailError(_ body: () async throws -> Void) async -> MailError? {
    do { try await body() } catch let error as MailError { return error } catch { return nil }
    return nil
}

@Suite("IMAP settings are checked before connecting")
struct IMAPPlanTests {
    let credentials = SMTPCredentials(username: "pals-team", password: "Not-a-real-0ne")

    @Test("imap:// to a server off loopback always requires STARTTLS; on loopback it may go plain")
    func tlsRule() throws {
        #expect(try IMAPConfiguration(url: "imap://mail.example.org", credentials: credentials).plan().useTLS)
        #expect(try IMAPConfiguration(url: "imap://192.0.2.10:143", credentials: credentials).plan().useTLS)
        #expect(try IMAPConfiguration(url: "imaps://mail.example.org", credentials: credentials).plan().useTLS)
        #expect(try !IMAPConfiguration(url: "imap://127.0.0.1:1143", credentials: credentials).plan().useTLS)
    }

    @Test("hostile URLs and folder names are refused with the setting named")
    func hostileInputs() {
        let urls = [
            "http://mail.example.org", "imap://user:pw@mail.example.org", "imap://mail.example.org/INBOX",
            "imap://mail.example.org;UIDVALIDITY=1", "imap://mail.example.org:99999", "imap://",
        ]
        for url in urls {
            #expect(throws: MailError.self, "\(url)") {
                try IMAPConfiguration(url: url, credentials: credentials).plan()
            }
        }
        for folder in ["", "Inbox\r\nA1 LOGOUT", "Caf\u{e9}", "*", "INBOX%"] {
            var configuration = IMAPConfiguration(url: "imaps://mail.example.org", credentials: credentials)
            configuration.folder = folder
            #expect(throws: MailError.self, "\(folder.debugDescription)") { try configuration.plan() }
        }
        var same = IMAPConfiguration(url: "imaps://mail.example.org", credentials: credentials)
        same.processedFolder = "INBOX"
        #expect(throws: MailError.self) { try same.plan() }
    }

    @Test("a URL with credentials in it is refused without echoing the password in the reason")
    func credentialsInURL() {
        do {
            _ = try IMAPConfiguration(url: "imaps://team:Secret-9@mail.example.org", credentials: credentials).plan()
            Issue.record("accepted")
        } catch {
            #expect(!error.reason.contains("Secret-9"))
            #expect(!error.description.contains("Secret-9"))
        }
    }

    @Test("the mailbox name names the user and server, never the password")
    func mailboxName() throws {
        let plan = try IMAPConfiguration(url: "imaps://mail.example.org", credentials: credentials).plan()
        #expect(plan.mailboxName == "pals-team@mail.example.org:993")
    }

    @Test("Message-ID is read from the header block only, unfolded, and hostile values are ignored")
    func messageIDPeek() {
        let folded = Data("Subject: x\r\nMessage-ID:\r\n <abc@example.org>\r\n\r\nMessage-ID: <body@x>\r\n".utf8)
        #expect(InboundMessageID.messageID(in: folded) == "<abc@example.org>")
        let inBody = Data("Subject: x\r\n\r\nMessage-ID: <body@x>\r\n".utf8)
        #expect(InboundMessageID.messageID(in: inBody) == nil)
        let bare = Data("message-id: plain@example.org\n\nhi".utf8)
        #expect(InboundMessageID.messageID(in: bare) == "plain@example.org")
        let control = Data("Message-ID: <a\u{7}b@x>\r\n\r\n".utf8)
        #expect(InboundMessageID.messageID(in: control) == nil)
        #expect(InboundMessageID.messageID(in: Data()) == nil)
    }
}

@Suite("IMAP through libcurl against a real Dovecot", .serialized)
struct IMAPDovecotTests {
    @Test("status, new UIDs, INTERNALDATE, download by UID and \\Seen")
    func readsAndMarks() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        for number in 1...3 { try server.deliver(DovecotTestServer.message(id: "m\(number)@example.org")) }
        let configuration = settings(server)
        let (status, uids, info, raw) = try await withSession(configuration) { session throws(MailError) in
            let status = try session.status("INBOX")
            let uids = try session.uids(in: "INBOX", from: 2)
            let info = try session.messageInfo(in: "INBOX", from: 1)
            let raw = try session.fetch(folder: "INBOX", uidValidity: status.uidValidity, uid: 2)
            try session.markSeen(in: "INBOX", uids: [1, 3])
            return (status, uids, info, raw)
        }
        #expect(status.messages == 3)
        #expect(uids == [2, 3])
        #expect(info.count == 3)
        #expect(info[1]?.internalDate != nil)
        #expect(info[2]?.size == DovecotTestServer.message(id: "m2@example.org").count)
        #expect(InboundMessageID.messageID(in: raw) != nil)
        #expect(server.seenCount() >= 2)
    }

    @Test("a search past the highest UID returns nothing new (n:* always matches the last message)")
    func searchPastEnd() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        try server.deliver(DovecotTestServer.message(id: "only@example.org"))
        let uids = try await withSession(settings(server)) { session throws(MailError) in
            try session.uids(in: "INBOX", from: 5)
        }
        #expect(uids.isEmpty)
    }

    @Test("a fetch under an old UIDVALIDITY is refused, and so is one of a message that left")
    func uidValidityChecked() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        try server.deliver(DovecotTestServer.message(id: "a@example.org"))
        let configuration = settings(server)
        let validity = try await withSession(configuration) { session throws(MailError) in
            try session.status("INBOX").uidValidity
        }
        let changed = await mailError {
            _ = try await withSession(configuration) { session throws(MailError) in
                try session.fetch(folder: "INBOX", uidValidity: validity &+ 1, uid: 1)
            }
        }
        #expect(changed?.code == .uidValidityChanged)
        let gone = await mailError {
            _ = try await withSession(configuration) { session throws(MailError) in
                try session.fetch(folder: "INBOX", uidValidity: validity, uid: 9)
            }
        }
        #expect(gone?.code == .messageGone)
    }

    @Test("moving makes the processed folder hold the message and the folder not")
    func moves() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        try server.deliver(DovecotTestServer.message(id: "move@example.org"))
        try await withSession(settings(server)) { session throws(MailError) in
            try session.createFolder("Processed")
            try session.createFolder("Processed")  // already there: fine
            try session.move(in: "INBOX", uids: [1], to: "Processed")
        }
        #expect(server.files(in: "INBOX").isEmpty)
        #expect(server.files(in: "Processed").count == 1)
    }

    @Test("a wrong password is a login error that names the username and holds no password")
    func wrongPassword() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        let wrong = "Wr0ng-Passw0rd-Typed"
        let error = await mailError { _ = try await IMAPProbe.check(settings(server, password: wrong)) }
        #expect(error?.code == .mailboxLoginRefused)
        let texts = [error?.errorDescription ?? "", error?.description ?? "", "\(String(describing: error))"]
        for text in texts {
            #expect(!text.contains(wrong))
            #expect(!text.contains(Data("\0\(server.username)\0\(wrong)".utf8).base64EncodedString()))
        }
        #expect(error?.reason.contains("password file") == true)
    }

    @Test("a missing folder is named as such, not as a refused login")
    func missingFolder() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        var configuration = settings(server)
        configuration.folder = "Complaints"
        let error = await mailError { _ = try await IMAPProbe.check(configuration) }
        #expect(error?.code == .mailboxFolderMissing)
        let selecting = await mailError {
            _ = try await withSession(settings(server)) { session throws(MailError) in
                try session.uids(in: "Nowhere", from: 1)
            }
        }
        #expect(selecting?.code == .mailboxFolderMissing)
    }

    @Test("the probe reports the folder, its count and the login over plain loopback")
    func probe() async throws {
        let server = try await DovecotTestServer.start()
        defer { Task { await server.stop() } }
        try server.deliver(DovecotTestServer.message(id: "p@example.org"))
        let report = try await IMAPProbe.check(settings(server))
        #expect(report.status.messages == 1)
        #expect(!report.tls)
        #expect(report.movesInOneStep)
    }
}

@Suite("IMAP over TLS against a real Dovecot", .serialized)
struct IMAPTLSTests {
    @Test("imaps:// with the server's certificate as the CA file works")
    func implicitTLS() async throws {
        let server = try await DovecotTestServer.start(security: .implicitTLS)
        defer { Task { await server.stop() } }
        try server.deliver(DovecotTestServer.message(id: "tls@example.org"))
        let report = try await IMAPProbe.check(settings(server, url: server.url(hostName: "localhost")))
        #expect(report.tls)
        #expect(report.status.messages == 1)
    }

    @Test("an unknown certificate is refused before the login is sent")
    func badCertificate() async throws {
        let server = try await DovecotTestServer.start(security: .implicitTLS)
        defer { Task { await server.stop() } }
        var configuration = settings(server, url: server.url(hostName: "localhost"))
        configuration.caFile = nil
        let error = await mailError { _ = try await IMAPProbe.check(configuration) }
        #expect(error?.code == .mailboxTLS)
        #expect(error?.reason.contains("certificate") == true)
        #expect(!server.log.contains("Login: user=<\(server.username)>"))
    }

    @Test("imap:// with STARTTLS on a loopback server that offers it still logs in (plain is allowed there)")
    func startTLSOffered() async throws {
        let server = try await DovecotTestServer.start(security: .startTLS)
        defer { Task { await server.stop() } }
        let report = try await IMAPProbe.check(settings(server))
        #expect(report.status.messages == 0)
    }

    @Test("imap:// to an address off loopback without STARTTLS is refused, and no login is sent")
    func plainOffLoopbackRefused() async throws {
        guard let address = DovecotTestServer.nonLoopbackAddress() else { return }
        let server = try await DovecotTestServer.start(security: .plain, host: address)
        defer { Task { await server.stop() } }
        let error = await mailError { _ = try await IMAPProbe.check(settings(server)) }
        #expect(error?.code == .mailboxTLS)
        #expect(error?.reason.contains("STARTTLS") == true)
        #expect(!server.log.contains("Login: user="))
    }

    @Test("the UID set of a batch is compact and ordered")
    func uidSets() {
        #expect(IMAPSession.uidSet([5, 1, 2, 3, 9, 10, 3]) == "1:3,5,9:10")
        #expect(IMAPSession.uidSet([7]) == "7")
    }
}
