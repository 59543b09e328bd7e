package import Foundation
package import Primitives

/// Settings of the IMAP mailbox that complaints arrive in (a plain value; parse it at the edge).
///
/// - `url` (String): `imaps://host:port` (implicit TLS, 993 by default) or `imap://host:port` (STARTTLS, 143),
///   which may go without TLS only to a loopback server.
/// - `credentials` (SMTPCredentials): the login; IMAP always logs in.
/// - `caFile` (String?, nil): a PEM file of CA certificates to trust instead of the system's.
/// - `folder` (String, `INBOX`): where new mail is read from.
/// - `processedFolder` (String?, nil): where mail is moved once recorded; when nil it is marked `\Seen` instead.
/// - `connectTimeout` (30 s) and `commandTimeout` (2 min, for each reply and for a message's download to move on).
package struct IMAPConfiguration: Sendable, Hashable {
    /// `imaps://host:port` or `imap://host:port`.
    package var url: String
    /// The login name and password.
    package var credentials: SMTPCredentials
    /// A PEM file of CA certificates to verify the server with.
    package var caFile: String?
    /// The folder new mail is read from.
    package var folder = "INBOX"
    /// The folder recorded mail is moved to; `nil` marks it `\Seen` where it is.
    package var processedFolder: String?
    /// How long to wait for the TCP (and implicit TLS) connection.
    package var connectTimeout: Duration = .seconds(30)
    /// How long to wait for a reply, or for a download to make progress.
    package var commandTimeout: Duration = .seconds(120)
    /// The largest message taken, in bytes: a bigger one is refused rather than held in memory.
    package var maximumMessageBytes = 64 * 1024 * 1024

    /// Settings for the mailbox at `url`.
    package init(url: String, credentials: SMTPCredentials, caFile: String? = nil) {
        self.url = url
        self.credentials = credentials
        self.caFile = caFile
    }
}

/// The checked settings: what libcurl is told.
package struct IMAPPlan: Sendable {
    /// `imap://host:port` or `imaps://host:port`, with no path.
    let serverURL: String
    /// The host as given (no brackets).
    let host: String
    let port: Int
    let isLoopback: Bool
    let implicitTLS: Bool
    /// Whether the session runs over TLS: always, except `imap://` to a loopback server.
    package let useTLS: Bool
    let configuration: IMAPConfiguration

    /// Names this mailbox in the ledger and in logs: `user@host:port` (no password, no folder).
    package let mailboxName: String

    /// The URL of `folder`, selected by libcurl before a command runs in it.
    func folderURL(_ folder: String) -> String { serverURL + "/" + IMAPFolderName.urlPath(folder) }

    /// The URL that fetches one message, refused by libcurl (CURLE 78) when the folder's UIDVALIDITY changed.
    func messageURL(folder: String, uidValidity: UInt32, uid: UInt32) -> String {
        folderURL(folder) + ";UIDVALIDITY=\(uidValidity)/;UID=\(uid)"
    }

    /// The URL that fetches only one message's header (`BODY[HEADER]`), under the same UIDVALIDITY check.
    func headerURL(folder: String, uidValidity: UInt32, uid: UInt32) -> String {
        messageURL(folder: folder, uidValidity: uidValidity, uid: uid) + "/;SECTION=HEADER"
    }
}

extension IMAPConfiguration {
    /// Checks the settings without connecting; refuses anything that would send the login in clear to a server off
    /// this machine.
    package func plan() throws(MailError) -> IMAPPlan {
        func invalid(_ reason: String, field: String = "url", value: String? = nil) -> MailError {
            MailError(.invalidIMAPConfiguration, field: field, value: value ?? url, reason: reason)
        }
        let implicitTLS: Bool
        let rest: Substring
        let lower = url.lowercased()
        if lower.hasPrefix("imaps://") {
            implicitTLS = true
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("imap://") {
            implicitTLS = false
            rest = url.dropFirst(7)
        } else {
            throw invalid("the mailbox URL must start with imaps:// (TLS) or imap:// (STARTTLS)")
        }
        var authority = rest
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains("@") {
            throw invalid("put no credentials in the mailbox URL; use a password file or the environment")
        }
        if authority.contains("/") || authority.contains("?") || authority.contains("#") || authority.contains(";") {
            throw invalid("the mailbox URL is only imaps://host:port; set the folder with folder")
        }
        let host: String
        let port: Int
        do {
            let server = try ServerAuthority(
                authority, shape: "mailbox URL is imaps://host:port", defaultPort: implicitTLS ? 993 : 143)
            (host, port) = (server.host, server.port)
        } catch { throw invalid(error.reason) }
        if let problem = IMAPFolderName.problem(folder) { throw invalid(problem, field: "folder", value: folder) }
        if let processedFolder {
            if let problem = IMAPFolderName.problem(processedFolder) {
                throw invalid(problem, field: "processedFolder", value: processedFolder)
            }
            guard processedFolder != folder else {
                throw invalid(
                    "the processed folder must differ from the folder mail is read from", field: "processedFolder",
                    value: processedFolder)
            }
        }
        guard !credentials.username.isEmpty, !credentials.password.isEmpty else {
            throw MailError(
                .credentialsUnavailable, field: "username", reason: "the mailbox needs a username and a password")
        }
        for (name, value) in [("connectTimeout", connectTimeout), ("commandTimeout", commandTimeout)]
        where value <= .zero {
            throw invalid("timeouts must be positive", field: name, value: "\(value)")
        }
        guard maximumMessageBytes > 0 else {
            throw invalid("the largest message must be positive", field: "maximumMessageBytes", value: nil)
        }
        let isLoopback = SMTPConfiguration.isLoopback(host)
        // Off this machine the login and the mail always go over TLS: implicit, or STARTTLS that must succeed.
        let useTLS = implicitTLS || !isLoopback
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return IMAPPlan(
            serverURL: "\(implicitTLS ? "imaps" : "imap")://\(bracketed):\(port)", host: host, port: port,
            isLoopback: isLoopback, implicitTLS: implicitTLS, useTLS: useTLS, configuration: self,
            mailboxName: "\(credentials.username)@\(bracketed):\(port)")
    }
}

/// IMAP folder names as pals accepts them: printable ASCII (IMAP's modified UTF-7 is not spoken here).
enum IMAPFolderName {
    /// Why `name` cannot be used, or nil.
    static func problem(_ name: String) -> String? {
        if name.isEmpty { return "the folder name is empty" }
        if name.utf8.count > 200 { return "the folder name is longer than 200 characters" }
        guard name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            return "the folder name must be printable ASCII (no accents, tabs or line breaks)"
        }
        if name.contains("*") || name.contains("%") { return "the folder name cannot hold * or %" }
        return nil
    }

    /// The name percent-encoded for a URL path (libcurl decodes it before it sends SELECT).
    static func urlPath(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    /// The name as an IMAP quoted string, for commands pals writes itself (MOVE, COPY).
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension ErrorCode where Domain == MailError {
    /// The mailbox settings cannot work (bad URL, folder name, ...), or would send the login without TLS.
    package static let invalidIMAPConfiguration = Self("invalid mailbox configuration")
    /// The mailbox server could not be reached, or stopped answering.
    package static let mailboxUnreachable = Self("mailbox unreachable")
    /// TLS could not be used: the server offers no STARTTLS, its certificate was refused, or the handshake failed.
    package static let mailboxTLS = Self("mailbox TLS failure")
    /// The server refused the login.
    package static let mailboxLoginRefused = Self("mailbox login refused")
    /// The folder does not exist on the server.
    package static let mailboxFolderMissing = Self("mailbox folder missing")
    /// The server refused a command, or answered in a way pals does not understand.
    package static let mailboxFailed = Self("mailbox failure")
    /// The folder's UIDVALIDITY changed since it was selected: every UID in it now names another message.
    package static let uidValidityChanged = Self("mailbox UIDVALIDITY changed")
    /// The message asked for is no longer in the folder (someone moved or deleted it).
    package static let messageGone = Self("message gone from the mailbox")
}
