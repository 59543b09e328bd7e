import Foundation
import Mail
import Outbox
import Testing

/// The two stores the contract is checked over.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case folders
    case memory

    var testDescription: String { rawValue }
}

/// Runs `body` with a fresh store of `kind` on `clock` (a temporary folder for ``Outbox``, removed afterwards).
func withStore<T>(
    _ kind: StoreKind, clock: TestClock, _ body: (any OutboxStore) async throws -> T
) async throws -> T {
    switch kind {
    case .memory:
        return try await body(.inMemory(clock: clock.outboxClock))
    case .folders:
        return try await withTemporaryFolder { folder in
            try await body(try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: clock.outboxClock))
        }
    }
}

/// The contract of ``OutboxStore``: every test runs over the folder store and the in-memory twin, so the two
/// cannot drift apart (and a future database store has a checklist).
@Suite("OutboxStore contract, over folders and memory")
struct StoreContractTests {
    static let answers: [String: [DeliveryOutcome]] = [
        "deferred@example.org": [.temporaryFailure(code: 451, reply: "451 4.3.0 try later")],
        "hold@example.org": [.uncertain(reason: "connection lost after the final dot")],
        "failed@example.org": [.permanentFailure(code: 550, reply: "550 5.1.1 no such user")],
    ]

    /// One message in each of sent, deferred, hold, failed (through a sender), then one queued.
    func populate(_ store: any OutboxStore, clock: TestClock) async throws -> [OutboxState: String] {
        var ids: [OutboxState: String] = [:]
        for state in [OutboxState.sent, .deferred, .hold, .failed] {
            ids[state] = try store.queue(
                message: try testMessage(to: "\(state.rawValue)@example.org"), key: state.rawValue,
                labels: ["case": "C-\(state.rawValue)", "kind": "ack"]
            ).item.id
            clock.advance(by: 1)
        }
        await (try OutboxSender(outbox: store, transport: .inMemory(answers: Self.answers))).drain()
        ids[.queued] = try store.queue(
            message: try testMessage(to: "queued@example.org"), key: "queued",
            labels: ["case": "C-queued", "kind": "ack"]
        ).item.id
        return ids
    }

    func expectCode(
        _ code: OutboxError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            try body()
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch let error as OutboxError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "a key queues one message; the same key again returns it; labels and bytes are kept",
        arguments: StoreKind.allCases)
    func queueOncePerKey(kind: StoreKind) async throws {
        try await withStore(kind, clock: TestClock()) { store in
            let message = try testMessage()
            let first = try store.queue(message: message, key: "ack/C1/1", labels: ["case": "C1", "kind": "ack"])
            let again = try store.queue(message: try testMessage(), key: "ack/C1/1", labels: ["case": "other"])
            #expect(first.isNew)
            #expect(!again.isNew)
            #expect(again.item.id == first.item.id)
            #expect(again.item.labels == ["case": "C1", "kind": "ack"])
            #expect(first.item.state == .queued)
            #expect(try store.item(forKey: "ack/C1/1")?.id == first.item.id)
            #expect(try store.item(forKey: "ack/C1/2") == nil)
            #expect(try store.show(first.item.id).labels == ["case": "C1", "kind": "ack"])
            #expect(try store.data(of: first.item.id) == message.data)
            #expect(try store.list(state: nil, labels: [:]).count == 1)
            expectCode(.invalidKey) { _ = try store.queue(message: message, key: "", labels: [:]) }
            expectCode(.invalidID) { _ = try store.show("../etc") }
            expectCode(.notFound) { _ = try store.show("20260101T100000000Z-000000000000") }
        }
    }

    @Test("a sender moves claimed messages by outcome: sent, deferred, hold, failed", arguments: StoreKind.allCases)
    func claimAndSettle(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let ids = try await populate(store, clock: clock)
            for (state, id) in ids { #expect(try store.show(id).state == state, "\(state)") }
            let sent = try store.show(ids[.sent]!)
            #expect(sent.attempts.count == 1)
            #expect(sent.history.map(\.state) == [.queued, .active, .sent])
            #expect(try store.show(ids[.deferred]!).nextAttempt == clock.now.addingTimeInterval(300))
            #expect(try store.show(ids[.hold]!).reason == "connection lost after the final dot")
            #expect(try store.archive.list().map(\.id) == [ids[.sent]!])
        }
    }

    @Test("a deferred message waits until its next attempt; nextDue says when", arguments: StoreKind.allCases)
    func deferredUntilDue(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            #expect(store.nextDue() == nil, "nothing waits")
            let message = try testMessage(to: "deferred@example.org")
            let id = try store.queue(message: message, key: "k", labels: [:]).item.id
            #expect(store.nextDue() == clock.now, "queued: due now")
            let transport = InMemoryTransport(answers: Self.answers)
            let sender = try OutboxSender(outbox: store, transport: transport)
            #expect(await sender.sendDue().deferred == 1)
            let due = try #require(try store.show(id).nextAttempt)
            #expect(store.nextDue() == due)
            #expect(try store.due(at: clock.now).isEmpty)
            #expect(await sender.sendDue().total == 0, "not due yet")
            clock.set(due)
            #expect(try store.due(at: clock.now).map(\.id) == [id])
            #expect(await sender.sendDue().delivered == 1)
            #expect(try store.show(id).state == .sent)
            #expect(store.nextDue() == nil)
            #expect(await transport.deliveries.count == 2)
        }
    }

    @Test("operators' moves are refused by state, with wrongState", arguments: StoreKind.allCases)
    func refusalsByState(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let ids = try await populate(store, clock: clock)
            for state in [OutboxState.queued, .sent] { expectCode(.wrongState) { try store.retry(ids[state]!) } }
            for state in [OutboxState.hold, .failed, .sent] {
                expectCode(.wrongState) { try store.hold(ids[state]!, reason: "x") }
            }
            for state in [OutboxState.queued, .deferred, .failed, .sent] {
                expectCode(.wrongState) { try store.release(ids[state]!) }
            }
            expectCode(.wrongState) { try store.cancel(ids[.sent]!, reason: "x") }

            let held = try store.hold(ids[.queued]!, reason: "checking the address")
            #expect(held.state == .hold)
            #expect(held.reason == "checking the address")
            let released = try store.release(ids[.queued]!)
            #expect(released.state == .queued)
            let retried = try store.retry(ids[.deferred]!)
            #expect(retried.state == .queued)
            #expect(retried.nextAttempt == nil)
            #expect(retried.queuedAt == clock.now)
            #expect(try store.cancel(ids[.failed]!, reason: "wrong letter").state == .cancelled)
            #expect(try store.show(ids[.failed]!).state == .cancelled)
        }
    }

    @Test("counts cover every state; list filters by state and labels, oldest first", arguments: StoreKind.allCases)
    func countsAndLists(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let ids = try await populate(store, clock: clock)
            let counts = store.counts()
            #expect(Set(counts.keys) == Set(OutboxState.allCases))
            for state in OutboxState.allCases {
                #expect(counts[state] == (ids[state] == nil ? 0 : 1), "\(state)")
            }
            #expect(try store.list(state: nil, labels: [:]).map(\.id) == ids.values.sorted())
            #expect(try store.list(state: .hold, labels: [:]).map(\.id) == [ids[.hold]!])
            #expect(try store.list(state: nil, labels: ["case": "C-failed"]).map(\.id) == [ids[.failed]!])
            #expect(try store.list(state: .sent, labels: ["case": "C-failed"]).isEmpty)
            #expect(try store.list(state: nil, labels: ["kind": "ack"]).count == 5)
            #expect(try store.oldestQueued()?.id == ids[.deferred]!)
            #expect(store.labelValues("case", idsFrom: "").count == 5)
            #expect(store.labelValues("case", idsFrom: "3000").isEmpty)
        }
    }

    @Test("purge removes finished messages only, and a purged key is never queued again", arguments: StoreKind.allCases)
    func archivePurge(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let ids = try await populate(store, clock: clock)
            let everything: ([String: String]) -> Bool = { _ in true }
            let dry = try store.archive.purge(where: everything, dryRun: true)
            #expect(dry.ids == [ids[.sent]!, ids[.failed]!].sorted())
            #expect(try store.list(state: nil, labels: [:]).count == 5, "a dry run removes nothing")
            let done = try store.archive.purge(where: { $0["case"] == "C-sent" }, dryRun: false)
            #expect(done.ids == [ids[.sent]!])
            expectCode(.purged) { _ = try store.show(ids[.sent]!) }
            expectCode(.purged) { _ = try store.queue(message: try testMessage(), key: "sent", labels: [:]) }
            #expect(try store.archive.list().isEmpty)
            #expect(try store.show(ids[.failed]!).state == .failed, "not chosen")
            #expect(try store.show(ids[.hold]!).state == .hold)
        }
    }

    @Test("export writes every message of a case with its metadata, through the store", arguments: StoreKind.allCases)
    func archiveExport(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let ids = try await populate(store, clock: clock)
            #expect(store.nextDue() == clock.now, "one is queued")
            try await withTemporaryFolder { folder in
                let report = try store.archive.export(labels: ["case": "C-sent"], to: folder)
                #expect(report.ids == [ids[.sent]!])
                let eml = try Data(contentsOf: folder.appendingPathComponent("\(ids[.sent]!).eml"))
                #expect(eml == (try store.data(of: ids[.sent]!)))
                let sidecar = folder.appendingPathComponent("\(ids[.sent]!).json")
                #expect(FileManager.default.fileExists(atPath: sidecar.path))
            }
            try store.cancel(ids[.queued]!, reason: "not needed")
            try store.cancel(ids[.deferred]!, reason: "not needed")
            #expect(store.nextDue() == nil, "held, failed and cancelled messages wait for nobody")
        }
    }

    @Test("what a stopped sender claimed goes on hold at recovery, never resent", arguments: StoreKind.allCases)
    func recoveryHoldsClaims(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let id = try store.queue(message: try testMessage(), key: "k", labels: ["case": "C1"]).item.id
            do {
                let lease = try store.openLease()
                let claim = lease.claim(try store.due(at: clock.now))
                #expect(claim.claimed.map(\.item.id) == [id])
                // Marked as being handed over: from here a stopped sender's message is held, never resent.
                #expect(lease.commit([], sending: [id]).problems.isEmpty)
                #expect(try store.show(id).state == .active)
                let second = try store.openLease()
                #expect(second.claim(try store.due(at: clock.now)).claimed.isEmpty, "one owner per message")
                let transport = InMemoryTransport()
                let live = try OutboxSender(outbox: store, transport: transport)
                #expect(await live.recover().isEmpty, "a live lease is left alone")
                withExtendedLifetime(lease) {}
            }
            let transport = InMemoryTransport()
            let sender = try OutboxSender(outbox: store, transport: transport)
            let report = await sender.drain()
            #expect(report.held == 1)
            #expect(await transport.deliveries.isEmpty)
            let held = try store.show(id)
            #expect(held.state == .hold)
            #expect(held.reason?.contains("interrupted while sending") == true)
        }
    }

    @Test(
        "a settlement by a lease that does not own the message is refused and reported", arguments: StoreKind.allCases)
    func settleNeedsTheClaim(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let id = try store.queue(message: try testMessage(), key: "k", labels: [:]).item.id
            let owner = try store.openLease()
            let other = try store.openLease()
            let claimed = try #require(owner.claim(try store.due(at: clock.now)).claimed.first)
            var item = claimed.item
            item.state = .sent
            let result = other.settle([OutboxSettlement(item: item, event: OutboxEvent(item, at: clock.now))])
            #expect(result.settled.isEmpty)
            #expect(result.problems.map(\.id) == [id])
            #expect(try store.show(id).state == .active)
        }
    }
}
