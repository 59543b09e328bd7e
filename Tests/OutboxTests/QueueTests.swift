import Foundation
import Mail
import Outbox
import Primitives
import Testing

@Suite("Queueing: layout, idempotency, permissions")
struct QueueTests {
    @Test("a queued message is a complete .eml with a JSON sidecar in queued/")
    func queuedMessageOnDisk() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: clock.outboxClock)
            let message = try testMessage(messageID: "ack1")
            let result = try outbox.queue(
                message: message, key: "ack/PALS-2026-0042", labels: ["case": "PALS-2026-0042", "kind": "ack"])
            #expect(result.isNew)
            let item = result.item
            #expect(item.state == .queued)
            #expect(item.labels == ["case": "PALS-2026-0042", "kind": "ack"])
            #expect(item.sender == "pals@trust.example")
            #expect(item.recipient == "patient@example.org")
            #expect(item.messageID == "<ack1@trust.example>")
            #expect(item.created == clock.now)
            let queued = folder.appendingPathComponent("Outbox/queued")
            let eml = try Data(contentsOf: queued.appendingPathComponent("\(item.id).eml"))
            #expect(eml == message.data)
            let json =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: queued.appendingPathComponent("\(item.id).json"))) as? [String: Any]
            #expect(json?["key"] as? String == "ack/PALS-2026-0042")
            #expect(json?["state"] as? String == "queued")
            #expect(try outbox.show(item.id).file?.path == queued.appendingPathComponent("\(item.id).eml").path)
        }
    }

    @Test("ids sort by queueing time and are safe file names")
    func idsSortByTime() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            var ids: [String] = []
            for index in 0..<20 {
                ids.append(try outbox.queue(message: try testMessage(), key: "k\(index)").item.id)
                clock.advance(by: 0.002)
            }
            #expect(ids == ids.sorted())
            #expect(Set(ids).count == 20)
            #expect(ids[0].hasPrefix("20260101T100000000Z-"))
            #expect(ids.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
        }
    }

    @Test("queueing a key again returns the existing message and queues nothing, even once it is sent")
    func idempotentQueue() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let first = try outbox.queue(message: try testMessage(), key: "ack/1")
            let again = try outbox.queue(message: try testMessage(), key: "ack/1")
            #expect(!again.isNew)
            #expect(again.item.id == first.item.id)
            #expect(outbox.counts()[.queued] == 1)

            let sender = try OutboxSender(outbox: outbox, transport: .inMemory)
            await sender.drain()
            let afterSend = try outbox.queue(message: try testMessage(), key: "ack/1")
            #expect(!afterSend.isNew)
            #expect(afterSend.item.state == .sent)
            #expect(outbox.counts()[.queued] == 0)
            #expect(try outbox.item(forKey: "ack/1")?.id == first.item.id)
        }
    }

    @Test("a key claimed by a process that died before publishing is completed by the next caller")
    func deadClaimerCompleted() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let first = try outbox.queue(message: try testMessage(), key: "ack/2").item
            // Put the message back as it was between claiming the key and publishing it.
            let fm = FileManager.default
            for suffix in [".eml", ".json"] {
                try fm.moveItem(
                    at: folder.appendingPathComponent("queued/\(first.id)\(suffix)"),
                    to: folder.appendingPathComponent("incoming/\(first.id)\(suffix)"))
            }
            #expect(outbox.counts()[.queued] == 0)
            let again = try outbox.queue(message: try testMessage(), key: "ack/2")
            #expect(!again.isNew)
            #expect(again.item.id == first.id)
            #expect(again.item.state == .queued)
            #expect(outbox.counts()[.queued] == 1)
            #expect(try fm.contentsOfDirectory(atPath: folder.appendingPathComponent("incoming").path).isEmpty)
        }
    }

    @Test("many tasks and a second process queueing the same keys at once queue one message per key")
    func concurrentQueueing() async throws {
        let count = 150
        try await withTemporaryFolder { folder in
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: outboxFolder, clock: .system)
            let executable = try stressExecutable()
            async let other = run(executable, ["queue", outboxFolder.path, "\(count)"])
            let ids = try await withThrowingTaskGroup(of: [String: String].self) { group in
                for task in 0..<6 {
                    group.addTask {
                        var mine: [String: String] = [:]
                        let order = task % 2 == 0 ? Array(0..<count) : Array((0..<count).reversed())
                        for index in order {
                            let result = try outbox.queue(
                                message: try testMessage(messageID: "t\(task)-\(index)"), key: "stress-\(index)")
                            mine["stress-\(index)"] = result.item.id
                        }
                        return mine
                    }
                }
                var byKey: [String: Set<String>] = [:]
                for try await mine in group {
                    for (key, id) in mine { byKey[key, default: []].insert(id) }
                }
                return byKey
            }
            let (status, output) = try await other
            #expect(status == 0, "OutboxStress queue failed: \(output)")
            #expect(ids.count == count)
            #expect(ids.values.allSatisfy { $0.count == 1 }, "a key got two messages")
            let queued = try outbox.list(state: .queued)
            #expect(queued.count == count)
            #expect(Set(queued.map(\.key)).count == count)
            for item in queued { #expect(ids[item.key] == [item.id]) }
            let leftovers = try FileManager.default.contentsOfDirectory(
                atPath: outboxFolder.appendingPathComponent("incoming").path)
            #expect(leftovers.isEmpty, "staged files left behind: \(leftovers.prefix(5))")
        }
    }

    @Test("outbox folders are 0700 and its files 0600")
    func permissions() async throws {
        try await withTemporaryFolder { folder in
            let root = folder.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: root, clock: TestClock().outboxClock)
            try outbox.queue(message: try testMessage(to: "a@example.org"), key: "a")
            try outbox.queue(message: try testMessage(to: "b@example.org"), key: "b")
            let sender = try OutboxSender(
                outbox: outbox,
                transport: .inMemory(answers: ["b@example.org": [.temporaryFailure(code: 451, reply: "451 later")]]))
            await sender.drain()
            #expect(outbox.counts()[.sent] == 1)
            #expect(outbox.counts()[.deferred] == 1)
            let enumerator = FileManager.default.enumerator(atPath: root.path)!
            var checked = 0
            #expect(mode(root.path) == 0o700)
            while let relative = enumerator.nextObject() as? String {
                let path = root.appendingPathComponent(relative).path
                var isFolder: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
                #expect(mode(path) == (isFolder.boolValue ? 0o700 : 0o600), "\(relative)")
                checked += 1
            }
            #expect(checked > 18)
        }
    }

    @Test("keys must be 1 to 200 bytes", arguments: ["", String(repeating: "k", count: 201)])
    func invalidKeys(key: String) async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            #expect(throws: OutboxError.self) { try outbox.queue(message: try testMessage(), key: key) }
            do {
                try outbox.queue(message: try testMessage(), key: key)
            } catch OutboxError.Code.invalidKey {
            } catch {
                Issue.record("expected invalidKey, got \(error)")
            }
        }
    }

    @Test("keys with slashes, dots and non-ASCII are distinct file names")
    func keyEncoding() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let keys = ["a/b", "a%2Fb", ".hidden", "..", "café", "a b"]
            let ids = try keys.map { try outbox.queue(message: try testMessage(), key: $0).item.id }
            #expect(Set(ids).count == keys.count)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("keys").path)
            #expect(names.count == keys.count)
            #expect(names.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") })
        }
    }
}
