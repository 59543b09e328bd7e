import Casework
import Foundation
import Logging
import Mail
import ServiceLifecycle

/// The team mailbox as a service, run when a mailbox is configured at start: polls it every
/// `intake.mailbox.interval` seconds (libcurl has no IDLE); a reload's new settings are used at the next poll.
///
/// A poll that fails (the server down, the login refused) is logged and tried again at the next interval; what it
/// recorded before failing stays recorded, and nothing is marked on the server before it is recorded.
struct MailboxService: Service, CustomStringConvertible {
    let daemon: Daemon
    var description: String { "mailbox" }

    /// How long the service waits when the mailbox was taken out of the configuration by a reload.
    static let unconfiguredDelay = Duration.seconds(300)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            _ = daemon.mailboxWaiting.take()
            let daemon = self.daemon
            let interval = await BlockingWork.run { daemon.mailboxPass() }
            await sleep(for: interval ?? Self.unconfiguredDelay)
        }
    }

    /// Sleeps on the daemon's clock for `interval`, returning early when woken or when the daemon shuts down. The
    /// mailbox is not one of ``DaemonActivity``'s services: a test harness does not wait for the server.
    private func sleep(for interval: Duration) async {
        guard !daemon.mailboxWaiting.isRaised, !Task.isShuttingDownGracefully else { return }
        let clock = daemon.sleepClock
        let signal = daemon.mailboxWaiting
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(for: interval) }
                group.addTask { await signal.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

extension Daemon {
    /// One poll of the team mailbox, when one is configured; blocks (run it off the pool).
    /// - Returns: the poll interval, or nil when no mailbox is configured.
    func mailboxPass() -> Duration? {
        let casebook = self.casebook
        guard let settings = casebook.workspace.configuration.mailbox else { return nil }
        let interval = Duration.seconds(settings.interval)
        guard let register = casebook.register as? CaseRegister else {
            logger.error("mailbox: the inbound ledger needs the case register; the mailbox is not read")
            return interval
        }
        do {
            guard let configuration = try casebook.workspace.configuration.imapConfiguration(environment: environment)
            else { return nil }
            let poller = MailboxPoller(
                configuration: configuration,
                ledger: InboundLedger(register: register, workspaceRoot: casebook.workspace.root),
                processor: casebook.inboundProcessor(logger: logger), clock: casebook.clock, logger: logger)
            let report = try poller.pass()
            if report.taken > 0 || report.processed > 0 { mailWaiting.raise() }
        } catch {
            logger.error("mailbox poll failed; tried again at the next interval", metadata: ["error": "\(error)"])
        }
        return interval
    }
}
