import Foundation
import PalsTestKit
import Testing

@Suite("pals letter, outbox and archive, run as a real binary", .serialized)
struct OutboxCommandTests {
    func jsonList(_ result: ProcessResult) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result)")
    }

    @Test("preview --format eml is byte for byte the queued message, bar Date and Message-ID")
    func previewIsWhatIsSent() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let inputs = ["--set", "reason=We are waiting for a statement.", "--set", "newDate=2027-01-20"]
        let preview = try await ws.pals(["preview", "holding", reference, "--format", "eml"] + inputs)
        #expect(preview.status == 0, "\(preview)")
        let queued = try await ws.pals(["letter", "holding", reference] + inputs)
        #expect(queued.status == 0, "\(queued)")
        #expect(
            queued.stdout.contains(reference) && !queued.stdout.contains("eira.example"),
            "the reference, not the address")
        let twice = try await ws.pals(["letter", "holding", reference] + inputs)
        #expect(twice.stdout.contains("Already queued"))
        let items = try jsonList(try await ws.pals(["outbox", "list", "--json"]))
        #expect(items.count == 1)
        for key in ["id", "state", "case", "kind", "to", "attempts", "nextAttempt", "lastReply"] {
            #expect(items[0].keys.contains(key), "outbox list --json lacks \(key)")
        }
        let id = try #require(items.first?["id"] as? String)
        let eml = try await ws.pals(["outbox", "show", id, "--eml"])
        func stripped(_ text: String) -> [Substring] {
            text.split(separator: "\r\n", omittingEmptySubsequences: false).filter {
                !$0.hasPrefix("Date:") && !$0.hasPrefix("Message-ID:")
            }
        }
        #expect(stripped(preview.stdout) == stripped(eml.stdout))
        #expect(preview.stdout.contains("Subject: Your complaint \(reference)"))
    }

    @Test("flush delivers through the file transport into the archive; list, show and export find it")
    func flushAndArchive() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
        let flush = try await ws.pals(["outbox", "flush"])
        #expect(flush.status == 0, "\(flush)")
        #expect(flush.stdout.contains("delivered 1"))
        let archived = try jsonList(try await ws.pals(["archive", "list", "--case", reference, "--json"]))
        #expect(archived.count == 1)
        for key in ["id", "case", "kind", "to", "subject", "sentAt"] {
            #expect(archived[0].keys.contains(key), "archive list --json lacks \(key)")
        }
        let id = try #require(archived.first?["id"] as? String)
        #expect(try await ws.pals(["archive", "show", id]).stdout.contains("Subject: Your complaint \(reference)"))
        let export = ws.folder.appending("sar")
        let exported = try await ws.pals(["archive", "export", reference, "--to", export.path])
        #expect(exported.status == 0, "\(exported)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: export.path).contains { $0.hasSuffix(".eml") })
        let sentFolder = URL(filePath: ws.workspace).appending(path: "Outbox/sent/cur")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sentFolder.path).count == 1)
        let purge = try await ws.pals(["archive", "purge", "--closed-before", "2026-01-01"])
        #expect(purge.status != 0, "a date within the retention period is refused")
        #expect(purge.stderr.contains("retention"))
        let dry = try await ws.pals(["archive", "purge", "--closed-before", "2026-11-26", "--force", "--dry-run"])
        #expect(dry.stdout.contains("Would purge 0 message(s) of 0 closed case(s)"), "\(dry)")

        // Everything holding personal data is private to its owner: files 0600, folders 0700.
        let root = URL(filePath: ws.workspace)
        let walker = try #require(FileManager.default.enumerator(atPath: root.path))
        var checked = 0
        for case let path as String in walker where !path.hasPrefix("Templates") {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appending(path: path).path)
            let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o777
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isFolder ? 0o700 : 0o600), "\(path) has mode \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(checked > 20)
    }

    @Test("retry, hold, release and cancel do what they say and refuse what they should")
    func operatorActions() async throws {
        try await withSMTPServer(["--rcpt-reply", "eira.example@example.org=550 5.1.1 no such user"]) { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let reference = try await ws.logExample()
            #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
            let id = try #require(
                try jsonList(try await ws.pals(["outbox", "list", "--json"])).first?["id"] as? String)
            #expect(try await ws.pals(["outbox", "release", id]).status != 0, "a queued message cannot be released")
            #expect(try await ws.pals(["outbox", "hold", id]).status == 0)
            #expect(try await ws.pals(["outbox", "retry", id]).status == 0)
            let flush = try await ws.pals(["outbox", "flush"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(flush.stdout.contains("failed 1"), "\(flush)")
            let failed = try jsonList(try await ws.pals(["outbox", "list", "--state", "failed", "--json"]))
            #expect(failed.first?["id"] as? String == id)
            #expect((failed.first?["lastReply"] as? String)?.contains("550") == true)
            let show = try await ws.pals(["case", "show", reference])
            #expect(show.stdout.contains("Needs attention"), "a failed letter flags its case")
            let alerts = try jsonList(try await ws.pals(["archive", "list", "--json"]))
            #expect(
                alerts.contains {
                    $0["kind"] as? String == "alert" && $0["to"] as? String == "alex.example@example.org"
                },
                "the officer is alerted: \(alerts)")
            #expect(try await ws.pals(["outbox", "cancel", id]).status == 0)
            #expect(try await ws.pals(["case", "update", reference, "--clear-attention"]).status == 0)
            #expect(!(try await ws.pals(["case", "show", reference]).stdout.contains("Needs attention")))
            #expect(
                try await ws.pals(["outbox", "cancel", id]).status != 0, "a cancelled message cannot be cancelled again"
            )
            #expect(try await ws.pals(["outbox", "show", "20991231T000000000Z-000000000000"]).status != 0)
        }
    }

    @Test("pals smtp check reports the server's extensions and needs an SMTP transport")
    func smtpCheck() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let fileTransport = try await ws.pals(["smtp", "check"])
            #expect(fileTransport.status != 0)
            #expect(fileTransport.stderr.contains("mail.transport is 'file'"))
            let check = try await ws.pals(["smtp", "check"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout.contains("SMTPUTF8"))
            #expect(check.stdout.contains("Authentication  not configured"))
            #expect(server.receivedMessageIDs().isEmpty, "a check sends no mail")
        }
    }

    @Test("pals smtp check shows a server's control characters and escape sequences escaped, never raw")
    func smtpCheckEscapesServerText() async throws {
        try await withSMTPServer(["--hostname", "mail\u{1B}[2J\u{1B}]0;owned\u{07}.invalid"]) { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let check = try await ws.pals(["smtp", "check"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(check.status == 0, "\(check)")
            #expect(!check.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(check.stdout)")
            #expect(check.stdout.contains("mail\\u{1B}[2J"), "\(check.stdout)")
        }
    }
}
