import Dispatch
package import Foundation
import Outbox
import Primitives
import ServiceLifecycle
import Synchronization
import UnixSignals
import WorkingDays

// MARK: Services

/// Intake as a service: acknowledges new cases, then sleeps until a case is signalled (SIGUSR1,
/// ``Daemon/casesChanged()``), a failed acknowledgement is due again, or the safety interval passes (a case logged
/// while the daemon was down, or by a `pals` that could not signal it).
struct IntakeService: Service, CustomStringConvertible {
    let daemon: Daemon
    let safetyInterval: Duration
    var description: String { "intake" }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            daemon.activity.working(.intake)
            _ = daemon.casesWaiting.take()
            let daemon = self.daemon
            await BlockingWork.run { daemon.intakePass() }
            daemon.wakeSenderIfAlertsWait()
            let now = daemon.now
            var next = now.adding(safetyInterval)
            if let retry = daemon.intakeRetries.nextTry(after: now) { next = min(next, retry) }
            await daemon.wait(until: next, for: daemon.casesWaiting, as: .intake)
        }
    }
}

/// The deadline watcher as a service: queues the day's reminders, then sleeps until the next reminder time (a
/// working day at `reminders.time`, Europe/London), a minute when a reminder could not be queued, or the safety
/// interval (a clock that jumped); a reload wakes it, as the reminder time may have changed.
struct WatcherService: Service, CustomStringConvertible {
    let daemon: Daemon
    let safetyInterval: Duration
    var description: String { "deadline-watcher" }

    /// How soon reminders that could not be queued are tried again.
    static let retryDelay = Duration.seconds(60)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            daemon.activity.working(.watcher)
            _ = daemon.remindersWaiting.take()
            let daemon = self.daemon
            await BlockingWork.run { daemon.watcherPass() }
            daemon.wakeSenderIfAlertsWait()
            let now = daemon.now
            let planner = daemon.planner
            let unfinished = planner.isReminderTime(now) && daemon.remindersDone.withLock { $0 != CivilDate(now) }
            let due = unfinished ? now.adding(Self.retryDelay) : planner.nextReminderTime(after: now)
            await daemon.wait(until: min(due, now.adding(safetyInterval)), for: daemon.remindersWaiting, as: .watcher)
        }
    }
}

/// The outbox sender as a service: recovers, then sends what is due and sleeps until the next message is due (the
/// earliest retry of a deferred message), an officer's alert window ends, mail is queued (intake, the watcher,
/// SIGUSR1) or the safety interval passes (mail queued by another `pals`). A pass in flight always finishes.
struct SenderService: Service, CustomStringConvertible {
    let daemon: Daemon
    let safetyInterval: Duration
    var description: String { "sender" }

    /// The shortest sleep when something is due but the last pass moved nothing (claimed by another sender, say),
    /// so a message that cannot move never makes the sender spin.
    static let stalledDelay = Duration.seconds(1)

    func run() async throws {
        await daemon.recover()
        // Whether the last pass found work due but moved nothing (alerts its end queued, or a message it could not
        // claim): the next pass goes at once, once; after that the sender waits ``stalledDelay``.
        var stalled = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            daemon.activity.working(.sender)
            _ = daemon.mailWaiting.take()
            // A shutdown stops the pass from claiming more; the SMTP transactions in flight finish.
            let report = await daemon.senderPass()
            let now = daemon.now
            var next = now.adding(safetyInterval)
            let postroom = daemon.postroom
            let outboxDue = await BlockingWork.run { postroom.outbox.nextDue() }
            let due = [outboxDue, postroom.alerts.nextDue()].compactMap { $0 }.min()
            if let due, due <= now, report.total == 0 {
                next = stalled ? now.adding(Self.stalledDelay) : now
                stalled.toggle()
            } else {
                if let due { next = min(next, due) }
                stalled = false
            }
            await daemon.wait(until: next, for: daemon.mailWaiting, as: .sender)
        }
        // Alerts still waiting for their window are queued, to be sent at the next start.
        let daemon = self.daemon
        await BlockingWork.run { daemon.sendPendingAlerts() }
    }
}

/// Listens for SIGUSR1, which `pals case new` sends to a running daemon so a new case is acknowledged at once.
struct WakeService: Service, CustomStringConvertible {
    let daemon: Daemon
    let wakeups: UnixSignalsSequence?
    var description: String { "wake-on-SIGUSR1" }

    func run() async throws {
        let signals: UnixSignalsSequence
        if let wakeups { signals = wakeups } else { signals = await UnixSignalsSequence(trapping: .sigusr1) }
        for await _ in signals.cancelOnGracefulShutdown() {
            daemon.casesChanged()
        }
    }
}

/// Listens for SIGHUP (`systemctl reload`), which makes the daemon read `pals.yaml` and `Templates/` again.
struct ReloadService: Service, CustomStringConvertible {
    let daemon: Daemon
    let hangups: UnixSignalsSequence?
    var description: String { "reload-on-SIGHUP" }

    func run() async throws {
        let signals: UnixSignalsSequence
        if let hangups { signals = hangups } else { signals = await UnixSignalsSequence(trapping: .sighup) }
        for await _ in signals.cancelOnGracefulShutdown() {
            await daemon.reloadOffPool()
        }
    }
}

// MARK: Waking and sleeping

/// A wake-up one service raises and another waits for, to start its next pass at once rather than when its sleep
/// ends (a new case for intake, queued mail for the sender, a reload for the watcher).
///
/// Raising it twice before it is taken is one wake-up. It stays raised until ``take()``, so a wake-up raised while
/// the service works is not lost: the service's next wait returns at once.
final class WakeSignal: Sendable {
    private struct State: Sendable {
        var raised = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Raises the signal, waking the service waiting for it.
    func raise() {
        let waiter = state.withLock { state in
            state.raised = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Whether the signal is raised and not yet taken.
    var isRaised: Bool { state.withLock { $0.raised } }

    /// Whether the signal was raised since the last take; lowers it.
    func take() -> Bool {
        state.withLock { state in
            defer { state.raised = false }
            return state.raised
        }
    }

    /// Returns once the signal is raised (leaving it raised) or the task is cancelled. One waiter at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // A waiter left over (there is one at a time) is let go rather than leaked.
                let (resumeAtOnce, previous) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                    if state.raised || Task.isCancelled { return (true, nil) }
                    defer { state.waiter = continuation }
                    return (false, state.waiter)
                }
                previous?.resume()
                if resumeAtOnce { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }
}

extension Daemon {
    /// Sleeps on the daemon's clock until `deadline` (on its wall clock), returning early when `signal` is raised
    /// or the daemon shuts down gracefully.
    func wait(until deadline: Date, for signal: WakeSignal, as service: DaemonActivity.Service) async {
        activity.sleeping(service, until: deadline)
        let delay = deadline.timeIntervalSince(now)
        guard delay > 0, !signal.isRaised, !Task.isShuttingDownGracefully else { return }
        let clock = sleepClock
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(for: .seconds(delay)) }
                group.addTask { await signal.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

/// What each of the daemon's looping services is doing: working, or sleeping until a time. A test harness reads
/// it to know when the daemon has nothing left to do before it moves its clock on.
package final class DaemonActivity: Sendable {
    /// The daemon's looping services.
    package enum Service: Sendable, Hashable, CaseIterable {
        case intake, watcher, sender
        case mailbox
    }

    /// What one service is doing.
    package enum State: Sendable, Hashable {
        case working
        case sleeping(until: Date)
    }

    private let states = Mutex<[Service: State]>([:])

    func working(_ service: Service) { states.withLock { $0[service] = .working } }

    func sleeping(_ service: Service, until deadline: Date) {
        states.withLock { $0[service] = .sleeping(until: deadline) }
    }

    /// The state of every service that has started.
    package var snapshot: [Service: State] { states.withLock { $0 } }

    /// Whether every looping service sleeps until after `now`.
    package func allAsleep(now: Date) -> Bool {
        let states = snapshot
        return Service.allCases.allSatisfy { service in
            if case .sleeping(let until)? = states[service] { return until > now }
            return false
        }
    }
}

// MARK: Blocking work

/// Runs blocking work (SQLite reads and writes, PDF rendering, file moves) on a Dispatch thread, so the daemon's
/// services never hold one of the cooperative pool's threads (two on these machines) while they wait on it.
///
/// Each call gets its own serial queue: such a queue may always start a thread of its own, where the global
/// concurrent queues keep to one thread a core, so work waiting there (a test's child processes) would hold up
/// the daemon.
enum BlockingWork {
    /// Runs `body` on a Dispatch thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "pals.daemon.blocking").async { continuation.resume(returning: body()) }
        }
    }
}

extension Date {
    /// This instant plus a duration.
    func adding(_ duration: Duration) -> Date {
        let (seconds, attoseconds) = duration.components
        return addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
