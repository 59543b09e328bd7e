internal import Dispatch
internal import Foundation
internal import Synchronization

/// Gathers the commits that a sender's lanes ask for at the same moment and makes them as one
/// ``OutboxLease/commit(_:sending:)``, so one round of fsyncs serves every lane (a group commit).
///
/// A commit asked for while another is being made waits for it, then goes with every other commit that arrived
/// meanwhile. The blocking file work runs on this committer's own queue, never on Swift's cooperative pool.
final class GroupCommit: Sendable {
    private struct Request {
        let settlements: [OutboxSettlement]
        let sending: [String]
        let done: CheckedContinuation<OutboxSettleResult, Never>
    }

    private struct Pending {
        var requests: [Request] = []
        var scheduled = false
    }

    private let lease: any OutboxLease
    private let queue = DispatchQueue(label: "pals.outbox.group-commit")
    private let pending = Mutex(Pending())

    init(lease: any OutboxLease) {
        self.lease = lease
    }

    /// Commits `settlements` and the marks of `sending` with whatever else is waiting; returns this request's share
    /// of the result (its settlements made, and a problem for each settlement or mark that was not).
    func commit(_ settlements: [OutboxSettlement], sending: [String]) async -> OutboxSettleResult {
        if settlements.isEmpty, sending.isEmpty { return OutboxSettleResult() }
        return await withCheckedContinuation { done in
            let start = pending.withLock { pending in
                pending.requests.append(Request(settlements: settlements, sending: sending, done: done))
                defer { pending.scheduled = true }
                return !pending.scheduled
            }
            if start { queue.async { self.flush() } }
        }
    }

    /// Makes every waiting request as one commit and answers each.
    private func flush() {
        let requests = pending.withLock { pending in
            defer {
                pending.requests = []
                pending.scheduled = false
            }
            return pending.requests
        }
        let result = lease.commit(requests.flatMap(\.settlements), sending: requests.flatMap(\.sending))
        for request in requests {
            let ids = Set(request.settlements.map(\.item.id) + request.sending)
            request.done.resume(
                returning: OutboxSettleResult(
                    settled: result.settled.filter { ids.contains($0.item.id) },
                    problems: result.problems.filter { $0.id.map(ids.contains) ?? false }))
        }
    }
}

extension Files {
    /// Runs `body` over `items` on up to as many threads as there are items (so their fsyncs overlap: the
    /// journal commits them together); returns each item's error, or nil where it succeeded, in order.
    static func inParallel<T: Sendable>(
        _ items: [T], _ body: @Sendable (T) throws(OutboxError) -> Void
    ) -> [OutboxError?] {
        if items.count <= 1 {
            return items.map { item in
                do throws(OutboxError) {
                    try body(item)
                    return nil
                } catch {
                    return error
                }
            }
        }
        let errors = Mutex([OutboxError?](repeating: nil, count: items.count))
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            do throws(OutboxError) {
                try body(items[index])
            } catch {
                errors.withLock { $0[index] = error }
            }
        }
        return errors.withLock { $0 }
    }

    /// fsyncs each folder once, in parallel.
    static func syncFolders(_ folders: Set<String>) {
        _ = inParallel(Array(folders)) { folder in syncFolder(folder) }
    }
}
