package import Foundation
package import Logging
package import Mail
package import Primitives
internal import Synchronization

/// An ``OutboxStore`` kept in memory: the same contract as ``Outbox`` (one message per key, refusals by state,
/// claims owned by one lease, recovery that holds what a dead lease may have sent), with nothing on disk.
///
/// For tests of everything above the outbox (a daemon's whole send path in memory) and for dry runs. Items have no
/// ``OutboxItem/file``. Pick it with `.inMemory(clock:)`.
package final class InMemoryOutbox: OutboxStore {
    /// Where "now" comes from.
    package let clock: WallClock
    /// Where recoveries are logged (message ids only).
    package let logger: Logger
    private let state = Mutex(Contents())

    /// An empty store.
    /// - Parameters:
    ///   - clock: the time used for ids, attempts, due dates and history.
    ///   - logger: where recoveries are logged; silent by default.
    package init(clock: WallClock, logger: Logger = .outboxSilent) {
        self.clock = clock
        self.logger = logger
    }

    /// Everything the store holds.
    private struct Contents: Sendable {
        /// A message with its bytes, and the lease that claimed it while it is active.
        struct Record: Sendable {
            var item: OutboxItem
            var data: Data
            var lease: Int?
        }

        var records: [String: Record] = [:]
        /// Idempotency key to message id; kept after a purge, so the key is never queued again.
        var keys: [String: String] = [:]
        /// Ids purged from the archive.
        var purged: Set<String> = []
        /// Leases whose sender still lives.
        var liveLeases: Set<Int> = []
        var nextLease = 1

        func notFound(_ id: String) -> OutboxError {
            if purged.contains(id) {
                return OutboxError(.purged, id: id, reason: "the message was purged from the archive")
            }
            return OutboxError(.notFound, id: id, reason: "no message has this id")
        }

        func item(forKey key: String) throws(OutboxError) -> OutboxItem? {
            guard let id = keys[key] else { return nil }
            guard let record = records[id] else { throw notFound(id) }
            return record.item
        }
    }

    // MARK: Queueing and looking

    @discardableResult
    package func queue(
        message: OutgoingMessage, key: String, labels: [String: String] = [:], heldReason: String? = nil
    ) throws(OutboxError) -> OutboxQueueResult {
        try OutboxRules.checkKey(key)
        guard !message.data.isEmpty else {
            throw OutboxError(.invalidMessage, reason: "the message has no bytes")
        }
        let now = clock.now()
        return try state.withLock { contents throws(OutboxError) -> OutboxQueueResult in
            if let existing = try contents.item(forKey: key) { return OutboxQueueResult(item: existing, isNew: false) }
            var id = MessageIDs.make(at: now)
            while contents.records[id] != nil || contents.purged.contains(id) { id = MessageIDs.make(at: now) }
            var item = OutboxItem(
                id: id, key: key, labels: labels, sender: message.envelope.sender.address,
                recipient: message.envelope.recipient.address, messageID: HeaderScan.messageID(in: message.data),
                size: message.data.count, created: now, queuedAt: now, state: .queued, nextAttempt: nil,
                attempts: [], lastReply: nil, history: [], archiveFile: nil, revision: 0)
            item.enter(.queued, at: now, reason: nil)
            if let heldReason { item.enter(.hold, at: now, reason: heldReason) }
            contents.records[id] = .init(item: item, data: message.data)
            contents.keys[key] = id
            return OutboxQueueResult(item: item, isNew: true)
        }
    }

    package func show(_ id: String) throws(OutboxError) -> OutboxItem {
        try OutboxRules.checkID(id)
        return try state.withLock { contents throws(OutboxError) -> OutboxItem in
            guard let record = contents.records[id] else { throw contents.notFound(id) }
            return record.item
        }
    }

    package func item(forKey key: String) throws(OutboxError) -> OutboxItem? {
        try OutboxRules.checkKey(key)
        return try state.withLock { contents throws(OutboxError) -> OutboxItem? in try contents.item(forKey: key) }
    }

    package func list(state wanted: OutboxState? = nil, labels: [String: String] = [:]) throws(OutboxError)
        -> [OutboxItem]
    {
        let items: [OutboxItem] = state.withLock { contents in contents.records.values.map(\.item) }
        return items.filter { item in
            let stateMatches = wanted == nil || item.state == wanted
            return stateMatches && labels.allSatisfy { item.labels[$0.key] == $0.value }
        }.sorted { $0.id < $1.id }
    }

    package func counts() -> [OutboxState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: OutboxState.allCases.map { ($0, 0) })
        state.withLock { contents in
            for record in contents.records.values { counts[record.item.state, default: 0] += 1 }
        }
        return counts
    }

    package func oldestQueued() throws(OutboxError) -> OutboxItem? {
        let items: [OutboxItem] = state.withLock { contents in contents.records.values.map(\.item) }
        let waiting = items.filter { item in item.state == .queued || item.state == .deferred }
        return waiting.min { first, second in first.id < second.id }
    }

    package func nextDue() -> Date? {
        let now = clock.now()
        return state.withLock { contents in
            var earliest: Date?
            for record in contents.records.values {
                let due: Date
                switch record.item.state {
                case .queued: due = now
                case .deferred: due = record.item.nextAttempt ?? now
                default: continue
                }
                earliest = min(earliest ?? due, due)
            }
            return earliest
        }
    }

    package func data(of id: String) throws(OutboxError) -> Data {
        try OutboxRules.checkID(id)
        return try state.withLock { contents throws(OutboxError) -> Data in
            guard let record = contents.records[id] else { throw contents.notFound(id) }
            return record.data
        }
    }

    package func labelValues(_ name: String, idsFrom: String = "") -> Set<String> {
        state.withLock { contents in
            Set(contents.records.values.filter { $0.item.id >= idsFrom }.compactMap { $0.item.labels[name] })
        }
    }

    // MARK: Operators' moves

    @discardableResult
    package func apply(_ move: OperatorMove, to id: String) throws(OutboxError) -> OutboxItem {
        try OutboxRules.checkID(id)
        let now = clock.now()
        return try state.withLock { contents throws(OutboxError) -> OutboxItem in
            guard var record = contents.records[id] else { throw contents.notFound(id) }
            guard move.from.contains(record.item.state) else { throw move.refusal(id: id, state: record.item.state) }
            move.update(&record.item, now)
            record.item.enter(move.to, at: now, reason: move.reason)
            contents.records[id] = record
            return record.item
        }
    }

    @discardableResult
    package func purge(
        where predicate: ([String: String]) -> Bool, sentBefore: Date? = nil, dryRun: Bool
    ) throws(OutboxError) -> OutboxArchive.PurgeReport {
        try state.withLock { contents throws(OutboxError) -> OutboxArchive.PurgeReport in
            let chosen = OutboxRules.chooseForPurge(
                contents.records.values.map(\.item), where: predicate, sentBefore: sentBefore)
            if !dryRun {
                for item in chosen {
                    contents.purged.insert(item.id)
                    contents.records[item.id] = nil
                }
            }
            return OutboxArchive.PurgeReport(ids: chosen.map(\.id), dryRun: dryRun)
        }
    }

    // MARK: Sending

    package func due(at now: Date) throws(OutboxError) -> [OutboxDue] {
        state.withLock { contents in
            contents.records.values.compactMap { record -> OutboxDue? in
                switch record.item.state {
                case .queued: return OutboxDue(id: record.item.id, state: .queued)
                case .deferred where (record.item.nextAttempt ?? .distantPast) <= now:
                    return OutboxDue(id: record.item.id, state: .deferred)
                default: return nil
                }
            }
        }.sorted { $0.id < $1.id }
    }

    package func openLease() throws(OutboxError) -> any OutboxLease {
        let number = state.withLock { contents in
            let number = contents.nextLease
            contents.nextLease += 1
            contents.liveLeases.insert(number)
            return number
        }
        return Lease(store: self, number: number)
    }

    package func recover(except lease: (any OutboxLease)?) -> [OutboxEvent] {
        let spared = (lease as? Lease)?.number
        let now = clock.now()
        let events = state.withLock { contents in
            var events: [OutboxEvent] = []
            for (id, record) in contents.records where record.item.state == .active {
                guard let owner = record.lease, owner != spared, !contents.liveLeases.contains(owner) else { continue }
                var item = record.item
                item.nextAttempt = nil
                item.enter(.hold, at: now, reason: OutboxRules.interrupted)
                contents.records[id] = .init(item: item, data: record.data)
                events.append(OutboxEvent(item, at: now))
            }
            return events.sorted { $0.id < $1.id }
        }
        for event in events {
            logger.notice(
                "outbox: a message a stopped sender left was put on hold", metadata: ["outbox.id": "\(event.id)"])
        }
        return events
    }

    /// One sender's claim: live until the object is released.
    private final class Lease: OutboxLease {
        let store: InMemoryOutbox
        let number: Int

        init(store: InMemoryOutbox, number: Int) {
            self.store = store
            self.number = number
        }

        deinit {
            // What it still holds is left for recovery, as a dead process's folder is.
            store.state.withLock { _ = $0.liveLeases.remove(number) }
        }

        func claim(_ due: [OutboxDue]) -> OutboxClaim {
            let now = store.clock.now()
            return store.state.withLock { contents in
                var claim = OutboxClaim()
                for candidate in due {
                    guard var record = contents.records[candidate.id], record.item.state == candidate.state else {
                        continue  // moved since it was listed: someone else's now
                    }
                    record.item.enter(.active, at: now, reason: nil)
                    record.lease = number
                    contents.records[candidate.id] = record
                    claim.claimed.append(.init(item: record.item, data: record.data))
                }
                return claim
            }
        }

        func settle(_ settlements: [OutboxSettlement]) -> OutboxSettleResult {
            store.state.withLock { contents in
                var result = OutboxSettleResult()
                for settlement in settlements {
                    let id = settlement.item.id
                    guard let record = contents.records[id], record.item.state == .active, record.lease == number
                    else {
                        let error = OutboxError(
                            .storage, id: id, reason: "the message is no longer claimed by this sender")
                        result.problems.append(
                            .init(
                                id: id, labels: settlement.item.labels, error: error,
                                wasAccepted: settlement.item.state == .sent,
                                consequence: "its move to \(settlement.item.state.rawValue) could not be recorded"))
                        continue
                    }
                    var item = settlement.item
                    item.file = nil
                    contents.records[id] = .init(item: item, data: record.data)
                    result.settled.append(OutboxSettlement(item: item, event: settlement.event))
                }
                return result
            }
        }
    }
}
