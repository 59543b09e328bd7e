import Casework
import Engine
import Foundation
import Logging
import PalsTestKit
import Primitives
import Testing

/// Files `raw` (CRLF added) through the real mailbox rules against the server's workspace: recorded in the
/// inbound ledger as the IMAP poller records it, then processed by ``MailboxIntakeProcessor``.
func receiveMail(_ server: WebTestServer, _ raw: String, uid: UInt32) throws {
    let root = URL(filePath: server.workspace)
    let workspace = try Workspace.open(at: root, environment: [:])
    let clock = WallClock.fixed(ISO8601DateFormatter().date(from: WebTestServer.now)!)
    let casebook = try Casebook(workspace: workspace, clock: clock)
    let ledger = InboundLedger(register: try workspace.register(), workspaceRoot: root)
    let bytes = Data(raw.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    let fetched = FetchedInbound(
        mailbox: "pals@example.org@127.0.0.1:1", folder: "INBOX", uidValidity: 7, uid: uid,
        messageID: "<test-\(uid)@example.org>", internalDate: clock.now(), raw: bytes)
    guard case .recorded(let row) = try ledger.record(fetched, fetchedAt: clock.now()) else {
        throw TestSetupError(description: "the message was taken as a duplicate")
    }
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let processed = MailboxIntakeProcessor(casebook: casebook).process([row], ledger: ledger, logger: logger)
    #expect(processed == 1)
}

/// A message from the example complainant about `reference`, with one attachment per `files` entry
/// (file name as written in the header, content type, body).
func complainantMail(
    _ reference: String, uid: UInt32, body: String = "Thank you. Here is the letter from the ward.",
    files: [(name: String, type: String, data: Data)]
) -> String {
    var parts = """
        From: Eira Example <eira.example@example.org>
        To: pals@example.org
        Subject: Re: Your complaint \(reference)
        Message-ID: <test-\(uid)@example.org>
        Date: Tue, 24 Nov 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b-\(uid)"

        --b-\(uid)
        Content-Type: text/plain; charset=utf-8

        \(body)

        """
    for file in files {
        parts += """
            --b-\(uid)
            Content-Type: \(file.type)
            Content-Disposition: attachment; filename="\(file.name)"
            Content-Transfer-Encoding: base64

            \(file.data.base64EncodedString(options: .lineLength76Characters))

            """
    }
    return parts + "--b-\(uid)--\n"
}

/// The case page's received correspondence and its downloads, against the real `pals serve`.
@Suite("The case page's received correspondence, through pals serve", .serialized)
struct AppCorrespondenceTests {
    /// The ids of the download links on a case page, in order.
    static func fileLinks(_ page: String, _ reference: String) -> [String] {
        page.components(separatedBy: "href=\"/app/cases/\(reference)/received/").dropFirst().map {
            String($0.prefix { $0 != "\"" })
        }
    }

    @Test("a received email shows its date, sender, subject and escaped text, and its file downloads safely")
    func shownAndDownloaded() async throws {
        try await withAppServer { server in
            let reference = try await server.logCase(officer: "alex")
            let pdf = Data("%PDF-1.4 invented letter".utf8)
            try receiveMail(
                server,
                complainantMail(
                    reference, uid: 1, body: "I enclose <b>the letter</b> <script>alert(1)</script>",
                    files: [("ward-letter.pdf", "application/pdf", pdf)]), uid: 1)
            let alex = AppBrowserClient(server)
            try await alex.signIn("alex", password: appTestPassword)
            let page = try await alex.get("/app/cases/\(reference)")
            #expect(page.status == 200)
            #expect(page.text.contains("Correspondence received"))
            #expect(page.text.contains("Re: Your complaint \(reference)"))
            #expect(page.text.contains("eira.example@example.org"))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.text.contains("<script>"))
            #expect(page.text.contains("ward-letter.pdf"))
            let ids = Self.fileLinks(page.text, reference)
            #expect(ids.count == 1)
            let id = try #require(ids.first)
            #expect(!id.contains("ward") && !id.contains("."), "the address names the file: \(id)")
            let download = try await alex.get("/app/cases/\(reference)/received/\(id)")
            #expect(download.status == 200)
            #expect(download.body == pdf)
            #expect(download.header("Content-Type") == "application/pdf")
            #expect(download.header("Content-Disposition") == "attachment; filename=\"ward-letter.pdf\"")
            #expect(download.header("X-Content-Type-Options") == "nosniff")
            #expect(download.header("Content-Security-Policy") == "sandbox")
            let audit = try await server.pals(["audit", reference])
            #expect(audit.stdout.contains("opened-correspondence"), "\(audit)")
            #expect(audit.stdout.contains("downloaded attachment \(id)"), "\(audit)")
        }
    }

    @Test("hostile file names and types: a path, control characters, a quote, an empty file, HTML")
    func hostileFiles() async throws {
        try await withAppServer { server in
            let reference = try await server.logCase(officer: "alex")
            let html = Data("<html><script>alert(document.cookie)</script></html>".utf8)
            try receiveMail(
                server,
                complainantMail(
                    reference, uid: 2,
                    files: [
                        ("../../etc/passwd", "text/plain", Data("root:x:0:0".utf8)),
                        ("bad\u{7}name\\\".txt", "text/plain", Data("quoted".utf8)),
                        ("empty.txt", "text/plain", Data()),
                        ("page.html", "text/html", html),
                    ]), uid: 2)
            let alex = AppBrowserClient(server)
            try await alex.signIn("alex", password: appTestPassword)
            let page = try await alex.get("/app/cases/\(reference)")
            #expect(!page.text.contains("\u{7}"))
            let ids = Self.fileLinks(page.text, reference)
            #expect(ids.count == 4, "\(page.text)")
            guard ids.count == 4 else { return }
            var answers: [AppAnswer] = []
            for id in ids { answers.append(try await alex.get("/app/cases/\(reference)/received/\(id)")) }
            for answer in answers {
                #expect(answer.status == 200)
                let disposition = answer.header("Content-Disposition") ?? ""
                #expect(disposition.hasPrefix("attachment; filename=\""), "\(disposition)")
                let name = disposition.dropFirst("attachment; filename=\"".count).dropLast()
                #expect(!name.contains("/") && !name.contains("\\") && !name.contains("\"") && !name.hasPrefix("."))
                #expect(name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(disposition)")
                #expect(answer.header("X-Content-Type-Options") == "nosniff")
                #expect(answer.header("Content-Security-Policy") == "sandbox")
            }
            #expect(answers[0].header("Content-Disposition") == "attachment; filename=\"passwd\"")
            #expect(answers[0].body == Data("root:x:0:0".utf8))
            #expect(answers[2].body.isEmpty)
            #expect(answers[2].header("Content-Disposition") == "attachment; filename=\"empty.txt\"")
            // HTML is never served as HTML: a download of bytes, which no browser renders in the app's origin.
            #expect(answers[3].header("Content-Type") == "application/octet-stream")
            #expect(answers[3].body == html)
        }
    }

    @Test("an id of another case's file, a made-up id or a path is refused as not found, and audited")
    func otherCasesFile() async throws {
        try await withAppServer { server in
            let mine = try await server.logCase(officer: "alex")
            let other = try await server.logCase(officer: "alex")
            try receiveMail(
                server, complainantMail(other, uid: 3, files: [("other.txt", "text/plain", Data("secret".utf8))]),
                uid: 3)
            let alex = AppBrowserClient(server)
            try await alex.signIn("alex", password: appTestPassword)
            let otherIDs = Self.fileLinks(try await alex.get("/app/cases/\(other)").text, other)
            let id = try #require(otherIDs.first)
            for asked in [id, "99-1", "1-0", "..%2F..%2Fetc%2Fpasswd", "3-1-1", "-1", "3-99999999999999"] {
                let refused = try await alex.get("/app/cases/\(mine)/received/\(asked)")
                #expect(refused.status == 404, "\(asked)")
                #expect(!refused.text.contains("secret"))
            }
            let audit = try await server.pals(["audit", mine])
            #expect(audit.stdout.contains("refused"), "\(audit)")
            #expect(!audit.stdout.contains("passwd"), "a refused id was written as given: \(audit)")
        }
    }

    @Test("an officer of another team cannot fetch the file, even by its right id; the refusal is audited")
    func otherTeam() async throws {
        try await withAppServer { server in
            let samsCase = try await server.logCase(officer: "sam")
            try receiveMail(
                server, complainantMail(samsCase, uid: 4, files: [("note.txt", "text/plain", Data("note".utf8))]),
                uid: 4)
            let morgan = AppBrowserClient(server)
            try await morgan.signIn("morgan", password: appTestPassword)
            let id = try #require(Self.fileLinks(try await morgan.get("/app/cases/\(samsCase)").text, samsCase).first)
            #expect(try await morgan.get("/app/cases/\(samsCase)/received/\(id)").status == 200)
            let alex = AppBrowserClient(server)
            try await alex.signIn("alex", password: appTestPassword)
            let refused = try await alex.get("/app/cases/\(samsCase)/received/\(id)")
            #expect(refused.status == 404)
            #expect(refused.body != Data("note".utf8))
            let audit = try await server.pals(["audit", samsCase])
            #expect(audit.stdout.contains("alex") && audit.stdout.contains("refused"), "\(audit)")
            let signedOut = AppBrowserClient(server)
            let anonymous = try await signedOut.get("/app/cases/\(samsCase)/received/\(id)")
            #expect(anonymous.status == 303)
        }
    }
}
