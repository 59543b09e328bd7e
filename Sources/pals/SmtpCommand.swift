import ArgumentParser
import Engine
import Foundation
import Mail
import Primitives
import WorkingDays

/// `pals smtp check`.
struct SmtpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Check the SMTP server the workspace sends through.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Connect to the configured server and report TLS, its certificate, its extensions and whether AUTH works; sends no mail."
        )

        @OptionGroup var options: WorkspaceOptions
        func run() async throws {
            let workspace = try options.open()
            guard workspace.configuration.mail.transport == .smtp else {
                throw ValidationError(
                    "mail.transport is 'file' (no server): set mail.smtp.url and mail.transport: smtp, or PALS_SMTP_URL"
                )
            }
            let report = try await SMTPProbe.check(
                try workspace.configuration.smtpConfiguration(environment: options.environment))
            var lines = [
                "Server          \(report.url)",
                "Greeting        \(report.greeting ?? "-")",
                "TLS             \(report.tls ? [report.tlsVersion, report.cipher].compactMap { $0 }.joined(separator: ", ") : "none (loopback only)")",
            ]
            for certificate in report.certificates.prefix(1) {
                lines.append("Certificate     \(certificate.subject ?? "-")")
                lines.append("  issued by     \(certificate.issuer ?? "-")")
                lines.append("  expires       \(certificate.expires ?? "-")")
            }
            lines.append("Extensions      \(report.extensions.joined(separator: ", "))")
            let auth: String
            switch report.authentication {
            case .notConfigured: auth = "not configured"
            case .succeeded: auth = "works"
            case .refused(let reply): auth = "refused: \(reply)"
            case .notOffered: auth = "not offered by the server"
            }
            lines.append("Authentication  \(auth)")
            // The greeting, certificate and extensions are the server's words: shown, never obeyed by the terminal.
            print(lines.map(\.escapingControls).joined(separator: "\n"))
            if case .refused = report.authentication { throw ExitCode(1) }
        }
    }
}
