package import Foundation
package import Mail
internal import Yams

/// `intake.mailbox`: the team mailbox complaints arrive in, read over IMAP.
package struct MailboxSettings: Sendable, Equatable {
    /// `intake.mailbox.url`: `imaps://host:993`, or `imap://host:143` (STARTTLS required off loopback).
    package var url = ""
    /// `intake.mailbox.username`: the login.
    package var username = ""
    /// `intake.mailbox.passwordFile`: a file (mode 600) holding the password; else `PALS_IMAP_PASSWORD`.
    package var passwordFile: String?
    /// `intake.mailbox.caFile`: a CA bundle to verify the server's certificate with.
    package var caFile: String?
    /// `intake.mailbox.folder`: where new mail is read from (default `INBOX`).
    package var folder = "INBOX"
    /// `intake.mailbox.processedFolder`: where recorded mail is moved; unset marks it read where it is.
    package var processedFolder: String?
    /// `intake.mailbox.interval`: seconds between polls in the daemon (default 60).
    package var interval = 60
    /// `intake.mailbox.maximumMessageMiB`: the largest message taken whole (default 64); a bigger one becomes a
    /// case from its headers and stays in the mailbox for an officer to open there.
    package var maximumMessageMiB = 64

    /// The environment variable the password is read from when there is no password file.
    package static let passwordEnv = "PALS_IMAP_PASSWORD"
}

extension WorkspaceConfiguration {
    /// Keys of `intake.mailbox`.
    static let mailboxKeys: Set<String> = [
        "url", "username", "passwordFile", "caFile", "folder", "processedFolder", "interval", "maximumMessageMiB",
    ]

    /// Reads `intake` (today only `intake.mailbox`).
    mutating func readIntake(_ top: ConfigurationReader.Section) {
        guard let intake = top.section("intake", allowed: ["mailbox"]) else { return }
        guard let section = intake.section("mailbox", allowed: Self.mailboxKeys) else { return }
        var settings = MailboxSettings()
        settings.url = section.requiredString("url") ?? ""
        settings.username = section.requiredString("username") ?? ""
        settings.passwordFile = section.string("passwordFile")
        settings.caFile = section.string("caFile")
        settings.folder = section.string("folder") ?? settings.folder
        settings.processedFolder = section.string("processedFolder")
        settings.interval = section.integer("interval", in: 10...86_400) ?? settings.interval
        settings.maximumMessageMiB = section.integer("maximumMessageMiB", in: 1...1024) ?? settings.maximumMessageMiB
        mailbox = settings
    }

    /// `PALS_IMAP_URL` replaces `intake.mailbox.url` (and needs the rest of `intake.mailbox` to be set).
    mutating func applyMailboxEnvironment(_ environment: [String: String], reader: ConfigurationReader) {
        guard let url = environment["PALS_IMAP_URL"], !url.isEmpty else { return }
        guard mailbox != nil else {
            reader.problem(
                "PALS_IMAP_URL (environment)", "is set but intake.mailbox is not (at least its username is needed)")
            return
        }
        mailbox?.url = url
    }

    /// Checks the mailbox settings the way a poll would, without reading the password: the URL, the TLS rule and
    /// the folder names.
    func checkMailbox(reader: ConfigurationReader) {
        guard let settings = mailbox, !settings.url.isEmpty, !settings.username.isEmpty else { return }
        do {
            _ = try imapConfiguration(
                settings, credentials: SMTPCredentials(username: settings.username, password: "not-read")
            ).plan()
        } catch {
            let key =
                error.field == "folder" || error.field == "processedFolder"
                ? "intake.mailbox.\(error.field!)" : "intake.mailbox.url"
            reader.problem(key, error.reason)
        }
    }

    /// The IMAP settings of `intake.mailbox`, with the password read from `passwordFile` or `PALS_IMAP_PASSWORD`;
    /// nil when no mailbox is configured.
    package func imapConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> IMAPConfiguration?
    {
        guard let settings = mailbox else { return nil }
        let credentials = try SMTPCredentials.load(
            username: settings.username, passwordFile: settings.passwordFile,
            passwordEnv: MailboxSettings.passwordEnv, environment: environment)
        return imapConfiguration(settings, credentials: credentials)
    }

    func imapConfiguration(_ settings: MailboxSettings, credentials: SMTPCredentials) -> IMAPConfiguration {
        var configuration = IMAPConfiguration(url: settings.url, credentials: credentials, caFile: settings.caFile)
        configuration.folder = settings.folder
        configuration.processedFolder = settings.processedFolder
        configuration.maximumMessageBytes = settings.maximumMessageMiB * 1024 * 1024
        return configuration
    }
}
