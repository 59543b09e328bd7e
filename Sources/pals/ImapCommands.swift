import ArgumentParser
import Engine
import Foundation
import Mail
import Primitives

/// `pals imap check`.
struct ImapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imap",
        abstract: "Check the team mailbox the workspace reads complaints from.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Connect to the configured mailbox and report TLS, the login and the folders; takes and marks no mail."
        )

        @OptionGroup var options: WorkspaceOptions
        func run() async throws {
            let workspace = try options.open()
            guard let imap = try workspace.configuration.imapConfiguration(environment: options.environment) else {
                throw ValidationError(
                    "no mailbox is configured: set intake.mailbox (url, username, passwordFile) in pals.yaml")
            }
            let report = try await IMAPProbe.check(imap)
            var lines = [
                "Server          \(report.url)",
                "TLS             \(report.tls ? "yes, certificate verified" : "none (loopback only)")",
                "Login           works",
                "Folder          \(report.folder): \(report.status.messages) messages"
                    + " (UIDVALIDITY \(report.status.uidValidity))",
            ]
            if let processed = report.processedFolder {
                let state = report.processedStatus.map { "\($0.messages) messages" } ?? "missing"
                lines.append("Processed       \(processed): \(state)")
                lines.append("Moving          \(report.movesInOneStep ? "MOVE" : "COPY, then delete and EXPUNGE")")
            } else {
                lines.append("Processed       marked read where they are")
            }
            print(lines.map(\.escapingControls).joined(separator: "\n"))
        }
    }
}
