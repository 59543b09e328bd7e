package import Foundation
package import Logging
package import Mail
internal import Primitives

/// A message moved by a sender (or by recovery), for the caller to flag the case and alert the officer.
package struct OutboxEvent: Sendable, Hashable {
    /// Where the message went.
    package enum Kind: String, Sendable, Hashable {
        /// Accepted by the server; now in the sent archive.
        case delivered
        /// A temporary failure; it will be tried again at ``OutboxEvent/nextAttempt``.
        case deferred
        /// Given up (a permanent failure, or retried too long); in `failed/`.
        case failed
        /// On hold for an officer (uncertain outcome, or interrupted while sending).
        case held
    }

    /// Where the message went.
    package let kind: Kind
    /// The message id.
    package let id: String
    /// Its idempotency key.
    package let key: String
    /// Its labels, such as `case` and `kind`.
    package let labels: [String: String]
    /// The server's last reply (or the transport's reason), if any.
    package let reply: String?
    /// Why the message is where it is now (the reply, the retry policy's reason, the hold reason).
    package let reason: String?
    /// How many attempts the message has had.
    package let attempts: Int
    /// For a deferred message, when it is due again.
    package let nextAttempt: Date?
    /// When the move happened.
    package let at: Date

    /// The move of `item` into its current state, made at `time` (for stores reporting their moves).
    package init(_ item: OutboxItem, at time: Date) {
        switch item.state {
        case .sent: kind = .delivered
        case .deferred: kind = .deferred
        case .failed: kind = .failed
        default: kind = .held
        }
        id = item.id
        key = item.key
        labels = item.labels
        reply = item.lastReply
        reason = item.reason
        attempts = item.attempts.count
        nextAttempt = item.nextAttempt
        at = time
    }
}

/// Called for every message a sender (or its recovery) moves; awaited before the sender goes on.
///
/// - Important: at most once per move: if the process dies between a move and its call, the call is lost.
///   Reconcile at start-up with ``OutboxStore/list(state:labels:)`` of `.failed` and `.hold`.
package typealias OutboxObserver = @Sendable (OutboxEvent) async -> Void

/// Sends due messages of an ``OutboxStore`` through a ``MailTransport`` and moves each by its outcome.
///
/// Queued and due deferred messages are taken oldest first, in batches of `batchSize` (a batch goes to the
/// transport in one call, so a reused connection carries several messages); up to `lanes` batches are in
/// flight at once. Each message is claimed under this sender's lease just before its batch is handed over
/// (for ``Outbox``, renamed into its `active/<owner>/` folder); whoever claims first owns it, so two lanes or two
/// sender processes never send the same message.
/// Outcomes: delivered → the sent Maildir with the reply; temporary or permanent failure → the ``RetryPolicy``
/// chooses `deferred/` or `failed/`; uncertain → `hold/` (never resent without an officer).
package final class OutboxSender: Sendable {
    /// The store sent from.
    package let outbox: any OutboxStore
    /// How many batches may be in flight at once.
    package let lanes: Int
    /// How many messages go to the transport in one call.
    package let batchSize: Int
    private let transport: any MailTransport
    private let policy: any RetryPolicy
    private let observer: OutboxObserver?
    private let afterPass: (@Sendable () async -> Void)?
    private let logger: Logger
    private let lease: any OutboxLease
    private let committer: GroupCommit

    /// A sender; it opens its own lease on the store (for ``Outbox``, a folder in `active/` with a lock held until
    /// the sender is released).
    /// - Parameters:
    ///   - outbox: where the messages are (``Outbox`` or ``InMemoryOutbox``).
    ///   - transport: what delivers them (``CurlSMTPTransport`` in production, ``InMemoryTransport`` in tests).
    ///   - policy: when to retry a failure (Postfix-like by default).
    ///   - lanes: how many batches may be in flight at once (1 to 64).
    ///   - batchSize: how many messages go to the transport in one call (1 to 1000). A larger batch reuses a
    ///     connection more; if the process dies mid-batch, only the messages recorded as being handed over (at most
    ///     the transport's ``MailTransport/parallelism``) go on hold, and the rest go back to the queue.
    ///   - observer: told of every move.
    ///   - afterPass: called at the end of every ``sendDue(while:)`` and ``recover()``, after the observer was told
    ///     of every move of the pass (to send what the pass gathered, such as one alert per officer).
    ///   - logger: where moves that could not be recorded and recoveries are logged (message ids, never addresses).
    package init(
        outbox: some OutboxStore, transport: some MailTransport, policy: some RetryPolicy = .postfix, lanes: Int = 1,
        batchSize: Int = 10, observer: OutboxObserver? = nil, afterPass: (@Sendable () async -> Void)? = nil,
        logger: Logger = .outboxSilent
    ) throws(OutboxError) {
        self.outbox = outbox
        self.transport = transport
        self.policy = policy
        self.lanes = min(max(lanes, 1), 64)
        self.batchSize = min(max(batchSize, 1), 1000)
        self.observer = observer
        self.afterPass = afterPass
        self.logger = logger
        let lease = try outbox.openLease()
        self.lease = lease
        self.committer = GroupCommit(lease: lease)
    }

    /// Something the sender could not record or do: a message whose move could not be written, or an outbox it
    /// refused to work in. Reported, never hidden: a caller that reports success despite one is wrong.
    package struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The message concerned, if any.
        package var id: String?
        /// Its labels (such as `case` and `kind`), when known.
        package var labels: [String: String]
        /// What failed.
        package var error: OutboxError
        /// True when the server had accepted the message before the failure.
        package var wasAccepted: Bool
        /// What becomes of the message, in words for the operator.
        package var consequence: String

        /// A problem record.
        package init(id: String?, labels: [String: String], error: OutboxError, wasAccepted: Bool, consequence: String)
        {
            self.id = id
            self.labels = labels
            self.error = error
            self.wasAccepted = wasAccepted
            self.consequence = consequence
        }

        /// One line naming the message, its case and kind (never a person), what happened and what comes next.
        package var description: String {
            var what = id ?? "the outbox"
            if let kind = labels["kind"], let reference = labels["case"] {
                what += " (\(kind) for \(reference))"
            } else if let reference = labels["case"] {
                what += " (\(reference))"
            }
            let accepted = wasAccepted ? "accepted by the server, but " : ""
            return "\(what): \(accepted)\(consequence): \(error)"
        }
    }

    /// What a pass or a drain did.
    package struct Report: Sendable, Hashable {
        /// Messages accepted by the server.
        package var delivered = 0
        /// Messages deferred after a temporary failure.
        package var deferred = 0
        /// Messages that failed.
        package var failed = 0
        /// Messages put on hold.
        package var held = 0
        /// What could not be recorded (each message here is counted in none of the numbers above).
        package var problems: [Problem] = []
        /// Every message moved.
        package var total: Int { delivered + deferred + failed + held }

        /// An empty report.
        package init() {}

        mutating func count(_ event: OutboxEvent) {
            switch event.kind {
            case .delivered: delivered += 1
            case .deferred: deferred += 1
            case .failed: failed += 1
            case .held: held += 1
            }
        }

        /// The sum of two reports.
        package static func + (lhs: Report, rhs: Report) -> Report {
            var sum = lhs
            sum.delivered += rhs.delivered
            sum.deferred += rhs.deferred
            sum.failed += rhs.failed
            sum.held += rhs.held
            sum.problems += rhs.problems
            return sum
        }
    }

    /// Recovers what senders that died left in `active/`: finished moves are completed, claimed-but-unsent messages
    /// go back, and everything else goes on hold (never resent). Tells the observer of each move.
    @discardableResult
    package func recover() async -> [OutboxEvent] {
        let events = outbox.recover(except: lease)
        for event in events {
            logger.notice(
                "outbox: recovered a message a stopped sender left",
                metadata: ["outbox.id": "\(event.id)", "outbox.moved": "\(event.kind.rawValue)"])
            await observer?(event)
        }
        await afterPass?()
        return events
    }

    /// Sends every message due now, once; returns what happened.
    /// - Parameter keepGoing: asked before each batch is claimed; once it answers false (a daemon shutting down),
    ///   no new batch is claimed and the batches in flight finish.
    @discardableResult
    package func sendDue(while keepGoing: @escaping @Sendable () -> Bool = { true }) async -> Report {
        let report = await sendDueMessages(while: keepGoing)
        await afterPass?()
        return report
    }

    private func sendDueMessages(while keepGoing: @escaping @Sendable () -> Bool) async -> Report {
        let due: [OutboxDue]
        do throws(OutboxError) {
            due = try outbox.due(at: outbox.clock.now())
        } catch {
            logger.error("outbox: refused to send", metadata: ["outbox.error": "\(error)"])
            var refused = Report()
            refused.problems.append(
                Problem(id: nil, labels: [:], error: error, wasAccepted: false, consequence: "nothing was sent"))
            return refused
        }
        guard !due.isEmpty else { return Report() }
        let batches = stride(from: 0, to: due.count, by: batchSize).map {
            Array(due[$0..<min($0 + batchSize, due.count)])
        }
        return await withTaskGroup(of: Report.self) { group in
            var next = 0
            var report = Report()
            while next < min(lanes, batches.count), keepGoing() {
                let batch = batches[next]
                group.addTask { await self.send(batch) }
                next += 1
            }
            while let done = await group.next() {
                report = report + done
                if next < batches.count, !Task.isCancelled, keepGoing() {
                    let batch = batches[next]
                    group.addTask { await self.send(batch) }
                    next += 1
                }
            }
            return report
        }
    }

    /// Runs ``recover()`` then passes of ``sendDue()`` until a pass finds nothing due (or moves nothing); the
    /// report counts the moves of the recovery too.
    @discardableResult
    package func drain() async -> Report {
        var report = Report()
        for event in await recover() { report.count(event) }
        while !Task.isCancelled {
            let pass = await sendDue()
            report = report + pass
            if pass.total == 0 { break }
        }
        return report
    }

    /// Recovers, then sends what is due every `interval` until the task is cancelled.
    package func run<C: Clock>(every interval: Duration, clock: C) async throws where C.Duration == Duration {
        await recover()
        while !Task.isCancelled {
            await sendDue()
            try await clock.sleep(for: interval)
        }
    }

    /// Claims one batch, hands it to the transport, and settles each message as its SMTP transaction ends.
    ///
    /// Before the transport may start a message, a group commit records it as being handed over: the first
    /// ``MailTransport/parallelism`` at once, then one more with each settlement (the transport starts a message
    /// only after settling one). So at any moment at most one message per transport lane is recorded as handed
    /// over and not yet settled: a kill holds only those, and the rest of the batch goes back to the queue.
    private func send(_ batch: [OutboxDue]) async -> Report {
        guard !Task.isCancelled else { return Report() }  // shutting down: claim nothing more
        let claim = lease.claim(batch)
        let lost = batch.count - claim.claimed.count - claim.held.count - claim.problems.count
        if lost > 0 {
            logger.debug(
                "outbox: another sender or an operator took messages first", metadata: ["outbox.count": "\(lost)"])
        }
        var report = Report()
        report.problems = claim.problems
        log(claim.problems)
        for event in claim.held {
            logger.warning(
                "outbox: a message could not be read safely and was put on hold",
                metadata: ["outbox.id": "\(event.id)", "outbox.reason": "\(event.reason ?? "")"])
        }
        for event in claim.held {
            report.count(event)
            await observer?(event)
        }
        guard !claim.claimed.isEmpty else { return report }
        var unsendable: [OutboxSettlement] = []
        var outgoing: [OutgoingMessage] = []
        var sending: [OutboxItem] = []
        for (item, data) in claim.claimed.map({ ($0.item, $0.data) }) {
            do throws(OutboxError) {
                outgoing.append(try item.outgoing(data: data))
                sending.append(item)
            } catch {
                unsendable.append(settle(item, .permanentFailure(code: nil, reply: error.reason)))
            }
        }
        let run = BatchRun(sending)
        let first = run.nextToMark(min(max(transport.parallelism, 1), sending.count))
        let opening = await committer.commit(unsendable, sending: first)
        run.record(opening)
        if opening.problems.contains(where: { $0.id.map(first.contains) ?? false }) {
            // The first messages could not be recorded as being handed over: send nothing of this batch.
            logger.error("outbox: could not record a message as being sent; the batch waits for its next attempt")
            run.stop()
        } else if !outgoing.isEmpty {
            let delivery = Task {
                await transport.deliver(outgoing) { result in await self.settled(result, in: run) }
            }
            run.attach(delivery)
            let results = await withTaskCancellationHandler {
                await delivery.value
            } onCancel: {
                delivery.cancel()
            }
            run.returned(results)
        }
        // Whatever the transport did not settle (or was never started) is settled now, by its returned outcome.
        var leftover: [OutboxSettlement] = []
        for (item, outcome) in run.unsettled() { leftover.append(settle(item, outcome)) }
        run.record(await committer.commit(leftover, sending: []))
        let outcome = run.outcome()
        report.problems += outcome.problems
        log(outcome.problems)
        for settlement in outcome.settled {
            report.count(settlement.event)
            await observer?(settlement.event)
        }
        return report
    }

    /// One message's result, as the transport settles it: recorded with the mark of the next message to start.
    private func settled(_ result: DeliveryResult, in run: BatchRun) async {
        guard let label = result.label, let item = run.beginSettling(label) else { return }
        let next = run.nextToMark(1)
        let committed = await committer.commit([settle(item, result.outcome)], sending: next)
        run.record(committed)
        if committed.problems.contains(where: { $0.id.map(next.contains) ?? false }) {
            // The next message could not be recorded as being handed over: stop the batch before it starts.
            logger.error("outbox: could not record a message as being sent; the rest of the batch waits")
            run.stop()
        }
    }

    /// Where one outcome sends a message, with the attempt recorded.
    private func settle(_ claimed: OutboxItem, _ outcome: DeliveryOutcome) -> OutboxSettlement {
        var item = claimed
        let now = outbox.clock.now()
        item.attempts.append(OutboxItem.Attempt(at: now, outcome))
        item.nextAttempt = nil
        switch outcome {
        case .delivered(let reply):
            item.lastReply = reply
            item.enter(.sent, at: now, reason: reply)
        case .uncertain(let reason):
            item.lastReply = reason
            item.enter(.hold, at: now, reason: reason)
        case .temporaryFailure(_, let reply), .permanentFailure(_, let reply):
            item.lastReply = reply
            let attempts = item.attempts.filter { $0.at >= item.queuedAt }.count
            switch policy.decide(after: outcome, attempt: attempts, queuedAt: item.queuedAt, now: now) {
            case .retry(let time):
                item.nextAttempt = time
                item.enter(.deferred, at: now, reason: reply)
            case .fail(let reason):
                item.enter(.failed, at: now, reason: reason)
            }
        }
        return OutboxSettlement(item: item, event: OutboxEvent(item, at: now))
    }

    /// Logs what could not be recorded (each is in the report too), by message id.
    private func log(_ problems: [Problem]) {
        for problem in problems {
            logger.error(
                "outbox: a move could not be recorded",
                metadata: [
                    "outbox.id": "\(problem.id ?? "-")", "outbox.accepted": "\(problem.wasAccepted)",
                    "outbox.error": "\(problem.error)",
                ])
        }
    }
}
