import ServiceLifecycle
import Synchronization
import UnixSignals

/// A service that runs a pass, waits, and runs it again until the daemon shuts down.
struct LoopService: Service, CustomStringConvertible {
    let name: String
    let interval: Duration
    let pass: @Sendable () async -> Void
    var description: String { name }

    init(name: String, interval: Duration, pass: @escaping @Sendable () async -> Void) {
        self.name = name
        self.interval = interval
        self.pass = pass
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await pass()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Intake as a service: acknowledges new cases every `interval`, or at once when a new case is signalled.
struct IntakeService: Service, CustomStringConvertible {
    let daemon: Daemon
    let interval: Duration
    var description: String { "intake" }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            daemon.intakePass()
            await daemon.waitForCases(upTo: interval)
        }
    }
}

/// Listens for SIGUSR1, which `pals case new` sends to a running daemon so a new case is acknowledged at once.
struct WakeService: Service, CustomStringConvertible {
    let daemon: Daemon
    var description: String { "wake-on-SIGUSR1" }

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sigusr1).cancelOnGracefulShutdown() {
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
            daemon.reload()
        }
    }
}

/// The outbox sender as a service: recovers, then sends what is due; a pass in flight always finishes.
struct SenderService: Service, CustomStringConvertible {
    let daemon: Daemon
    let interval: Duration
    var description: String { "sender" }

    func run() async throws {
        await daemon.recover()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // A shutdown stops the pass from claiming more; the SMTP transactions in flight finish.
            await daemon.senderPass()
            await daemon.waitForMail(upTo: interval)
        }
        // Alerts still waiting for their window are queued, to be sent at the next start.
        daemon.sendPendingAlerts()
    }
}

/// A flag one service raises and another takes, to start its next pass early.
final class WakeFlag: Sendable {
    private let raised = Mutex(false)

    func raise() { raised.withLock { $0 = true } }

    /// Whether the flag was raised since the last take; lowers it.
    func take() -> Bool {
        raised.withLock { value in
            defer { value = false }
            return value
        }
    }
}
