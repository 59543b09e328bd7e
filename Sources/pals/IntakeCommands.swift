import ArgumentParser
import Casework
import Engine
import Foundation
import Logging

/// `pals intake`: mail arriving in the team mailbox.
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Read complaints from the team mailbox (intake.mailbox in pals.yaml).",
        subcommands: [Poll.self, List.self]
    )

    /// `pals intake poll`.
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll the team mailbox once: record new messages in the inbound ledger, then process them.",
            discussion: """
                Each new message is kept under Inbox/ (mode 600) and recorded in the register before it is marked \
                read (or moved to intake.mailbox.processedFolder) on the server, so an interrupted poll loses nothing \
                and takes nothing twice. The daemon polls every intake.mailbox.interval seconds by itself.
                """
        )

        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let book = try options.casebook()
            guard let imap = try book.workspace.configuration.imapConfiguration(environment: options.environment)
            else {
                throw ValidationError("no mailbox is configured: set intake.mailbox (url, username, passwordFile)")
            }
            guard let register = book.register as? CaseRegister else {
                throw ValidationError("the inbound ledger needs the workspace's case register")
            }
            let logger = Logger(label: "pals.intake")
            let poller = MailboxPoller(
                configuration: imap, ledger: InboundLedger(register: register, workspaceRoot: book.workspace.root),
                processor: book.inboundProcessor(logger: logger), clock: book.clock, logger: logger)
            let report = try await poller.poll()
            var line = "Taken \(report.taken)"
            if report.duplicates > 0 { line += ", already held \(report.duplicates)" }
            if report.gone > 0 { line += ", gone before download \(report.gone)" }
            line += "; processed \(report.processed), pending \(report.pending)."
            if report.uidValidityChanged {
                print("The folder's UIDVALIDITY changed: every message in it was looked at again.")
            }
            print(line)
            if report.oversize > 0 {
                print(
                    "\(report.oversize) over intake.mailbox.maximumMessageMiB: taken from the header only; each case "
                        + "says so, and the whole email stays in the mailbox.")
            }
        }
    }
}
