import Foundation
import Mail
import Outbox
import Testing

@Suite("The sent archive: Maildir, list, show, export, purge")
struct ArchiveTests {
    @Test("a message in sent/cur is read by Python's mailbox.Maildir and email as the same message, seen")
    func maildirReadable() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let message = try testMessage(messageID: "maildir1", subject: "Your complaint PALS-2026-0042")
            try outbox.queue(message: message, key: "k")
            await (try OutboxSender(outbox: outbox, transport: .inMemory)).drain()
            let script = """
                import email, json, mailbox, sys
                from email import policy
                box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
                out = []
                for key in box.keys():
                    seen = box.get_message(key)
                    with box.get_file(key) as f:
                        full = email.message_from_binary_file(f, policy=policy.default)
                    out.append({"flags": seen.get_flags(), "subdir": seen.get_subdir(),
                                "id": full["Message-ID"], "subject": full["Subject"],
                                "body": full.get_body(("plain",)).get_content()})
                print(json.dumps(out))
                """
            let (status, output) = try await run(
                URL(fileURLWithPath: "/usr/bin/python3"),
                ["-c", script, folder.appendingPathComponent("Outbox/sent").path])
            #expect(status == 0)
            let parsed = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: String]]
            let first = try #require(parsed?.first)
            #expect(parsed?.count == 1)
            #expect(first["flags"] == "S")
            #expect(first["subdir"] == "cur")
            #expect(first["id"] == "<maildir1@trust.example>")
            #expect(first["subject"] == "Your complaint PALS-2026-0042")
            #expect(
                first["body"]?.replacingOccurrences(of: "\r\n", with: "\n")
                    == "Dear Ms Example,\nThank you for your message.\n")
        }
    }

    @Test("archive list filters by labels and time; show refuses unsent messages")
    func listAndShow() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            let sender = try OutboxSender(
                outbox: outbox,
                transport: .inMemory(answers: ["bad@example.org": [.permanentFailure(code: 550, reply: "550 no")]]))
            let a = try outbox.queue(message: try testMessage(), key: "a", labels: ["case": "C1", "kind": "ack"]).item
            await sender.drain()
            clock.advance(by: 3600)
            let midpoint = clock.now
            let b = try outbox.queue(message: try testMessage(), key: "b", labels: ["case": "C1", "kind": "holding"])
                .item
            let c = try outbox.queue(message: try testMessage(), key: "c", labels: ["case": "C2", "kind": "ack"]).item
            let bad = try outbox.queue(
                message: try testMessage(to: "bad@example.org"), key: "d", labels: ["case": "C1"]
            ).item
            await sender.drain()
            #expect(try outbox.archive.list().map(\.id) == [a.id, b.id, c.id])
            #expect(try outbox.archive.list(labels: ["case": "C1"]).map(\.id) == [a.id, b.id])
            #expect(try outbox.archive.list(labels: ["case": "C1"], since: midpoint).map(\.id) == [b.id])
            #expect(try outbox.archive.show(c.id).labels == ["case": "C2", "kind": "ack"])
            do {
                _ = try outbox.archive.show(bad.id)
                Issue.record("a failed message was shown as archived")
            } catch OutboxError.Code.notFound {
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("export copies every message of a case with its metadata, 0600 in a 0700 folder")
    func export() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let sender = try OutboxSender(
                outbox: outbox,
                transport: .inMemory(answers: ["bad@example.org": [.permanentFailure(code: 550, reply: "550 no")]]))
            let a = try outbox.queue(message: try testMessage(), key: "a", labels: ["case": "C1"]).item
            try outbox.queue(message: try testMessage(), key: "b", labels: ["case": "C2"])
            let failed = try outbox.queue(
                message: try testMessage(to: "bad@example.org"), key: "c", labels: ["case": "C1"]
            ).item
            await sender.drain()
            let target = folder.appendingPathComponent("sar/PALS-C1")
            let report = try outbox.archive.export(labels: ["case": "C1"], to: target)
            #expect(report.ids == [a.id, failed.id])
            let names = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
            #expect(names == ["\(a.id).eml", "\(a.id).json", "\(failed.id).eml", "\(failed.id).json"])
            #expect(mode(target.path) == 0o700)
            #expect(names.allSatisfy { mode(target.appendingPathComponent($0).path) == 0o600 })
            #expect(try Data(contentsOf: target.appendingPathComponent("\(a.id).eml")) == outbox.data(of: a.id))
            let sentOnly = try outbox.archive.export(
                labels: ["case": "C1"], to: folder.appendingPathComponent("sar2"), includeUnsent: false)
            #expect(sentOnly.ids == [a.id])
            #expect(throws: OutboxError.self) { try outbox.archive.export(labels: [:], to: target) }
        }
    }

    @Test("purge removes finished messages the predicate chooses, with a dry run, and their keys stay used")
    func purge() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            let sender = try OutboxSender(outbox: outbox, transport: .inMemory)
            let old = try outbox.queue(message: try testMessage(), key: "old", labels: ["case": "CLOSED-1"]).item
            let other = try outbox.queue(message: try testMessage(), key: "other", labels: ["case": "OPEN-1"]).item
            await sender.drain()
            let waiting = try outbox.queue(message: try testMessage(), key: "waiting", labels: ["case": "CLOSED-1"])
                .item
            let closed: @Sendable ([String: String]) -> Bool = { $0["case"]?.hasPrefix("CLOSED") == true }

            let dry = try outbox.archive.purge(where: closed, dryRun: true)
            #expect(dry.ids == [old.id])
            #expect(dry.dryRun)
            #expect(try outbox.show(old.id).state == .sent)

            let done = try outbox.archive.purge(where: closed, dryRun: false)
            #expect(done.ids == [old.id])
            #expect(outbox.counts()[.sent] == 1)
            #expect(try outbox.show(other.id).state == .sent)
            #expect(try outbox.show(waiting.id).state == .queued)  // never purged while waiting
            do {
                _ = try outbox.show(old.id)
                Issue.record("a purged message is still shown")
            } catch OutboxError.Code.purged {
            } catch {
                Issue.record("unexpected \(error)")
            }
            do {
                try outbox.queue(message: try testMessage(), key: "old")
                Issue.record("a purged message's key queued a new message")
            } catch OutboxError.Code.purged {
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(outbox.counts()[.queued] == 1)
        }
    }
}
