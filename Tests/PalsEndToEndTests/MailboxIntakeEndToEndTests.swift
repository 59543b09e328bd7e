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
        // With --all, the two automatic messages are listed by what they were, never by who sent them.
        let all = try await ws.pals(["intake", "list", "--all"])
        #expect(all.status == 0, "\(all)")
        #expect(all.stdout.contains(reference), "\(all)")
        #expect(all.stdout.contains("automatic mail, not answered: Auto-Submitted: auto-replied"), "\(all)")
        #expect(all.stdout.contains("automatic mail, not answered: Precedence: list"), "\(all)")
        #expect(!all.stdout.contains("bo@example.org") && !all.stdout.contains("forum@"), "\(all)")
        #expect(!(try await ws.pals(["intake", "list"]).stdout.contains("automatic")))

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
        #expect(
            try await ws.pals(["intake", "list", "--all"]).stdout.contains("correspondence added to case \(reference)"))

        // An officer takes the case on: it leaves the triage list.
        let triage = try await ws.pals(["case", "triage", reference, "--officer", "alex"])
        #expect(triage.status == 0, "\(triage)")
        #expect(try await ws.pals(["intake", "list"]).stdout.contains("No case waits for triage."))
    }

    /// A workspace whose `pals.yaml` reads the given Dovecot's team mailbox.
    static func workspace(reading server: DovecotTestServer, extra: String = "") async throws -> TestWorkspace {
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
                \(extra)

                """.utf8))
        try handle.close()
        return ws
    }

    @Test("an email over intake.mailbox.maximumMessageMiB becomes a triage case that says where the whole email is")
    func oversizeBecomesCase() async throws {
        let server = try await DovecotTestServer.start()
        let ws = try await Self.workspace(reading: server, extra: "    maximumMessageMiB: 1")
        defer {
            Task {
                await server.stop()
                ws.folder.remove()
            }
        }
        let attachment = Data(repeating: 0x42, count: 1_600_000).base64EncodedString(
            options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let body = """
            This is a multi-part message.\r
            --b1\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            INVENTED: the video shows the ward at night.\r
            --b1\r
            Content-Type: video/mp4; name="ward.mp4"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(attachment)\r
            --b1--
            """
        _ = try server.deliver(
            Self.mail(
                id: "big-1@example.org", subject: "INVENTED: the night ward",
                headers: ["MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b1\""], body: body))
        _ = try server.deliver(Self.mail(id: "small-1@example.org", subject: "INVENTED: parking"))
        let poll = try await ws.pals(["intake", "poll"])
        #expect(poll.status == 0, "\(poll)")
        #expect(poll.stdout.contains("Taken 2"), "\(poll)")
        #expect(poll.stdout.contains("1 over intake.mailbox.maximumMessageMiB"), "\(poll)")
        let list = try await ws.pals(["intake", "list", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.count == 2, "\(list)")
        let big = try #require(entries.first { ($0["summary"] as? String)?.contains("night ward") == true })
        let show = try await ws.pals(["case", "show", try #require(big["reference"] as? String)])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains("only its header was taken"), "\(show)")
        #expect(server.files(in: "INBOX").count == 2, "the whole emails stay in the mailbox")
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

    /// A delivery-status report (RFC 3464, as Postfix writes one) returning the message `returnedID` to `recipient`.
    static func bounce(returning returnedID: String, to recipient: String, subject: String) -> Data {
        let boundary = "4R0aB12cD3z9tQ.1732522522/mx.example.org"
        let text = """
            Return-Path: <>\r
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r
            To: pals@example.org\r
            Subject: Undelivered Mail Returned to Sender\r
            Date: Wed, 25 Nov 2026 09:15:22 +0000\r
            Message-ID: <20261125091522.4R0aB12cD3z9tQ@mx.example.org>\r
            Auto-Submitted: auto-replied\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status;\r
            \tboundary="\(boundary)"\r
            \r
            This is a MIME-encapsulated message.\r
            \r
            --\(boundary)\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Your message could not be delivered to one or more recipients.\r
            \r
            --\(boundary)\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.org\r
            \r
            Final-Recipient: rfc822; \(recipient)\r
            Action: failed\r
            Status: 5.1.1\r
            Diagnostic-Code: smtp; 550 5.1.1 <\(recipient)>: Recipient address rejected: User unknown\r
            \r
            --\(boundary)\r
            Content-Type: text/rfc822-headers\r
            \r
            From: pals@example.org\r
            To: \(recipient)\r
            Subject: \(subject)\r
            Message-ID: \(returnedID)\r
            \r
            --\(boundary)--\r

            """
        return Data(text.utf8)
    }

    /// Runs `pals daemon` (fast passes, real clock) until `condition` holds, then stops it with SIGTERM.
    static func runDaemon(
        _ ws: TestWorkspace, environment: [String: String], until condition: () async throws -> Bool
    ) async throws -> Bool {
        let process = Process()
        process.executableURL = ProcessRunner.palsBinary
        process.arguments = ["daemon", "--workspace", ws.workspace, "--interval", "0.2"]
        var merged = ProcessInfo.processInfo.environment
        for key in ["PALS_WORKSPACE", "PALS_NOW"] { merged.removeValue(forKey: key) }
        merged.merge(environment) { _, new in new }
        process.environment = merged
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let held = try await eventually(within: 60) { try await condition() }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        await process.waitUntilExitOffPool()
        return held
    }

    @Test(
        "a bounce of our acknowledgement flags the case, tells the officer, and gets no receipt"
    )
    func bounceOfAcknowledgement() async throws {
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
        _ = try server.deliver(Self.mail(id: "complaint-2@example.org", subject: "INVENTED: lost referral"))
        #expect(try await ws.pals(["intake", "poll"], environment: environment).status == 0)
        let list = try await ws.pals(["intake", "list", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        let reference = try #require(entries.first?["reference"] as? String, "\(list)")
        #expect(try await ws.pals(["case", "triage", reference, "--officer", "alex"]).status == 0)

        // The daemon sends the receipt and, the case being triaged, the statutory acknowledgement.
        func acknowledgement() throws -> String? {
            try smtp.messages().map { String(decoding: $0.data, as: UTF8.self) }
                .first { $0.contains("Subject: Your complaint \(reference)") }
        }
        let sent = try await Self.runDaemon(ws, environment: environment) { try acknowledgement() != nil }
        #expect(sent, "the acknowledgement reached the SMTP server")
        let ack = try #require(try acknowledgement())
        let ackID = try #require(
            ack.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: ") }?.dropFirst("Message-ID: ".count))
        let before = try smtp.messages().count

        _ = try server.deliver(
            Self.bounce(returning: String(ackID), to: "ada@example.org", subject: "Your complaint \(reference)"))
        let poll = try await ws.pals(["intake", "poll"], environment: environment)
        #expect(poll.status == 0, "\(poll)")
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("letter-bounced"), "\(show)")
        #expect(show.stdout.contains("bounced: 550 5.1.1"), "\(show)")
        #expect(!show.stdout.contains("ada@example.org>: Recipient"), "the reason names no address: \(show)")

        let flush = try await ws.pals(["outbox", "flush"], environment: environment)
        #expect(flush.status == 0, "\(flush)")
        let after = try smtp.messages().dropFirst(before)
        #expect(after.count == 1, "only the officer's alert: \(after.map(\.rcptTos))")
        let alert = try #require(after.first)
        #expect(alert.rcptTos == ["alex.example@example.org"])
        #expect(String(decoding: alert.data, as: UTF8.self).contains("Subject: Message bounced: \(reference)"))
        #expect(try smtp.messages().allSatisfy { !$0.rcptTos.contains { $0.lowercased().contains("mailer-daemon") } })
        // A second poll takes the bounce no second time.
        #expect(try await ws.pals(["intake", "poll"], environment: environment).status == 0)
        let again = try await ws.pals(["case", "show", reference])
        #expect(again.stdout.components(separatedBy: "letter-bounced").count == 2, "\(again)")
        let all = try await ws.pals(["intake", "list", "--all", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any] ?? [:]
        let recent = object["recent"] as? [[String: Any]] ?? []
        #expect(recent.count == 1, "\(all)")
        #expect(recent.first?["kind"] as? String == "bounced")
        #expect(recent.first?["reference"] as? String == reference)
        #expect((object["untriaged"] as? [Any])?.isEmpty == true, "\(all)")
    }
}
