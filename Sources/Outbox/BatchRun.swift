internal import Foundation
internal import Mail
internal import Synchronization

/// One batch on its way through the transport, for ``OutboxSender``: which messages are recorded as being handed
/// over, which are settled, and what the commits made. Shared by the transport's lanes as they settle.
final class BatchRun: Sendable {
    private struct State {
        var marked = 0
        var settling: Set<String> = []
        var returned: [String: DeliveryOutcome] = [:]
        var markFailures: [String: OutboxError] = [:]
        var stopped = false
        var delivery: Task<[DeliveryResult], Never>?
        var settled: [OutboxSettlement] = []
        var problems: [OutboxSender.Problem] = []
    }

    private let items: [OutboxItem]
    private let state = Mutex(State())

    /// A run over the claimed messages handed to the transport, in the batch's order.
    init(_ items: [OutboxItem]) {
        self.items = items
    }

    /// The ids of the next `count` messages to record as being handed over (none once the run is stopped).
    func nextToMark(_ count: Int) -> [String] {
        state.withLock { state in
            guard !state.stopped else { return [] }
            let end = min(state.marked + count, items.count)
            defer { state.marked = max(state.marked, end) }
            return items[min(state.marked, end)..<end].map(\.id)
        }
    }

    /// The message labelled `label`, the first time it is settled; nil for an unknown label or a second time.
    func beginSettling(_ label: String) -> OutboxItem? {
        state.withLock { state in
            guard let item = items.first(where: { $0.id == label }), state.settling.insert(label).inserted else {
                return nil
            }
            return item
        }
    }

    /// Keeps what a commit made; a message that could not be marked is not a problem of the report (it is
    /// settled as not sent, with the reason).
    func record(_ result: OutboxSettleResult) {
        state.withLock { state in
            state.settled += result.settled
            for problem in result.problems {
                if let id = problem.id, !state.settling.contains(id), items.contains(where: { $0.id == id }) {
                    state.markFailures[id] = problem.error
                } else {
                    state.problems.append(problem)
                }
            }
        }
    }

    /// Stops the batch: no more marks, and the transport's delivery is cancelled (it starts nothing more).
    func stop() {
        let delivery = state.withLock { state in
            state.stopped = true
            return state.delivery
        }
        delivery?.cancel()
    }

    /// The transport's delivery, cancelled at once if the run was stopped before it was attached.
    func attach(_ delivery: Task<[DeliveryResult], Never>) {
        let stopped = state.withLock { state in
            state.delivery = delivery
            return state.stopped
        }
        if stopped { delivery.cancel() }
    }

    /// The results the transport returned at the end of the batch.
    func returned(_ results: [DeliveryResult]) {
        state.withLock { state in
            for result in results { if let label = result.label { state.returned[label] = result.outcome } }
        }
    }

    /// The messages not settled yet, each with its outcome: the one the transport returned, else uncertain if it
    /// was recorded as being handed over, else not attempted.
    func unsettled() -> [(OutboxItem, DeliveryOutcome)] {
        state.withLock { state in
            items.enumerated().compactMap { index, item in
                guard state.settling.insert(item.id).inserted else { return nil }
                if let failure = state.markFailures[item.id] {
                    return (
                        item,
                        .temporaryFailure(
                            code: nil, reply: "not sent: it could not be recorded as being sent (\(failure.reason))")
                    )
                }
                if let outcome = state.returned[item.id] { return (item, outcome) }
                if index < state.marked, state.delivery != nil {
                    return (item, .uncertain(reason: "the transport returned no result for this message"))
                }
                return (item, .temporaryFailure(code: nil, reply: "not attempted: the batch was stopped"))
            }
        }
    }

    /// Everything the commits of this run made, and what they could not.
    func outcome() -> OutboxSettleResult {
        state.withLock { OutboxSettleResult(settled: $0.settled, problems: $0.problems) }
    }
}
