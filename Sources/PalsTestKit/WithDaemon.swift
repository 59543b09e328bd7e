import Casework
import Dispatch
package import Engine
package import Foundation
package import Logging
package import Mail
import Outbox
package import Primitives
import ServiceLifecycle
import Synchronization

/// How a test daemon's stores are made: the case store (a ``Casebook`` over a register) and the postroom with its
/// outbox: the SQLite register and the folder outbox of a real workspace, or their in-memory twins.
package struct DaemonStores: Sendable, CustomStringConvertible {
    /// What the stores are, for a parameterized test's name.
    package var name: String
    /// Opens the cases of a workspace on a clock.
    package var casebook: @Sendable (Workspace, WallClock) throws -> Casebook
    /// Makes the postroom (letters, outbox, alerts) of a casebook.
    package var postroom: @Sendable (Casebook, Logger) throws -> Postroom

    package init(
        name: String = "custom stores",
        casebook: @escaping @Sendable (Workspace, WallClock) throws -> Casebook,
        postroom: @escaping @Sendable (Casebook, Logger) throws -> Postroom
    ) {
        self.name = name
        self.casebook = casebook
        self.postroom = postroom
    }

    package var description: String { name }

    /// The workspace's SQLite register and its `Outbox/` folders.
    package static var sqliteAndFolders: DaemonStores {
        DaemonStores(
            name: "SQLite register and folder outbox",
            casebook: { workspace, clock in try Casebook(workspace: workspace, clock: clock) },
            postroom: { casebook, logger in try Postroom(casebook: casebook, logger: logger) })
    }

    /// An ``InMemoryCaseStore`` and an ``InMemoryOutbox``, made afresh each time this is read: nothing of the cases
    /// or the messages reaches the workspace's register or `Outbox/` folder. One value keeps its stores across the
    /// daemons it starts (a restart test passes the same value to each ``withDaemon(in:clock:stores:…)``).
    package static var inMemory: DaemonStores {
        let cases = InMemoryCaseStore.inMemory()
        let outbox = Mutex<InMemoryOutbox?>(nil)
        return DaemonStores(
            name: "in-memory case store and outbox",
            casebook: { workspace, clock in
                let store = outbox.withLock { made in
                    if let made { return made }
                    let fresh = InMemoryOutbox.inMemory(clock: clock)
                    made = fresh
                    return fresh
                }
                return Casebook(workspace: workspace, register: cases, outbox: store, clock: clock)
            },
            postroom: { casebook, logger in try Postroom(casebook: casebook, logger: logger) })
    }

    /// Both kinds of stores, for tests that must hold over each.
    package static var all: [DaemonStores] { [.sqliteAndFolders, .inMemory] }
}

/// A workspace for in-process daemon tests, made as `pals init` makes one, in a temporary folder; it outlives one
/// ``withDaemon(in:…)`` so a test can stop a daemon and start another on the same cases.
package struct DaemonWorkspace: Sendable {
    /// The temporary folder holding the workspace.
    package let folder: TemporaryFolder
    /// The workspace folder (`pals.yaml`, `Templates/`, `Outbox/`, the register).
    package let root: URL

    /// Makes the workspace; `configure` may edit its files (`pals.yaml`) before any daemon opens it.
    package init(configure: (URL) throws -> Void = { _ in }) throws {
        folder = try TemporaryFolder("daemon")
        root = folder.appending("ws")
        try Workspace.create(at: root)
        try configure(root)
    }

    /// Replaces `old` (which must appear) with `new` in `pals.yaml`.
    package func editConfiguration(replacing old: String, with new: String) throws {
        let file = root.appending(path: "pals.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        guard text.contains(old) else { throw HarnessError("pals.yaml has no \(old)") }
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    /// Removes the workspace and its folder.
    package func remove() { folder.remove() }

    /// The example complaint (every person in it invented) with its own email address, receipt time and settings.
    /// - Parameters:
    ///   - email: the complainant's address.
    ///   - received: when it was received (ISO 8601); by default the example's Monday 23 November 2026.
    ///   - preferredContact: `email` or `post`.
    package static func complaint(
        email: String = "eira.example@example.org", received: String = "2026-11-23T10:15:00Z",
        preferredContact: String = "email", officer: String = "alex"
    ) throws -> Data {
        let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
            .replacingOccurrences(of: "eira.example@example.org", with: email)
            .replacingOccurrences(of: "2026-11-23T10:15:00Z", with: received)
            .replacingOccurrences(
                of: "\"preferredContact\": \"email\"", with: "\"preferredContact\": \"\(preferredContact)\""
            )
            .replacingOccurrences(of: "\"officer\": \"alex\"", with: "\"officer\": \"\(officer)\"")
        return Data(text.utf8)
    }

    /// `Examples/complaint.json` of the repository.
    package static let exampleComplaint = URL(filePath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "Examples/complaint.json")
}

/// A harness failure: a wait that ran out of time, a daemon that would not stop.
package struct HarnessError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Runs a daemon in-process over a test workspace, with the in-memory mail transport and a ``TestClock`` that drives
/// both its "now" and its sleeping; shuts it down gracefully at the end (as SIGTERM would).
///
/// The daemon's services (intake, the deadline watcher, the sender) run in a `ServiceGroup`; nothing listens for
/// signals: call ``Daemon/casesChanged()`` for SIGUSR1 and ``Daemon/reload()`` for SIGHUP. Use
/// ``TestClock/settle(_:within:)`` to wait until the daemon has done everything due, and
/// ``TestClock/run(_:until:within:)`` to move time on.
/// - Parameters:
///   - workspace: the workspace to run on (kept); by default a fresh one, removed at the end.
///   - start: the wall time the clock starts at (default Wednesday 25 November 2026, 09:00 UTC).
///   - stores: how the case store and the outbox are made.
///   - transport: the transport, scripted as the test needs (default: every message delivered).
///   - safetyInterval: the longest intake and the watcher sleep without a signal.
///   - senderSafetyInterval: the longest the sender sleeps without a signal.
///   - body: the test; it is given the daemon, the clock and the transport.
package func withDaemon<T: Sendable>(
    in workspace: DaemonWorkspace? = nil, start: String = "2026-11-25T09:00:00Z",
    stores: DaemonStores = .sqliteAndFolders, transport: InMemoryTransport = InMemoryTransport(),
    safetyInterval: Duration = Daemon.defaultSafetyInterval,
    senderSafetyInterval: Duration = Daemon.senderSafetyInterval,
    _ body: (Daemon, TestClock, InMemoryTransport) async throws -> T
) async throws -> T {
    let clock = TestClock(start)
    return try await withDaemon(
        in: workspace, clock: clock, stores: stores, transport: transport, safetyInterval: safetyInterval,
        senderSafetyInterval: senderSafetyInterval, body)
}

/// ``withDaemon(in:start:stores:transport:safetyInterval:senderSafetyInterval:_:)`` on a clock the test already has (a
/// daemon restarted later in the same simulated week).
package func withDaemon<T: Sendable>(
    in workspace: DaemonWorkspace? = nil, clock: TestClock, stores: DaemonStores = .sqliteAndFolders,
    transport: InMemoryTransport = InMemoryTransport(), safetyInterval: Duration = Daemon.defaultSafetyInterval,
    senderSafetyInterval: Duration = Daemon.senderSafetyInterval,
    _ body: (Daemon, TestClock, InMemoryTransport) async throws -> T
) async throws -> T {
    let owned = workspace == nil
    let workspace = try workspace ?? DaemonWorkspace()
    defer { if owned { workspace.remove() } }
    let logger = Logger(label: "pals.test-daemon") { _ in SwiftLogNoOpLogHandler() }
    let opened = try Workspace.open(at: workspace.root, environment: [:])
    let casebook = try stores.casebook(opened, clock.wallClock)
    let postroom = try stores.postroom(casebook, logger)
    let daemon = try Daemon(
        postroom: postroom, lanes: 1, environment: [:], transport: transport, sleepClock: clock, logger: logger)
    let group = ServiceGroup(
        configuration: .init(
            services: daemon.services(
                safetyInterval: safetyInterval, senderSafetyInterval: senderSafetyInterval, listeningForSignals: false
            )
            .map { .init(service: $0) },
            gracefulShutdownSignals: [], logger: logger))
    // The daemon and the test run on a thread of their own: other suites that block the cooperative pool (two
    // threads here) cannot hold them up.
    let executor = DedicatedTaskExecutor(label: "pals.test-daemon")
    let running = Task(executorPreference: executor) { try await group.run() }
    let result: T
    do {
        result = try await withTaskExecutorPreference(executor) { try await body(daemon, clock, transport) }
    } catch {
        await stop(group, running)
        throw error
    }
    try await stop(group, running, within: 60)
    return result
}

/// Shuts the group down gracefully and waits for it, up to `seconds` of real time; then cancels it and throws.
private func stop(_ group: ServiceGroup, _ running: Task<Void, any Error>, within seconds: Double) async throws {
    await group.triggerGracefulShutdown()
    let stopped = await withTaskGroup(of: Bool.self) { waits in
        waits.addTask {
            _ = try? await running.value
            return true
        }
        waits.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return false
        }
        let first = await waits.next() ?? false
        waits.cancelAll()
        return first
    }
    guard stopped else {
        running.cancel()
        throw HarnessError("the daemon did not shut down within \(seconds) s")
    }
    if case .failure(let error) = await running.result { throw error }
}

/// Stops the group after the test failed, without hiding the test's error.
private func stop(_ group: ServiceGroup, _ running: Task<Void, any Error>) async {
    try? await stop(group, running, within: 60)
}

extension TestClock {
    /// Waits until the daemon has done everything due at the current time: every service sleeps on this clock
    /// until a later time, and no wake-up is pending. Throws after `seconds` of real time.
    package func settle(_ daemon: Daemon, within seconds: Double = 60) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !(daemon.isIdle && sleeperCount >= DaemonActivity.Service.allCases.count) {
            guard ContinuousClock.now < deadline else {
                // What stayed false: a service awake or sleeping until a time already passed, a raised wake-up
                // (idle false although all sleep), or a service sleeping on another clock (too few sleepers here).
                throw HarnessError(
                    "the daemon was still busy after \(seconds) s: \(daemon.activity.snapshot); idle \(daemon.isIdle), "
                        + "\(sleeperCount) sleepers on the test clock (next wake \(nextWake.map { "\($0)" } ?? "none")), "
                        + "clock at \(date)")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Moves the clock on to `date`, stopping at each time a service wakes and letting the daemon settle there, so
    /// every reminder time, retry and alert window on the way happens in order.
    package func run(_ daemon: Daemon, until date: Date, within seconds: Double = 60) async throws {
        try await settle(daemon, within: seconds)
        while self.date < date {
            advance(to: min(nextWake ?? date, date))
            try await settle(daemon, within: seconds)
        }
    }

    /// Moves the clock on by `duration` the way ``run(_:until:within:)`` does.
    package func run(_ daemon: Daemon, for duration: Duration, within seconds: Double = 60) async throws {
        try await run(daemon, until: date.addingTimeInterval(Self.seconds(duration)), within: seconds)
    }
}

/// A task executor with one Dispatch thread of its own (a serial queue, which Dispatch always gives a thread).
final class DedicatedTaskExecutor: TaskExecutor, Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
