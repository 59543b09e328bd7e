package import Foundation
package import Primitives
import Synchronization

/// A clock for tests that moves only when told: it gives both "now" (``wallClock``, a ``WallClock`` starting at a
/// chosen instant) and sleeping (it is a `Clock`), so a test runs a week of a daemon's life in milliseconds.
///
/// Sleepers wait until ``advance(by:)`` or ``advance(to:)`` moves the clock past their deadline; a sleeper whose
/// task is cancelled wakes at once with `CancellationError`, as with `ContinuousClock`.
package final class TestClock: Clock, Sendable {
    /// A point on the test clock: the time since it started.
    package struct Instant: InstantProtocol, Sendable, Hashable {
        /// The time since the clock's start.
        package var offset: Duration

        package init(offset: Duration) { self.offset = offset }

        package func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper: Sendable {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State: Sendable {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
    }

    /// The wall-clock instant the clock started at.
    package let start: Date
    private let state = Mutex(State())

    /// A clock whose wall time starts at `start`.
    package init(start: Date) {
        self.start = start
    }

    /// A clock whose wall time starts at an ISO 8601 instant such as `2026-11-25T09:00:00Z`.
    package convenience init(_ iso: String) {
        guard let start = ISO8601DateFormatter().date(from: iso) else { preconditionFailure("not ISO 8601: \(iso)") }
        self.init(start: start)
    }

    package var now: Instant { state.withLock { $0.now } }
    package var minimumResolution: Duration { .zero }

    /// The wall-clock time now.
    package var date: Date { start.addingTimeInterval(Self.seconds(now.offset)) }

    /// "Now" for the code under test: the wall time of this clock.
    package var wallClock: WallClock { WallClock { self.date } }

    /// How many tasks sleep on the clock.
    package var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The wall time at which the earliest sleeper wakes, if any sleeps.
    package var nextWake: Date? {
        state.withLock { $0.sleepers.values.map(\.deadline).min() }
            .map { start.addingTimeInterval(Self.seconds($0.offset)) }
    }

    package func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on by `duration` and wakes every sleeper whose deadline has come.
    package func advance(by duration: Duration) {
        precondition(duration >= .zero, "a clock never goes back")
        let woken = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Moves the clock on to the wall time `date` (nothing happens if it is already there or later).
    package func advance(to date: Date) {
        let ahead = date.timeIntervalSince(self.date)
        guard ahead > 0 else { return }
        // Whole microseconds, rounded up, so a sleeper due at exactly `date` wakes.
        advance(by: .microseconds(Int64((ahead * 1_000_000).rounded(.up))))
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
