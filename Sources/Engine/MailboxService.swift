import Casework
import Foundation
import Logging
import Mail
import ServiceLifecycle

/// The team mailbox as a service: polls it every `intake.mailbox.interval` seconds when one is configured (libcurl
/// has no IDLE), and looks again at the safety interval whether one has been configured since (a reload).
///
/// A poll that fails (the server down, the login refused) is logged and tried again at the next interval; what it
/// recorded before failing stays recorded, and nothing is marked on the server before it is recorded.
struct MailboxService: Service, CustomStringConvertible {
    let daemon: Daemon
    let safetyInterval: Duration
    var description: String { "mailbox" }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            daemon.activity.working(.mailbox)
            _ = daemon.mailboxWaiting.take()
            let daemon = self.daemon
            let interval = await BlockingWork.run { daemon.mailboxPass() }
            await daemon.wait(
                until: daemon.now.adding(interval ?? safetyInterval), for: daemon.mailboxWaiting, as: .mailbox)
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
