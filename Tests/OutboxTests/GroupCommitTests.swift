import Foundation
import Mail
import Outbox
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Settling each message as its transaction ends, in group commits: what a kill at each point leaves, and that
/// recovery never resends what the server may have taken (DESIGN invariants 3 and 4).
@Suite("Group commit: settled per message, a kill holds only the message in flight")
struct GroupCommitTests {
    /// Delivers as ``InMemoryTransport`` does; when the `at`-th message (from 1) starts, it copies the outbox
    /// folder: the disk exactly as a SIGKILL at that moment would leave it (the sender waits on this transport).
    final class SnapshotTransport: MailTransport {
        let recorder = InMemoryTransport()
        let outbox: URL
        let snapshot: URL
        let at: Int
        private let started = Mutex(0)

        init(outbox: URL, snapshot: URL, at: Int) {
            self.outbox = outbox
            self.snapshot = snapshot
            self.at = at
        }

        func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
            var results: [DeliveryResult] = []
            for message in batch {
                let number = started.withLock {
                    $0 += 1
                    return $0
                }
                if number == at { try? FileManager.default.copyItem(at: outbox, to: snapshot) }
                results += await recorder.deliver([message])
            }
            return results
        }
    }

    /// Queues `count` messages with keys `m0`, `m1`, … and returns their ids in queue order.
    func queue(_ count: Int, in outbox: Outbox) throws -> [String] {
        try (0..<count).map { index in
            try outbox.queue(message: try testMessage(to: "person\(index)@example.org"), key: "m\(index)").item.id
        }
    }

    /// The names in `folder` (none when it is missing).
    func names(_ folder: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    }

    /// Queues `count` messages and sends them in one batch, copying the outbox as message `at` starts; returns
    /// their ids and the outbox as a kill at that moment left it.
    func killed(at: Int, of count: Int, in folder: URL) async throws -> ([String], Outbox) {
        let live = folder.appendingPathComponent("Outbox")
        let killed = folder.appendingPathComponent("Killed")
        let outbox = try Outbox(folder: live, clock: TestClock().outboxClock)
        let ids = try queue(count, in: outbox)
        let transport = SnapshotTransport(outbox: live, snapshot: killed, at: at)
        let sender = try OutboxSender(outbox: outbox, transport: transport, batchSize: count)
        #expect(await sender.drain().delivered == count)
        return (ids, try Outbox(folder: killed, clock: TestClock().outboxClock))
    }

    @Test("killed while the third of eight is in flight: two sent, the third held, five back in the queue")
    func killMidBatch() async throws {
        try await withTemporaryFolder { folder in
            // The disk as the kill left it, recovered and drained by the next run.
            let (ids, after) = try await killed(at: 3, of: 8, in: folder)
            let recorder = InMemoryTransport()
            let report = try await OutboxSender(outbox: after, transport: recorder, batchSize: 8).drain()
            #expect(report.held == 1, "only the message in flight is held: \(report)")
            #expect(try after.show(ids[2]).state == .hold)
            #expect(try after.show(ids[2]).reason == "interrupted while sending; the server may have accepted it")
            for id in ids[0..<2] { #expect(try after.show(id).state == .sent, "settled before the kill") }
            for id in ids[3...] { #expect(try after.show(id).state == .sent, "never started, so sent by the next run") }
            let resent = await recorder.deliveries.compactMap(\.label)
            #expect(resent == Array(ids[3...]), "neither the settled nor the held message is sent again")
        }
    }

    @Test("killed as the first message starts: it alone is held; a message settled as delivered is never resent")
    func killAtFirstMessage() async throws {
        try await withTemporaryFolder { folder in
            let (ids, after) = try await killed(at: 1, of: 4, in: folder)
            #expect(after.counts()[.active] == 4, "all four were claimed when the kill came")
            let recorder = InMemoryTransport()
            let report = try await OutboxSender(outbox: after, transport: recorder, batchSize: 4).drain()
            #expect(report.held == 1 && report.delivered == 3, "\(report)")
            #expect(try after.show(ids[0]).state == .hold)
            #expect(await recorder.deliveries.compactMap(\.label) == Array(ids[1...]))
        }
    }

    @Test("four lanes in group commits: every message sent once, no marker or old sidecar left behind")
    func lanesLeaveNothingBehind() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let ids = try queue(40, in: outbox)
            let transport = InMemoryTransport()
            let sender = try OutboxSender(outbox: outbox, transport: transport, lanes: 4, batchSize: 5)
            let report = await sender.drain()
            #expect(report.delivered == 40 && report.problems.isEmpty, "\(report)")
            #expect(Set(await transport.deliveries.compactMap(\.label)) == Set(ids))
            #expect(await transport.deliveries.count == 40)
            let waiting = names(folder.appendingPathComponent("queued")).filter { !$0.hasPrefix(".") }
            #expect(waiting.isEmpty, "no sidecar stays in queued/: \(waiting)")
            let active = folder.appendingPathComponent("active")
            for owner in names(active) {
                let left = names(active.appendingPathComponent(owner)).filter { $0 != ".lock" }
                #expect(left.isEmpty, "the sender's folder keeps nothing: \(left)")
            }
        }
    }

    @Test("killed after the renames but before the old files were removed: sent once, counted once, never resent")
    func staleFilesAfterRenames() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let id = try queue(1, in: outbox)[0]
            let queuedSidecar = folder.appendingPathComponent("queued/\(id).json")
            let stale = try Data(contentsOf: queuedSidecar)
            let transport = InMemoryTransport()
            _ = try await OutboxSender(outbox: outbox, transport: transport).drain()

            // What a kill before step 5 can leave: the waiting sidecar, and a dead sender's marker without its .eml.
            try stale.write(to: queuedSidecar)
            let dead = folder.appendingPathComponent("active/p1-dead")
            try FileManager.default.createDirectory(at: dead, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: dead.appendingPathComponent("\(id).sending").path, contents: nil)

            let report = try await OutboxSender(outbox: outbox, transport: transport).drain()
            #expect(report.total == 0, "nothing to recover or send: \(report)")
            #expect(try outbox.show(id).state == .sent)
            #expect(outbox.counts()[.queued] == 0 && outbox.counts()[.sent] == 1)
            #expect(try outbox.list(state: .queued).isEmpty)
            #expect(await transport.deliveries.count == 1, "sent once")
            #expect(!FileManager.default.fileExists(atPath: dead.path), "the dead sender's folder is tidied away")
        }
    }

    @Test("a symlinked .eml and .sending marker in a dead sender's folder are held, never followed or sent")
    func symlinksInDeadSenderFolder() async throws {
        try await withTemporaryFolder { folder in
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: outboxFolder, clock: TestClock().outboxClock)
            let target = folder.appendingPathComponent("secret.txt")
            try Data("not a message\n".utf8).write(to: target)
            let marker = folder.appendingPathComponent("marker-target")
            try Data("keep\n".utf8).write(to: marker)
            let dead = outboxFolder.appendingPathComponent("active/p1-dead")
            try FileManager.default.createDirectory(at: dead, withIntermediateDirectories: true)
            let id = "20260101T100000000Z-0123456789ab"
            try FileManager.default.createSymbolicLink(
                atPath: dead.appendingPathComponent("\(id).eml").path, withDestinationPath: target.path)
            try FileManager.default.createSymbolicLink(
                atPath: dead.appendingPathComponent("\(id).sending").path, withDestinationPath: marker.path)

            let transport = InMemoryTransport()
            let report = try await OutboxSender(outbox: outbox, transport: transport).drain()
            #expect(report.held == 1 && report.delivered == 0, "\(report)")
            #expect(await transport.deliveries.isEmpty, "a planted link is never sent")
            #expect(try String(contentsOf: target, encoding: .utf8) == "not a message\n")
            #expect(try String(contentsOf: marker, encoding: .utf8) == "keep\n", "the marker's target is untouched")
            #expect(try outbox.list(state: .hold).map(\.id) == [id])
        }
    }

    @Test("a symlink planted where the sender writes its marker: that message is not sent, and nothing is lost")
    func symlinkedMarkerInOwnFolder() async throws {
        try await withTemporaryFolder { folder in
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: outboxFolder, clock: TestClock().outboxClock)
            let ids = try queue(2, in: outbox)
            let elsewhere = folder.appendingPathComponent("elsewhere")
            try Data("keep\n".utf8).write(to: elsewhere)
            let transport = InMemoryTransport()
            let sender = try OutboxSender(outbox: outbox, transport: transport, batchSize: 2)
            // The sender's own folder exists from its creation: plant the link where the first marker goes.
            let active = outboxFolder.appendingPathComponent("active")
            let own = try #require(names(active).first { !$0.hasPrefix(".") })
            try FileManager.default.createSymbolicLink(
                atPath: active.appendingPathComponent("\(own)/\(ids[0]).sending").path,
                withDestinationPath: elsewhere.path)
            let report = await sender.sendDue()
            #expect(await transport.deliveries.isEmpty, "no message starts before it is recorded as being sent")
            #expect(report.deferred == 2, "both wait for the next attempt: \(report)")
            #expect(try outbox.show(ids[0]).reason?.contains("could not be recorded as being sent") == true)
            #expect(try String(contentsOf: elsewhere, encoding: .utf8) == "keep\n")
        }
    }

    @Test(
        "a full disk (a small tmpfs) while settling: a clear error, nothing lost, nothing sent twice",
        .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDiskWhileSettling() async throws {
        try await withTemporaryFolder { folder in
            let mountPoint = folder.appendingPathComponent("small")
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            let (mounted, why) = try await run(
                URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=512k", "tmpfs", mountPoint.path])
            guard mounted == 0 else {
                print("skipped: cannot mount a tmpfs here: \(why)")
                return
            }
            var failure: (any Error)?
            do { try await settleOnFullDisk(mountPoint) } catch { failure = error }
            _ = try await run(URL(fileURLWithPath: "/bin/umount"), ["-l", mountPoint.path])
            if let failure { throw failure }
        }
    }

    /// The full-disk test inside the mounted tmpfs `mountPoint`.
    func settleOnFullDisk(_ mountPoint: URL) async throws {
        do {
            let outboxFolder = mountPoint.appendingPathComponent("Outbox")
            let outbox = try Outbox(folder: outboxFolder, clock: TestClock().outboxClock)
            let ids = try queue(3, in: outbox)
            // Fill what is left, so the settlements' sidecars cannot be written.
            let filler = mountPoint.appendingPathComponent("filler").path
            let descriptor = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            try #require(descriptor >= 0)
            let block = [UInt8](repeating: 0x2e, count: 4096)
            while write(descriptor, block, block.count) > 0 {}
            #expect(errno == ENOSPC)
            close(descriptor)

            let transport = InMemoryTransport()
            let full = try await OutboxSender(outbox: outbox, transport: transport, batchSize: 3).drain()
            #expect(full.delivered == 0, "nothing counts as delivered that was not recorded: \(full)")
            #expect(!full.problems.isEmpty)
            for problem in full.problems {
                #expect(problem.description.contains("No space left on device"), "\(problem)")
                #expect(problem.consequence.contains("never sent again by itself"), "\(problem)")
            }

            // Space again: the next run holds what may have been delivered and sends nothing twice.
            try FileManager.default.removeItem(atPath: filler)
            _ = try await OutboxSender(outbox: outbox, transport: transport, batchSize: 3).drain()
            let labels = await transport.deliveries.compactMap(\.label)
            #expect(labels.count == Set(labels).count, "no message reached the server twice: \(labels)")
            for id in ids {
                let state = try outbox.show(id).state
                #expect(state == .hold || state == .sent, "\(id) is \(state)")
                if state == .hold { #expect(labels.contains(id), "held only if it was handed over") }
            }
        }
    }
}
