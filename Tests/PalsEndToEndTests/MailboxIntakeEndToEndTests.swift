import Foundation
import PalsTestKit
import Testing

/// The mailbox rules through the real `pals` binary: Dovecot holds the team mailbox, aiosmtpd takes what pals sends.
@Suite("Mailbox intake end to end: Dovecot, pals intake poll, aiosmtpd", .serialized)
struct MailboxIntakeEndToEndTests {
    /// A raw message from an invented person, with extra header lines.
    static func mail(
        id: String, from: String = "Ada Example <ada@example.org>", subject: String, headers: [String] = [],
        inReplyTo: String? = nil, body: String = "INVENTED: my appointment was cancelled twice."
    ) -> Data {
        var text = "From: \(from)\r\nTo: pals@example.nhs.uk\r\nMessage-ID: <\(id)>\r\nSubject: \(subject)\r\n"
        text += "Date: Wed, 25 Nov 2026 08:30:00 +0000\r\n"
        if let inReplyTo { text += "In-Reply-To: \(inReplyTo)\r\n" }
        for header in headers { text += header + "\r\n" }
        return Data((text + "\r\n" + body + "\r\n").utf8)
    }

    @Test(
        "a complaint email becomes a triage case whose receipt reaches the SMTP server threaded to it; a reply lands on the case; an auto-reply and a list message get no answer"
    )
    func mailboxToReceipt() async throws {
        let ws = try await TestWorkspace()
        let server = try await DovecotTestServer.start()
        let smtp = try await SMTPTestServer()
        defer {
            Task {
                await server.stop()
                await smtp.stop()
                ws.folder.remove()
            }
        }
        let passwordFile = ws.folder.appending("imap-password")
        try "\(server.password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile.path, 0o600)
        let yaml = URL(filePath: ws.workspace).appending(path: "pals.yaml")
        let handle = try FileHandle(forWritingTo: yaml)
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                """

                intake:
                  mailbox:
                    url: \(server.url())
                    username: \(server.username)
                    passwordFile: \(passwordFile.path)

                """.utf8))
        try handle.close()
        let environment = ["PALS_SMTP_URL": smtp.url()]

        _ = try server.deliver(Self.mail(id: "complaint-1@example.org", subject: "INVENTED: cancelled twice"))
        _ = try server.deliver(
            Self.mail(
                id: "ooo@example.org", from: "Bo Example <bo@example.org>", subject: "Out of office",
                headers: ["Auto-Submitted: auto-replied"]))
        _ = try server.deliver(
            Self.mail(
                id: "list@example.org", from: "Forum <forum@lists.example.org>", subject: "Weekly news",
                headers: ["List-Id: <forum.lists.example.org>", "Precedence: list"]))
        let poll = try await ws.pals(["intake", "poll"], environment: environment)
        #expect(poll.status == 0, "\(poll)")
        #expect(poll.stdout.contains("processed 3"), "\(poll)")

        let list = try await ws.pals(["intake", "list", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.count == 1, "\(list)")
        let reference = try #require(entries.first?["reference"] as? String)

        let flush = try await ws.pals(["outbox", "flush"], environment: environment)
        #expect(flush.status == 0, "\(flush)")
        let sent = try smtp.messages()
        #expect(sent.count == 1, "only the complaint is answered: \(sent.map(\.rcptTos))")
        let receipt = String(decoding: try #require(sent.first).data, as: UTF8.self)
        #expect(sent.first?.rcptTos == ["ada@example.org"])
        #expect(receipt.contains("In-Reply-To: <complaint-1@example.org>"))
        #expect(receipt.contains("Auto-Submitted: auto-replied"))
        #expect(receipt.contains("Subject: We have received your email \(reference)"))
        #expect(!receipt.contains("cancelled"))

        // Ada replies to the receipt: it lands on her case, and no second case or receipt is made.
        let receiptID = try #require(
            receipt.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: ") }?.dropFirst("Message-ID: ".count))
        _ = try server.deliver(
            Self.mail(
                id: "reply-1@example.org", subject: "Re: We have received your email \(reference)",
                inReplyTo: String(receiptID), body: "INVENTED: one more detail."))
        let second = try await ws.pals(["intake", "poll"], environment: environment)
        #expect(second.status == 0, "\(second)")
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("correspondence-received"), "\(show)")
        #expect(try await ws.pals(["intake", "list", "--json"]).stdout.contains(reference))
        _ = try await ws.pals(["outbox", "flush"], environment: environment)
        #expect(try smtp.messages().filter { $0.rcptTos == ["ada@example.org"] }.count == 1)

        // An officer takes the case on: it leaves the triage list.
        let triage = try await ws.pals(["case", "triage", reference, "--officer", "alex"])
        #expect(triage.status == 0, "\(triage)")
        #expect(try await ws.pals(["intake", "list"]).stdout.contains("No case waits for triage."))
    }

    /// A workspace whose `pals.yaml` reads the given Dovecot's team mailbox.
    static func workspace(reading server: DovecotTestServer) async throws -> TestWorkspace {
        let ws = try await TestWorkspace()
        let passwordFile = ws.folder.appending("imap-password")
        try "\(server.password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile.path, 0o600)
        let yaml = URL(filePath: ws.workspace).appending(path: "pals.yaml")
        let handle = try FileHandle(forWritingTo: yaml)
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                """

                intake:
                  mailbox:
                    url: \(server.url())
                    username: \(server.username)
                    passwordFile: \(passwordFile.path)

                """.utf8))
        try handle.close()
        return ws
    }

    @Test("pals case triage --kind concern makes the mailbox case a PALS concern; an unknown kind changes nothing")
    func triageAsConcern() async throws {
        let server = try await DovecotTestServer.start()
        let ws = try await Self.workspace(reading: server)
        let smtp = try await SMTPTestServer()
        defer {
            Task {
                await server.stop()
                await smtp.stop()
                ws.folder.remove()
            }
        }
        let environment = ["PALS_SMTP_URL": smtp.url()]
        _ = try server.deliver(Self.mail(id: "concern-1@example.org", subject: "INVENTED: parking worry"))
        let poll = try await ws.pals(["intake", "poll"], environment: environment)
        #expect(poll.status == 0, "\(poll)")
        let list = try await ws.pals(["intake", "list", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        let reference = try #require(entries.first?["reference"] as? String, "\(list)")

        let wrong = try await ws.pals(["case", "triage", reference, "--officer", "alex", "--kind", "grumble"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--kind"), "\(wrong)")
        #expect(try await ws.pals(["intake", "list", "--json"]).stdout.contains(reference))

        let triage = try await ws.pals(["case", "triage", reference, "--officer", "alex", "--kind", "concern"])
        #expect(triage.status == 0, "\(triage)")
        #expect(triage.stdout.contains("as a PALS concern"), "\(triage)")
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("PALS concern"), "\(show)")
        #expect(show.stdout.contains("triaged as a concern: officer alex"), "\(show)")
        #expect(try await ws.pals(["intake", "list"]).stdout.contains("No case waits for triage."))
    }
}
