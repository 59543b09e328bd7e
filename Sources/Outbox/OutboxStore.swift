package import Foundation
package import Mail
package import Primitives

/// Where the outbox keeps its messages: the durable queue, the operators' moves, the sent-items archive and the
/// claims and settlements of the senders, said in states, ids, keys, labels and message bytes only.
///
/// ``Outbox`` keeps them in plain folders (one machine); ``InMemoryOutbox`` keeps them in memory (tests, previews);
/// a database backend can implement the same contract when a deployment outgrows one machine. Pick one with
/// `.inMemory(clock:)` or `Outbox(folder:clock:)`.
///
/// - Important: every implementation keeps the same promises, checked by the contract tests run over each:
///   one message per idempotency key (a purged key is never queued again); a message is in exactly one state;
///   a claimed message belongs to one lease until it is settled, and recovery never resends what a dead lease
///   may have handed over (it goes on hold); operators' moves are refused, with ``OutboxError/Code/wrongState``,
///   from states that do not allow them; lists are oldest first (by id).
package protocol OutboxStore: Sendable {
    /// Where "now" comes from, for ids, attempts, due dates and history.
    var clock: WallClock { get }

    // MARK: Queueing and looking

    /// Queues a message once per idempotency key; a key used before (whatever became of its message) queues nothing
    /// and returns the message already queued under it. With a `heldReason` the message goes straight on hold with
    /// that reason, in one step: no sender sees it until an operator releases it.
    /// - Throws: ``OutboxError`` `invalidKey`, `invalidMessage`, `storage`, or `purged` when the key's message was
    ///   purged from the archive.
    @discardableResult
    func queue(message: OutgoingMessage, key: String, labels: [String: String], heldReason: String?)
        throws(OutboxError) -> OutboxQueueResult

    /// A message by id, in whatever state it is.
    /// - Throws: ``OutboxError`` `notFound`, `purged` or `invalidID`.
    func show(_ id: String) throws(OutboxError) -> OutboxItem

    /// The message queued under an idempotency key, if any.
    func item(forKey key: String) throws(OutboxError) -> OutboxItem?

    /// The messages in a state (every state when nil) whose labels include every pair of `labels`, oldest first.
    func list(state: OutboxState?, labels: [String: String]) throws(OutboxError) -> [OutboxItem]

    /// How many messages are in each state (every state is present, zero included).
    func counts() -> [OutboxState: Int]

    /// The oldest message waiting to be sent (queued or deferred), if any.
    func oldestQueued() throws(OutboxError) -> OutboxItem?

    /// When a sender next has something to do: now if a message is queued (or cannot be read, so a sender
    /// should look at it), else the earliest `nextAttempt` of a deferred message; nil when nothing waits.
    /// Cheap and read-only, for a daemon that sleeps until then.
    func nextDue() -> Date?

    /// The bytes of a message, exactly as they are (or were) handed to the transport.
    func data(of id: String) throws(OutboxError) -> Data

    /// Every value of the label `name` on any message in any state; messages whose id sorts before `idsFrom` are
    /// skipped (ids begin with the queueing time).
    func labelValues(_ name: String, idsFrom: String) -> Set<String>

    // MARK: Operators' moves

    /// Makes an operator's move of one message (``retry(_:)``, ``hold(_:reason:)``, ``release(_:)``,
    /// ``cancel(_:reason:)``): refused with ``OutboxError/Code/wrongState`` unless the message is in one of the
    /// move's `from` states. The rules live in ``OperatorMove``; a store only says how it moves a message.
    @discardableResult
    func apply(_ move: OperatorMove, to id: String) throws(OutboxError) -> OutboxItem

    /// Removes finished messages (sent, failed or cancelled) whose labels satisfy `predicate` and whose last change
    /// of state is before `sentBefore` (when given), remembering their ids so their keys are never queued again.
    /// - Important: messages still queued, deferred, on hold or being sent are never purged.
    @discardableResult
    func purge(
        where predicate: ([String: String]) -> Bool, sentBefore: Date?, dryRun: Bool
    ) throws(OutboxError) -> OutboxArchive.PurgeReport

    // MARK: Sending

    /// The messages a sender may claim at `now`: every queued one and the deferred ones whose time has come
    /// (and any whose record cannot be read, so the claim puts it on hold rather than forgetting it), oldest first.
    /// - Throws: ``OutboxError`` when the store cannot be worked in safely (nothing should be sent).
    func due(at now: Date) throws(OutboxError) -> [OutboxDue]

    /// A sender's standing claim on the store: what it claims is its own until settled. While the lease object
    /// lives its claims are live; once it is gone (or its process died), ``recover(except:)`` decides for them.
    func openLease() throws(OutboxError) -> any OutboxLease

    /// Finishes what dead leases left: a settlement already recorded is completed, a claim never handed over goes
    /// back, and every other claimed message goes on hold (never resent by itself). `lease` is left alone.
    /// Returns the moves made, for the observer.
    func recover(except lease: (any OutboxLease)?) -> [OutboxEvent]
}

/// One sender's claim on an ``OutboxStore``: it claims due messages, then settles each by its outcome.
package protocol OutboxLease: AnyObject, Sendable {
    /// Claims each message that is still where `due` found it (whoever claims first owns it; the rest are skipped).
    ///
    /// - Important: a claimed message counts as possibly handed to the server once ``commit(_:sending:)`` named it
    ///   (or, for a store without that step, once this returns): if the lease dies before settling it, recovery
    ///   puts it on hold; one claimed but never named goes back to where it waited.
    func claim(_ due: [OutboxDue]) -> OutboxClaim

    /// Moves claimed messages to the state their outcome chose (the item of each settlement says it), filling in
    /// what the store keeps of a sent message. Returns the settlements made and a problem for each that was not.
    func settle(_ settlements: [OutboxSettlement]) -> OutboxSettleResult

    /// One group commit: settles `settlements` (as ``settle(_:)``) and records the claimed messages `sending` as
    /// about to be handed to the transport, all durable before it returns. A message of `sending` with a problem
    /// in the result was not recorded and must not be handed over.
    func commit(_ settlements: [OutboxSettlement], sending: [String]) -> OutboxSettleResult
}

extension OutboxLease {
    /// For a store whose claim already counts every claimed message as handed over (``InMemoryOutbox``): the
    /// settlements only.
    package func commit(_ settlements: [OutboxSettlement], sending: [String]) -> OutboxSettleResult {
        settle(settlements)
    }
}

/// What ``OutboxStore/queue(message:key:labels:)`` did.
package struct OutboxQueueResult: Sendable, Hashable {
    /// The message queued now, or the one already queued under the key (in whatever state it is now).
    package let item: OutboxItem
    /// True when this call queued the message; false when the key was already used.
    package let isNew: Bool

    /// A result.
    package init(item: OutboxItem, isNew: Bool) {
        self.item = item
        self.isNew = isNew
    }
}

/// A message a sender may claim, and the state it was due in.
package struct OutboxDue: Sendable, Hashable {
    /// The message id.
    package let id: String
    /// Where it waited: queued or deferred.
    package let state: OutboxState

    /// A due message.
    package init(id: String, state: OutboxState) {
        self.id = id
        self.state = state
    }
}

/// A claimed message with its outcome: the item in the state the outcome chose, and the move to report.
package struct OutboxSettlement: Sendable {
    /// The message in its new state, with the attempt recorded.
    package var item: OutboxItem
    /// The move, for the observer.
    package var event: OutboxEvent

    /// A settlement.
    package init(item: OutboxItem, event: OutboxEvent) {
        self.item = item
        self.event = event
    }
}

/// What ``OutboxLease/claim(_:)`` did.
package struct OutboxClaim: Sendable {
    /// A claimed message and its bytes, to hand to the transport.
    package struct Claimed: Sendable {
        /// The message, now active.
        package var item: OutboxItem
        /// Its bytes.
        package var data: Data

        /// A claimed message.
        package init(item: OutboxItem, data: Data) {
            self.item = item
            self.data = data
        }
    }

    /// The messages claimed.
    package var claimed: [Claimed] = []
    /// Messages refused (unsafe or unreadable) and put on hold; never sent.
    package var held: [OutboxEvent] = []
    /// What could not be recorded.
    package var problems: [OutboxSender.Problem] = []

    /// An empty claim.
    package init() {}
}

/// What ``OutboxLease/settle(_:)`` did.
package struct OutboxSettleResult: Sendable {
    /// The settlements fully made.
    package var settled: [OutboxSettlement] = []
    /// A problem for each settlement that was not.
    package var problems: [OutboxSender.Problem] = []

    /// A result.
    package init(settled: [OutboxSettlement] = [], problems: [OutboxSender.Problem] = []) {
        self.settled = settled
        self.problems = problems
    }
}

/// An operator's move of a message: its name, the states it may start from, where it goes and what it changes.
/// The same for every store.
package struct OperatorMove: Sendable {
    /// The operation's name, as refusals and logs say it (`retry`, `hold`, `release`, `cancel`).
    package let operation: String
    /// The states the message may be in.
    package let from: [OutboxState]
    /// The state it goes to.
    package let to: OutboxState
    /// Why, as the message's history records it.
    package let reason: String
    /// What else changes on the message, at the time of the move.
    package let update: @Sendable (inout OutboxItem, Date) -> Void

    /// Back in the queue, due now, its retry lifetime started again.
    static func requeue(_ operation: String, from: [OutboxState], reason: String) -> Self {
        OperatorMove(operation: operation, from: from, to: .queued, reason: reason) { item, now in
            item.nextAttempt = nil
            item.queuedAt = now
        }
    }

    static let retry = requeue("retry", from: [.deferred, .failed, .hold], reason: "retried by an operator")
    static let release = requeue("release", from: [.hold], reason: "released by an operator")

    static func hold(reason: String) -> Self {
        OperatorMove(operation: "hold", from: [.queued, .deferred], to: .hold, reason: reason) { _, _ in }
    }

    static func cancel(reason: String) -> Self {
        OperatorMove(operation: "cancel", from: [.queued, .deferred, .hold, .failed], to: .cancelled, reason: reason) {
            item, _ in item.nextAttempt = nil
        }
    }

    /// The refusal when the message is in `state`.
    func refusal(id: String, state: OutboxState) -> OutboxError {
        OutboxError(
            .wrongState, id: id, state: state, reason: OutboxRules.reason(operation, state: state, allowed: from))
    }
}

extension OutboxStore {
    /// Queues a message to be sent (not held); see ``queue(message:key:labels:heldReason:)``.
    @discardableResult
    package func queue(message: OutgoingMessage, key: String, labels: [String: String] = [:]) throws(OutboxError)
        -> OutboxQueueResult
    {
        try queue(message: message, key: key, labels: labels, heldReason: nil)
    }

    /// Puts a deferred, failed or held message back in the queue, due now (its retry lifetime starts again).
    @discardableResult
    package func retry(_ id: String) throws(OutboxError) -> OutboxItem { try apply(.retry, to: id) }

    /// Stops a queued or deferred message from being sent until it is released.
    @discardableResult
    package func hold(_ id: String, reason: String = "held by an operator") throws(OutboxError) -> OutboxItem {
        try apply(.hold(reason: reason), to: id)
    }

    /// Puts a held message back in the queue, due now.
    ///
    /// - Important: for a message held because its outcome was uncertain, this is the officer's explicit decision
    ///   to send it again (the recipient may get it twice).
    @discardableResult
    package func release(_ id: String) throws(OutboxError) -> OutboxItem { try apply(.release, to: id) }

    /// Takes a message that was not sent out of the queue, keeping it as cancelled for the record.
    @discardableResult
    package func cancel(_ id: String, reason: String = "cancelled by an operator") throws(OutboxError) -> OutboxItem {
        try apply(.cancel(reason: reason), to: id)
    }

    /// The sent-items archive of this store.
    package var archive: OutboxArchive { OutboxArchive(store: self) }

    /// The messages in a state (every state when nil), oldest first.
    package func list(state: OutboxState? = nil) throws(OutboxError) -> [OutboxItem] {
        try list(state: state, labels: [:])
    }

    /// The messages in any state whose labels include every pair of `labels`, oldest first.
    package func list(labels: [String: String]) throws(OutboxError) -> [OutboxItem] {
        try list(state: nil, labels: labels)
    }
}

extension OutboxStore where Self == InMemoryOutbox {
    /// A store kept in memory, for tests and dry runs; nothing survives the process.
    package static func inMemory(clock: WallClock) -> InMemoryOutbox { InMemoryOutbox(clock: clock) }
}

/// The rules every store applies the same way: what a refusal says, which ids and keys are valid, what a
/// purge chooses.
enum OutboxRules {
    static func reason(_ operation: String, state: OutboxState, allowed: [OutboxState]) -> String {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        switch state {
        case .sent:
            let done = ["retry": "retried", "hold": "held", "release": "released", "cancel": "cancelled"][operation]
            return "the message was sent; a sent message cannot be \(done ?? operation)"
        case .active: return "the message is being sent right now; try again when the attempt has finished"
        default: return "cannot \(operation) a message that is \(state.rawValue) (only one that is \(list))"
        }
    }

    static let interrupted = "interrupted while sending; the server may have accepted it"

    /// The finished messages a purge chooses, oldest first.
    static func chooseForPurge(
        _ items: [OutboxItem], where predicate: ([String: String]) -> Bool, sentBefore: Date?
    ) -> [OutboxItem] {
        items.filter { item in
            guard [.sent, .failed, .cancelled].contains(item.state), predicate(item.labels) else { return false }
            if let sentBefore, (item.history.last?.at ?? item.created) >= sentBefore { return false }
            return true
        }.sorted { $0.id < $1.id }
    }

    static func checkKey(_ key: String) throws(OutboxError) {
        guard !key.isEmpty, key.utf8.count <= 200 else {
            throw OutboxError(.invalidKey, reason: "an idempotency key has 1 to 200 bytes (got \(key.utf8.count))")
        }
    }

    static func checkID(_ id: String) throws(OutboxError) {
        guard MessageIDs.isValid(id) else {
            throw OutboxError(
                .invalidID, reason: "an outbox id has only letters, digits and '-' (got \(id.debugDescription))")
        }
    }
}
