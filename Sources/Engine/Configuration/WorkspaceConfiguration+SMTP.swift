package import Foundation
package import Mail

extension WorkspaceConfiguration {
    /// The SMTP settings of `mail.smtp`, with the password read from `passwordFile` or the `passwordEnv` variable.
    package func smtpConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> SMTPConfiguration
    {
        let settings = mail.smtp
        var credentials: SMTPCredentials?
        if let username = settings.username {
            credentials = try SMTPCredentials.load(
                username: username, passwordFile: settings.passwordFile, passwordEnv: settings.passwordEnv,
                environment: environment)
        }
        return smtpConfiguration(credentials: credentials)
    }

    /// The SMTP settings of `mail.smtp` with the given credentials (`pals config check` passes stand-ins, to
    /// check how real ones would be sent without reading the password).
    func smtpConfiguration(credentials: SMTPCredentials?) -> SMTPConfiguration {
        let settings = mail.smtp
        var smtp = SMTPConfiguration(url: settings.url, credentials: credentials, caFile: settings.caFile)
        smtp.lanes = settings.lanes
        smtp.connectTimeout = .seconds(settings.connectTimeout)
        smtp.commandTimeout = .seconds(settings.commandTimeout)
        smtp.finalReplyTimeout = .seconds(settings.finalReplyTimeout)
        return smtp
    }

    /// The team address mail is sent from (`mail.from`), with its display name.
    package func teamMailbox() throws -> Mailbox {
        try Mailbox(
            displayName: mail.fromName.isEmpty ? nil : mail.fromName, address: mail.fromAddress,
            field: "mail.from.address")
    }
}
