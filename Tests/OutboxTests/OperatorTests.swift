import Foundation
import Mail
import Outbox
import Testing

@Suite("Operator actions: retry, hold, release, cancel, list, show")
struct OperatorTests {
    /// An outbox with one message in each of queued, deferred, hold, failed and sent.
    func populated(_ folder: URL, clock: TestClock) async throws -> (Outbox, [OutboxState: String]) {
        let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
        var ids: [OutboxState: String] = [:]
        let answers: [String: [DeliveryOutcome]] = [
            "deferred@example.org": [.temporaryFailure(code: 451, reply: "451 later")],
            "hold@example.org": [.uncertain(reason: "connection lost after the final dot")],
            "failed@example.org": [.permanentFailure(code: 550, reply: "550 no such user")],
        ]
        for state in [OutboxState.sent, .deferred, .hold, .failed] {
            ids[state] = try outbox.queue(
                message: try testMessage(to: "\(state.rawValue)@example.org"), key: state.rawValue,
                labels: ["case": "C-\(state.rawValue)", "kind": "ack"]
            ).item.id
            clock.advance(by: 1)
        }
        let sender = try OutboxSender(outbox: outbox, transport: .inMemory(answers: answers))
        await sender.drain()
        ids[.queued] = try outbox.queue(
            message: try testMessage(to: "queued@example.org"), key: "queued",
            labels: ["case": "C-queued", "kind": "ack"]
        ).item.id
        for (state, id) in ids { #expect(try outbox.show(id).state == state) }
        return (outbox, ids)
    }

    func expectRefusal(
        _ code: OutboxError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            try body()
            Issue.record("expected a refusal", sourceLocation: sourceLocation)
        } catch let error as OutboxError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("retry puts deferred, failed and held messages back in the queue, due now; refuses queued and sent")
    func retry() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let (outbox, ids) = try await populated(folder, clock: clock)
            for state in [OutboxState.deferred, .failed, .hold] {
                let item = try outbox.retry(ids[state]!)
                #expect(item.state == .queued)
                #expect(item.nextAttempt == nil)
                #expect(item.queuedAt == clock.now)
                #expect(item.reason == "retried by an operator")
                #expect(try outbox.show(ids[state]!).state == .queued)
            }
            expectRefusal(.wrongState) { try outbox.retry(ids[.sent]!) }
            expectRefusal(.wrongState) { try outbox.retry(ids[.queued]!) }
            #expect(outbox.counts()[.queued] == 4)
        }
    }

    @Test("hold stops queued and deferred messages; release puts them back; both refuse what they should")
    func holdAndRelease() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let (outbox, ids) = try await populated(folder, clock: clock)
            #expect(try outbox.hold(ids[.queued]!).state == .hold)
            #expect(try outbox.hold(ids[.deferred]!, reason: "checking the address").reason == "checking the address")
            expectRefusal(.wrongState) { try outbox.hold(ids[.sent]!) }
            expectRefusal(.wrongState) { try outbox.hold(ids[.failed]!) }
            // A held message is not sent.
            let transport = InMemoryTransport()
            let sender = try OutboxSender(outbox: outbox, transport: transport)
            clock.advance(by: 86_400)
            await sender.drain()
            #expect(await transport.deliveries.isEmpty)

            #expect(try outbox.release(ids[.queued]!).state == .queued)
            expectRefusal(.wrongState) { try outbox.release(ids[.queued]!) }  // now queued: not held
            expectRefusal(.wrongState) { try outbox.release(ids[.failed]!) }
            expectRefusal(.wrongState) { try outbox.release(ids[.sent]!) }
            // Releasing an uncertain hold is the officer's decision to send it again.
            #expect(try outbox.release(ids[.hold]!).state == .queued)
            await sender.drain()
            #expect(Set(await transport.deliveries.compactMap(\.label)) == [ids[.queued]!, ids[.hold]!])
        }
    }

    @Test("cancel keeps the message in cancelled/ and refuses a sent one")
    func cancel() async throws {
        try await withTemporaryFolder { folder in
            let (outbox, ids) = try await populated(folder, clock: TestClock())
            for state in [OutboxState.queued, .deferred, .hold, .failed] {
                let item = try outbox.cancel(ids[state]!)
                #expect(item.state == .cancelled)
                #expect(
                    FileManager.default.fileExists(
                        atPath: folder.appendingPathComponent("cancelled/\(ids[state]!).eml").path))
            }
            do {
                try outbox.cancel(ids[.sent]!)
                Issue.record("a sent message was cancelled")
            } catch OutboxError.Code.wrongState {
            } catch {
                Issue.record("unexpected \(error)")
            }
            expectRefusal(.wrongState) { try outbox.cancel(ids[.queued]!) }  // already cancelled
            expectRefusal(.wrongState) { try outbox.retry(ids[.queued]!) }
            #expect(outbox.counts()[.cancelled] == 4)
            #expect(outbox.counts()[.sent] == 1)
            // The key stays used.
            #expect(try !outbox.queue(message: try testMessage(), key: "queued").isNew)
        }
    }

    @Test("unknown and malformed ids are refused")
    func unknownIDs() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            expectRefusal(.notFound) { _ = try outbox.show("20260101T100000000Z-000000000000") }
            expectRefusal(.invalidID) { _ = try outbox.show("../../etc/passwd") }
            expectRefusal(.invalidID) { try outbox.cancel("a/b") }
        }
    }

    @Test("list filters by state and labels; counts and the oldest waiting message are right")
    func listing() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let (outbox, ids) = try await populated(folder, clock: clock)
            #expect(try outbox.list().count == 5)
            #expect(try outbox.list(state: .failed).map(\.id) == [ids[.failed]!])
            #expect(try outbox.list(labels: ["case": "C-hold"]).map(\.id) == [ids[.hold]!])
            #expect(try outbox.list(labels: ["kind": "ack"]).count == 5)
            #expect(try outbox.list(state: .sent, labels: ["case": "C-hold"]).isEmpty)
            let counts = outbox.counts()
            #expect(counts == [.queued: 1, .active: 0, .deferred: 1, .hold: 1, .failed: 1, .sent: 1, .cancelled: 0])
            #expect(try outbox.oldestQueued()?.id == ids[.deferred]!)  // queued before the one in queued/
            let deferred = try outbox.show(ids[.deferred]!)
            #expect(deferred.attempts.count == 1)
            #expect(deferred.attempts[0].code == 451)
            #expect(deferred.lastReply == "451 later")
            #expect(deferred.nextAttempt == deferred.attempts[0].at.addingTimeInterval(300))
        }
    }
}
