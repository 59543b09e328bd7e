import Foundation
import Mail
import Outbox
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Disk full while a sender records outcomes: the report says what could not be recorded, and no message is ever
/// sent again by itself (DESIGN invariants 3 and 4).
@Suite("Settling when the disk is full: reported, never hidden, never resent")
struct SettleFailureTests {
    /// Faults switched on and off by the test: writes or renames whose path contains `fragment` fail with ENOSPC.
    final class DiskFull: Sendable {
        private let rule = Mutex<(step: FileFaults.Step, fragment: String)?>(nil)

        func fail(_ step: FileFaults.Step, pathsContaining fragment: String) {
            rule.withLock { $0 = (step, fragment) }
        }

        func clear() { rule.withLock { $0 = nil } }

        var faults: FileFaults {
            FileFaults { step, path in
                self.rule.withLock { rule in
                    guard let rule, rule.step == step, path.contains(rule.fragment) else { return nil }
                    return ENOSPC
                }
            }
        }
    }

    /// Drains the outbox with a sender that is released when this returns (as when its process ends).
    func drainOnce(
        _ outbox: Outbox, _ transport: InMemoryTransport, observer: OutboxObserver? = nil
    ) async throws -> OutboxSender.Report {
        let sender = try OutboxSender(outbox: outbox, transport: transport, observer: observer)
        return await sender.drain()
    }

    @Test("a message accepted by the server whose move to sent cannot be written is reported, then held, never resent")
    func acceptedButNotRecorded() async throws {
        try await withTemporaryFolder { folder in
            let disk = DiskFull()
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock, faults: disk.faults)
            let transport = InMemoryTransport()
            let events = EventLog()
            let first = try outbox.queue(message: try testMessage(), key: "a", labels: ["case": "C1", "kind": "ack"])
                .item
            let second = try outbox.queue(message: try testMessage(), key: "b", labels: ["case": "C2", "kind": "ack"])
                .item
            disk.fail(.write, pathsContaining: "sent/meta/\(first.id)")
            let report = try await drainOnce(outbox, transport, observer: events.observer)

            #expect(report.delivered == 1, "only the recorded one counts as delivered: \(report)")
            #expect(report.problems.count == 1)
            let problem = try #require(report.problems.first)
            #expect(problem.id == first.id)
            #expect(problem.wasAccepted)
            #expect(problem.error.code == .storage)
            #expect(problem.description.contains("accepted by the server"))
            #expect(problem.description.contains("ack for C1"))
            #expect(problem.description.contains("No space left on device"), "\(problem)")
            #expect(try outbox.show(first.id).state == .active, "it stays where recovery will find it")
            #expect(try outbox.show(second.id).state == .sent)
            #expect(events.all.map(\.id) == [second.id], "the observer hears only of what was recorded")

            // The next sender (the next run, or the daemon at start) holds it: it may have been delivered.
            disk.clear()
            let recovered = try await drainOnce(outbox, transport)
            #expect(recovered.held == 1, "\(recovered)")
            let held = try outbox.show(first.id)
            #expect(held.state == .hold)
            #expect(held.reason == "interrupted while sending; the server may have accepted it")
            #expect(await transport.deliveries.count == 2, "each message reached the server once")
            _ = try await drainOnce(outbox, transport)
            #expect(await transport.deliveries.count == 2)
        }
    }

    @Test("an outcome written but whose file cannot be moved is reported, and the next recovery finishes the move")
    func outcomeWrittenFileNotMoved() async throws {
        try await withTemporaryFolder { folder in
            let disk = DiskFull()
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock, faults: disk.faults)
            let transport = InMemoryTransport()
            let item = try outbox.queue(message: try testMessage(), key: "a", labels: ["case": "C1"]).item
            disk.fail(.move, pathsContaining: "sent/cur/")
            let report = try await drainOnce(outbox, transport)
            #expect(report.delivered == 0)
            #expect(report.problems.map(\.id) == [item.id])
            #expect(report.problems.first?.consequence.contains("finishes the move") == true)

            disk.clear()
            _ = try await drainOnce(outbox, transport)
            #expect(try outbox.show(item.id).state == .sent, "the recorded outcome is finished, not guessed")
            #expect(await transport.deliveries.count == 1)
        }
    }

    @Test("a deferral that cannot be written is reported and held at the next recovery (never queued again blindly)")
    func deferralNotRecorded() async throws {
        try await withTemporaryFolder { folder in
            let disk = DiskFull()
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock, faults: disk.faults)
            let transport = InMemoryTransport { _, _ in .temporaryFailure(code: 451, reply: "451 later") }
            let item = try outbox.queue(message: try testMessage(), key: "a").item
            disk.fail(.write, pathsContaining: "deferred/")
            let report = try await drainOnce(outbox, transport)
            #expect(report.deferred == 0 && report.problems.count == 1)
            #expect(report.problems.first?.wasAccepted == false)
            disk.clear()
            _ = try await drainOnce(outbox, transport)
            #expect(try outbox.show(item.id).state == .hold)
            #expect(await transport.deliveries.count == 1)
        }
    }

    @Test("a recovery that cannot move a message keeps it where it was (never deletes it) and finishes next time")
    func recoveryFailureKeepsTheMessage() async throws {
        try await withTemporaryFolder { folder in
            let disk = DiskFull()
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock, faults: disk.faults)
            let id = try outbox.queue(message: try testMessage(), key: "k", labels: ["case": "C1"]).item.id
            do {
                // A sender that claimed the message, marked it as being handed over and stopped before settling it.
                let lease = try outbox.openLease()
                #expect(lease.claim(try outbox.due(at: clock.now)).claimed.count == 1)
                #expect(lease.commit([], sending: [id]).problems.isEmpty)
            }
            disk.fail(.write, pathsContaining: "hold/\(id)")
            let transport = InMemoryTransport()
            let sender = try OutboxSender(outbox: outbox, transport: transport)
            #expect(await sender.recover().isEmpty)
            #expect(try outbox.show(id).state == .active, "kept in the stopped sender's folder for the next recovery")
            #expect(try outbox.data(of: id).count > 0)

            disk.clear()
            #expect(await sender.recover().map(\.id) == [id])
            #expect(try outbox.show(id).state == .hold)
            #expect(await transport.deliveries.isEmpty, "never sent by recovery")
        }
    }
}
