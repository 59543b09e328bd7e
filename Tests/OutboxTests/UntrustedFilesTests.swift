import Foundation
import Mail
import Outbox
import Primitives
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// DESIGN invariant 12: nothing in the outbox is trusted as a path. A link planted in a queue folder is never
/// followed (its target is neither sent, printed, copied nor deleted), only regular files are read, and a stored
/// path never leads outside the outbox.
@Suite("The outbox trusts none of its files: links, devices and stored paths are refused")
struct UntrustedFilesTests {
    /// A file outside the outbox standing for /etc/passwd: what an attacker wants sent, shown or deleted.
    func secret(in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("secret-\(UUID().uuidString.prefix(6))")
        try Data("root:x:0:0:secret\n".utf8).write(to: url)
        return url
    }

    func expectCode(
        _ code: OutboxError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) -> OutboxError? {
        do {
            try body()
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch let error as OutboxError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("a symlink planted in queued/ is not sent: it is held with the reason and its target is untouched")
    func symlinkInQueued() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let target = try secret(in: folder)
            let before = try Data(contentsOf: target)
            // A real message beside it still goes.
            let real = try outbox.queue(message: try testMessage(), key: "real").item
            // The attacker's message: a link to the secret, with a sidecar copied from the real one.
            let planted = "20260101T100000000Z-00000000beef"
            let queued = outbox.folder.appendingPathComponent("queued")
            let sidecar = try String(contentsOf: queued.appendingPathComponent("\(real.id).json"), encoding: .utf8)
                .replacingOccurrences(of: real.id, with: planted)
            try Data(sidecar.utf8).write(to: queued.appendingPathComponent("\(planted).json"))
            try FileManager.default.createSymbolicLink(
                atPath: queued.appendingPathComponent("\(planted).eml").path, withDestinationPath: target.path)
            let transport = InMemoryTransport()
            let events = EventLog()
            let sender = try OutboxSender(outbox: outbox, transport: transport, observer: events.observer)
            let report = await sender.drain()

            let sent = await transport.deliveries
            #expect(sent.count == 1, "only the real message reaches the transport")
            #expect(sent.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("root:x:0:0") })
            #expect(report.delivered == 1 && report.held == 1, "\(report)")
            #expect(try outbox.show(real.id).state == .sent)
            let held = try outbox.show(planted)
            #expect(held.state == .hold)
            #expect(held.reason?.contains("symbolic link") == true, "\(held.reason ?? "")")
            #expect(held.reason?.contains("not sent") == true)
            #expect(events.all.contains { $0.id == planted && $0.kind == .held })
            #expect(try Data(contentsOf: target) == before, "the link's target is untouched")
            // Showing the held link's bytes refuses too.
            _ = expectCode(.unsafeFile) { _ = try outbox.data(of: planted) }
            // Another pass sends nothing more.
            await sender.drain()
            #expect(await transport.deliveries.count == 1)
        }
    }

    @Test("a symlinked sidecar, a FIFO and a sidecar naming another id in queued/ are held, never sent")
    func otherBadQueueFiles() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let queued = outbox.folder.appendingPathComponent("queued").path
            let target = try secret(in: folder)
            // 1. A real message whose sidecar is replaced by a link.
            let linked = try outbox.queue(message: try testMessage(), key: "linked").item
            try FileManager.default.removeItem(atPath: queued + "/\(linked.id).json")
            try FileManager.default.createSymbolicLink(
                atPath: queued + "/\(linked.id).json", withDestinationPath: target.path)
            // 2. A FIFO where a message should be (reading it would block a sender for ever).
            let fifo = "20260101T100000000Z-00000000f1f0"
            #expect(mkfifo(queued + "/\(fifo).eml", 0o600) == 0)
            // 3. A sidecar whose id would lead elsewhere.
            let renamed = try outbox.queue(message: try testMessage(), key: "renamed").item
            let sidecar = queued + "/\(renamed.id).json"
            let text = try String(contentsOfFile: sidecar, encoding: .utf8)
                .replacingOccurrences(of: "\"id\" : \"\(renamed.id)\"", with: "\"id\" : \"../../escaped\"")
            try Data(text.utf8).write(to: URL(fileURLWithPath: sidecar))

            let transport = InMemoryTransport()
            let report = await (try OutboxSender(outbox: outbox, transport: transport)).drain()
            #expect(await transport.deliveries.isEmpty, "nothing is sent")
            #expect(report.held == 3, "\(report)")
            for id in [linked.id, fifo, renamed.id] {
                #expect(try outbox.show(id).state == .hold, "\(id)")
            }
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("escaped.json").path))
            #expect(!FileManager.default.fileExists(atPath: outbox.folder.appendingPathComponent("escaped.json").path))
        }
    }

    @Test("a symlinked .eml in sent/ is neither printed by show nor copied by export")
    func symlinkInSent() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let item = try outbox.queue(message: try testMessage(), key: "k", labels: ["case": "C1"]).item
            await (try OutboxSender(outbox: outbox, transport: .inMemory)).drain()
            let file = try #require(try outbox.archive.show(item.id).file)
            let target = try secret(in: folder)
            try FileManager.default.removeItem(at: file)
            try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: target.path)

            let shown = expectCode(.unsafeFile) { _ = try outbox.data(of: item.id) }
            #expect(shown?.reason.contains("symbolic link") == true)
            let exportFolder = folder.appendingPathComponent("sar")
            _ = expectCode(.unsafeFile) {
                _ = try outbox.archive.export(labels: ["case": "C1"], to: exportFolder)
            }
            let copied = (try? FileManager.default.contentsOfDirectory(atPath: exportFolder.path)) ?? []
            for name in copied {
                let data = try Data(contentsOf: exportFolder.appendingPathComponent(name))
                #expect(!String(decoding: data, as: UTF8.self).contains("root:x:0:0"), "\(name) holds the target")
            }
            #expect(FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test("archiveFile \"../../x\" in a sidecar is refused by show, and purge deletes nothing outside the outbox")
    func archiveFileOutside() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let item = try outbox.queue(message: try testMessage(), key: "k", labels: ["case": "CLOSED-1"]).item
            await (try OutboxSender(outbox: outbox, transport: .inMemory)).drain()
            let sent = try outbox.archive.show(item.id)
            let victim = folder.appendingPathComponent("x")
            try Data("not the outbox's\n".utf8).write(to: victim)
            // The sidecar now names ../../x (relative to sent/), i.e. the victim beside the outbox; the real
            // Maildir file is gone, as if moved by the attacker.
            try FileManager.default.removeItem(at: try #require(sent.file))
            let sidecar = outbox.folder.appendingPathComponent("sent/meta/\(item.id).json")
            let text = try String(contentsOf: sidecar, encoding: .utf8)
                .replacingOccurrences(of: sent.archiveFile ?? "-", with: "../../x")
            #expect(text.contains("\"archiveFile\" : \"../../x\""))
            try Data(text.utf8).write(to: sidecar)

            let refused = expectCode(.unsafeFile) { _ = try outbox.archive.show(item.id) }
            #expect(refused?.reason.contains("../../x") == true, "\(String(describing: refused))")
            _ = expectCode(.unsafeFile) { _ = try outbox.data(of: item.id) }
            let report = try outbox.archive.purge(where: { _ in true }, dryRun: false)
            #expect(report.ids.isEmpty)
            #expect(try Data(contentsOf: victim) == Data("not the outbox's\n".utf8), "the file outside is untouched")
        }
    }

    @Test("a symlinked folder (hold -> elsewhere) stops the outbox: refused at open and by a running sender")
    func symlinkedFolder() async throws {
        try await withTemporaryFolder { folder in
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: outboxFolder, clock: TestClock().outboxClock)
            let item = try outbox.queue(message: try testMessage(), key: "k").item
            let transport = InMemoryTransport { _, _ in .uncertain(reason: "no reply to the final dot") }
            let sender = try OutboxSender(outbox: outbox, transport: transport)
            let elsewhere = folder.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
            let hold = outboxFolder.appendingPathComponent("hold")
            try FileManager.default.removeItem(at: hold)
            try FileManager.default.createSymbolicLink(atPath: hold.path, withDestinationPath: elsewhere.path)

            let opened = expectCode(.unsafeFile) { _ = try Outbox(folder: outboxFolder, clock: .system) }
            #expect(opened?.path == hold.path)
            // A sender that was already running refuses to send, and says so.
            let report = await sender.drain()
            #expect(report.total == 0)
            #expect(report.problems.first?.error.code == .unsafeFile, "\(report)")
            #expect(await transport.deliveries.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
            #expect(try outbox.show(item.id).state == .queued)
        }
    }

    @Test("a symlinked owner folder in active/ is never recovered: the folder it points to is untouched")
    func symlinkInActive() async throws {
        try await withTemporaryFolder { folder in
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: outboxFolder, clock: TestClock().outboxClock)
            let elsewhere = folder.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
            let victim = "20260101T100000000Z-0000000000aa"
            for name in ["\(victim).eml", "\(victim).json", "notes.txt"] {
                try Data("keep me\n".utf8).write(to: elsewhere.appendingPathComponent(name))
            }
            try FileManager.default.createSymbolicLink(
                atPath: outboxFolder.appendingPathComponent("active/p1-dead").path,
                withDestinationPath: elsewhere.path)
            let sender = try OutboxSender(outbox: outbox, transport: .inMemory)
            let events = await sender.recover()
            #expect(events.isEmpty)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).sorted()
                    == ["\(victim).eml", "\(victim).json", "notes.txt"])
            #expect(outbox.counts()[.hold] == 0)
        }
    }
}
