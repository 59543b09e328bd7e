import Foundation
import Mail
import Outbox
import Testing

@Suite("Sending with the in-memory transport: retries, holds, lanes, recovery")
struct SenderTests {
    @Test("4xx backs off 5, 10, 20, 40 then 67 minutes (capped), and fails after 5 days")
    func backoffSchedule() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            let events = EventLog()
            let transport = InMemoryTransport { _, _ in .temporaryFailure(code: 451, reply: "451 4.3.0 try later") }
            let sender = try OutboxSender(outbox: outbox, transport: transport, observer: events.observer)
            let queued = try outbox.queue(message: try testMessage(), key: "k").item
            let start = clock.now

            var waits: [TimeInterval] = []
            var attemptTimes: [Date] = []
            while true {
                attemptTimes.append(clock.now)
                let report = await sender.sendDue()
                #expect(report.total == 1)
                let item = try outbox.show(queued.id)
                if item.state == .failed { break }
                #expect(item.state == .deferred)
                let next = try #require(item.nextAttempt)
                waits.append(next.timeIntervalSince(clock.now))
                // Not due a second early.
                clock.set(next.addingTimeInterval(-1))
                #expect(await sender.sendDue().total == 0)
                clock.set(next)
                #expect(waits.count < 200, "never gave up")
                if waits.count >= 200 { return }
            }
            #expect(Array(waits.prefix(6)) == [300, 600, 1200, 2400, 4000, 4000])
            #expect(waits.allSatisfy { $0 <= 4000 })
            // It failed at the first attempt at or after 5 days, and not before.
            let lifetime: TimeInterval = 5 * 86_400
            let last = try #require(attemptTimes.last)
            #expect(last.timeIntervalSince(start) >= lifetime)
            #expect(attemptTimes.dropLast().allSatisfy { $0.timeIntervalSince(start) < lifetime })
            let failed = try outbox.show(queued.id)
            #expect(failed.attempts.count == attemptTimes.count)
            #expect(failed.attempts.allSatisfy { $0.code == 451 && $0.outcome == "temporary-failure" })
            #expect(failed.reason?.contains("gave up after") == true)
            #expect(await transport.deliveries.count == attemptTimes.count)
            let kinds = events.all.map(\.kind)
            #expect(kinds.last == .failed)
            #expect(kinds.dropLast().allSatisfy { $0 == .deferred })
        }
    }

    @Test("the policy is configurable: 1 minute doubling to 4, given up after an hour")
    func customPolicy() {
        let policy = BackoffRetryPolicy.backoff(first: .seconds(60), maximum: .seconds(240), lifetime: .seconds(3600))
        #expect(
            (1...5).map { policy.backoff(attempt: $0) } == [
                .seconds(60), .seconds(120), .seconds(240), .seconds(240), .seconds(240),
            ])
        let start = Date(timeIntervalSince1970: 0)
        let temporary = DeliveryOutcome.temporaryFailure(code: 421, reply: "421 busy")
        #expect(
            policy.decide(after: temporary, attempt: 1, queuedAt: start, now: start)
                == .retry(at: start.addingTimeInterval(60)))
        if case .fail = policy.decide(
            after: temporary, attempt: 9, queuedAt: start, now: start.addingTimeInterval(3600))
        {
        } else {
            Issue.record("expected the message to fail after its lifetime")
        }
        if case .fail = policy.decide(
            after: .permanentFailure(code: 550, reply: "550 no"), attempt: 1, queuedAt: start, now: start)
        {
        } else {
            Issue.record("expected a 5xx to fail at once")
        }
    }

    @Test("a permanent failure fails at once and the observer is told, with the reply")
    func permanentFailure() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let events = EventLog()
            let sender = try OutboxSender(
                outbox: outbox,
                transport: .inMemory(answers: [
                    "x@example.org": [.permanentFailure(code: 550, reply: "550 5.1.1 unknown user")]
                ]),
                observer: events.observer)
            let item = try outbox.queue(message: try testMessage(to: "x@example.org"), key: "k", labels: ["case": "C1"])
                .item
            let report = await sender.drain()
            #expect(report.failed == 1)
            let failed = try outbox.show(item.id)
            #expect(failed.state == .failed)
            #expect(failed.lastReply == "550 5.1.1 unknown user")
            #expect(events.all.count == 1)
            #expect(events.all.first?.kind == .failed)
            #expect(events.all.first?.labels == ["case": "C1"])
            #expect(events.all.first?.reply == "550 5.1.1 unknown user")
        }
    }

    @Test("an uncertain outcome goes on hold and is not resent")
    func uncertainHolds() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let transport = InMemoryTransport { _, _ in .uncertain(reason: "no reply to the final dot") }
            let events = EventLog()
            let sender = try OutboxSender(outbox: outbox, transport: transport, observer: events.observer)
            let item = try outbox.queue(message: try testMessage(), key: "k").item
            await sender.drain()
            await sender.drain()
            #expect(try outbox.show(item.id).state == .hold)
            #expect(try outbox.show(item.id).reason == "no reply to the final dot")
            #expect(await transport.deliveries.count == 1)
            #expect(events.all.map(\.kind) == [.held])
        }
    }

    @Test("delivered messages land in the sent Maildir with the server's reply recorded")
    func deliveredArchived() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let sender = try OutboxSender(outbox: outbox, transport: .inMemory)
            let message = try testMessage()
            let item = try outbox.queue(message: message, key: "k").item
            let report = await sender.drain()
            #expect(report.delivered == 1)
            let sent = try outbox.archive.show(item.id)
            #expect(sent.lastReply == "250 2.0.0 Ok: queued")
            #expect(sent.attempts.map(\.outcome) == ["delivered"])
            #expect(sent.history.map(\.state) == [.queued, .active, .sent])
            let file = try #require(sent.file)
            #expect(file.deletingLastPathComponent().lastPathComponent == "cur")
            #expect(file.lastPathComponent.hasSuffix(":2,S"))
            #expect(try Data(contentsOf: file) == message.data)
            #expect(outbox.counts()[.sent] == 1)
            #expect(outbox.counts()[.active] == 0)
        }
    }

    @Test("queued messages go oldest first, in batches, and two senders with several lanes send each once")
    func lanesNeverDuplicate() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            for index in 0..<120 {
                try outbox.queue(message: try testMessage(to: "r\(index)@example.org"), key: "k\(index)")
                clock.advance(by: 1)
            }
            let transport = InMemoryTransport()
            let first = try OutboxSender(outbox: outbox, transport: transport, lanes: 4, batchSize: 5)
            let second = try OutboxSender(outbox: outbox, transport: transport, lanes: 3, batchSize: 7)
            async let a = first.drain()
            async let b = second.drain()
            let (ra, rb) = await (a, b)
            #expect(ra.delivered + rb.delivered == 120)
            let deliveries = await transport.deliveries
            #expect(deliveries.count == 120)
            #expect(Set(deliveries.map(\.label)).count == 120)
            #expect(outbox.counts()[.sent] == 120)
            #expect(outbox.counts()[.queued] == 0 && outbox.counts()[.active] == 0)
        }
    }

    @Test("one lane sends the oldest first")
    func oldestFirst() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            var ids: [String] = []
            for index in 0..<12 {
                ids.append(
                    try outbox.queue(message: try testMessage(to: "r\(index)@example.org"), key: "k\(index)").item.id)
                clock.advance(by: 60)
            }
            let transport = InMemoryTransport()
            let sender = try OutboxSender(outbox: outbox, transport: transport, batchSize: 5)
            await sender.drain()
            #expect(await transport.deliveries.map(\.label) == ids)
        }
    }

    @Test("recovery puts a message found in a dead sender's active folder on hold, never resending it")
    func recoveryHoldsInterrupted() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let item = try outbox.queue(message: try testMessage(), key: "k", labels: ["case": "C9"]).item
            let claimedButUnsent = try outbox.queue(message: try testMessage(), key: "k2").item
            // A sender that died mid-send: its folder has no lock holder, the message has an active sidecar.
            let dead = folder.appendingPathComponent("active/p999999-dead")
            let fm = FileManager.default
            try fm.createDirectory(at: dead, withIntermediateDirectories: false)
            try Data().write(to: dead.appendingPathComponent(".lock"))
            try fm.moveItem(
                at: folder.appendingPathComponent("queued/\(item.id).eml"),
                to: dead.appendingPathComponent("\(item.id).eml"))
            var json =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: folder.appendingPathComponent("queued/\(item.id).json"))) as! [String: Any]
            json["state"] = "active"
            json["revision"] = 2
            try JSONSerialization.data(withJSONObject: json).write(to: dead.appendingPathComponent("\(item.id).json"))
            try fm.removeItem(at: folder.appendingPathComponent("queued/\(item.id).json"))
            // And one it had claimed (renamed) but not yet prepared: its sidecar is still in queued/.
            try fm.moveItem(
                at: folder.appendingPathComponent("queued/\(claimedButUnsent.id).eml"),
                to: dead.appendingPathComponent("\(claimedButUnsent.id).eml"))
            #expect(outbox.counts()[.active] == 2)

            let transport = InMemoryTransport()
            let events = EventLog()
            let sender = try OutboxSender(outbox: outbox, transport: transport, observer: events.observer)
            let report = await sender.drain()
            let held = try outbox.show(item.id)
            #expect(held.state == .hold)
            #expect(held.reason == "interrupted while sending; the server may have accepted it")
            #expect(events.all.first?.kind == .held)
            #expect(events.all.first?.labels == ["case": "C9"])
            #expect(report.delivered == 1)
            #expect(await transport.deliveries.map(\.label) == [claimedButUnsent.id])
            #expect(!fm.fileExists(atPath: dead.path))
        }
    }

    @Test("recovery leaves a live sender's active folder alone")
    func recoveryRespectsLiveSenders() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            try outbox.queue(message: try testMessage(), key: "k")
            // The first sender's transport blocks until released, keeping the message in active/.
            let gate = AsyncStream<Void>.makeStream()
            let blocking = BlockingTransport(gate: gate.stream)
            let first = try OutboxSender(outbox: outbox, transport: blocking)
            let sending = Task { await first.sendDue() }
            // A generous deadline: when the whole suite runs on 2 loaded cores, other suites' blocking waits can
            // keep this task from starting for many seconds.
            #expect(await waitUntil(timeout: .seconds(120)) { outbox.counts()[.active] == 1 })
            let second = try OutboxSender(outbox: outbox, transport: .inMemory)
            let recovered = await second.recover()
            #expect(recovered.isEmpty)
            #expect(outbox.counts()[.active] == 1)
            gate.continuation.yield()
            gate.continuation.finish()
            #expect(await sending.value.delivered == 1)
            #expect(outbox.counts()[.sent] == 1)
        }
    }
}

/// A transport that waits for a signal before delivering.
struct BlockingTransport: MailTransport {
    let gate: AsyncStream<Void>

    func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        for await _ in gate { break }
        return batch.map { DeliveryResult(message: $0, outcome: .delivered(reply: "250 ok")) }
    }
}
