package import Foundation

/// A username and password for SMTP AUTH; the password never appears in descriptions, dumps or errors.
package struct SMTPCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The login name.
    package let username: String
    let password: String

    /// Credentials from values the caller already holds.
    package init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Reads credentials from the environment or a file (so they never pass through argv).
    ///
    /// The username is `username`, else the variable `usernameEnv`. The password is the first line of
    /// `passwordFile`, else the variable `passwordEnv`.
    /// - Throws: ``MailError/Code/credentialsUnavailable`` naming the variable or file (never the password).
    package static func load(
        username: String? = nil, usernameEnv: String? = nil, passwordFile: String? = nil, passwordEnv: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(MailError) -> SMTPCredentials {
        let name: String
        if let username, !username.isEmpty {
            name = username
        } else if let usernameEnv {
            guard let value = environment[usernameEnv], !value.isEmpty else {
                throw MailError(
                    .credentialsUnavailable, field: "username",
                    reason: "the environment variable \(usernameEnv) is not set or empty")
            }
            name = value
        } else {
            throw MailError(.credentialsUnavailable, field: "username", reason: "no SMTP username was given")
        }
        if let passwordFile {
            let contents: String
            do {
                contents = try String(contentsOfFile: passwordFile, encoding: .utf8)
            } catch {
                throw MailError(
                    .credentialsUnavailable, field: "password file", value: passwordFile,
                    reason: "the password file \(passwordFile) cannot be read (\(Self.reason(error)))")
            }
            let line =
                contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .first.map(String.init)?.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) ?? ""
            guard !line.isEmpty else {
                throw MailError(
                    .credentialsUnavailable, field: "password file", value: passwordFile,
                    reason: "the password file \(passwordFile) is empty")
            }
            return SMTPCredentials(username: name, password: line)
        }
        if let passwordEnv {
            guard let value = environment[passwordEnv], !value.isEmpty else {
                throw MailError(
                    .credentialsUnavailable, field: "password",
                    reason: "the environment variable \(passwordEnv) is not set or empty")
            }
            return SMTPCredentials(username: name, password: value)
        }
        throw MailError(
            .credentialsUnavailable, field: "password",
            reason: "give a password file or a password environment variable")
    }

    private static func reason(_ error: any Error) -> String {
        let cocoa = error as NSError
        if let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return cocoa.code == NSFileReadNoSuchFileError ? "no such file" : "error \(cocoa.code)"
    }

    package var description: String { "SMTPCredentials(username: \(username), password: <redacted>)" }
    package var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "<redacted>"]) }
}

/// How the connection is protected.
package enum SMTPTLSMode: Sendable, Hashable {
    /// `smtps://` is implicit TLS; `smtp://` requires STARTTLS, except on loopback without credentials (plain).
    case automatic
    /// TLS always: STARTTLS for `smtp://`, implicit for `smtps://`.
    case required
    /// No TLS: allowed only for a loopback server and without credentials.
    case disabled
}

/// Settings of the SMTP server and of the sending (a plain value; parse it at the edge).
///
/// - `url` (String): `smtp://host:port` (STARTTLS, port 25 by default) or `smtps://host:port` (implicit TLS, 465).
/// - `credentials` (SMTPCredentials?, nil): AUTH login; only ever sent over TLS.
/// - `caFile` (String?, nil): a PEM file of CA certificates to trust instead of the system's.
/// - `tls` (SMTPTLSMode, `.automatic`).
/// - `connectTimeout` (Duration, 30 s), `commandTimeout` (5 min), `finalReplyTimeout` (10 min, after the final dot).
/// - `lanes` (Int, 1): parallel connections, each on its own thread.
/// - `heloName` (String?, nil): the name in EHLO; the machine's host name when nil.
package struct SMTPConfiguration: Sendable, Hashable {
    /// `smtp://host:port` or `smtps://host:port`.
    package var url: String
    /// AUTH credentials, sent only over TLS.
    package var credentials: SMTPCredentials?
    /// A PEM file of CA certificates to verify the server with.
    package var caFile: String?
    /// How the connection is protected.
    package var tls: SMTPTLSMode = .automatic
    /// How long to wait for the TCP (and implicit TLS) connection.
    package var connectTimeout: Duration = .seconds(30)
    /// How long to wait for each reply, and for an upload to make progress.
    package var commandTimeout: Duration = .seconds(300)
    /// How long to wait for the reply to the final dot.
    package var finalReplyTimeout: Duration = .seconds(600)
    /// How many connections send in parallel.
    package var lanes: Int = 1
    /// The EHLO name.
    package var heloName: String?

    /// Settings for the server at `url`.
    package init(url: String, credentials: SMTPCredentials? = nil, caFile: String? = nil) {
        self.url = url
        self.credentials = credentials
        self.caFile = caFile
    }
}

/// The checked settings: what libcurl is told.
struct SMTPPlan: Sendable {
    let curlURL: String
    let host: String
    let isLoopback: Bool
    let implicitTLS: Bool
    let useTLS: Bool
    let configuration: SMTPConfiguration
}

extension SMTPConfiguration {
    /// Checks the settings without connecting; refuses anything that would send mail or credentials in clear
    /// to a non-loopback server, or credentials in clear anywhere.
    func plan() throws(MailError) -> SMTPPlan {
        func invalid(_ reason: String, field: String = "url", value: String? = nil) -> MailError {
            MailError(.invalidConfiguration, field: field, value: value ?? url, reason: reason)
        }
        let implicitTLS: Bool
        let rest: Substring
        if url.lowercased().hasPrefix("smtps://") {
            implicitTLS = true
            rest = url.dropFirst(8)
        } else if url.lowercased().hasPrefix("smtp://") {
            implicitTLS = false
            rest = url.dropFirst(7)
        } else {
            throw invalid("the SMTP URL must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)")
        }
        var authority = rest
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains("/") || authority.contains("?") || authority.contains("#") {
            throw invalid("the SMTP URL is only smtp://host:port; set the EHLO name with heloName")
        }
        if authority.contains("@") {
            throw invalid("put no credentials in the SMTP URL; use a password file or environment variable")
        }
        let host: String
        let port: Int
        do {
            let server = try ServerAuthority(
                authority, shape: "SMTP URL is smtp://host:port", defaultPort: implicitTLS ? 465 : 25)
            (host, port) = (server.host, server.port)
        } catch { throw invalid(error.reason) }
        let isLoopback = Self.isLoopback(host)
        guard (1...64).contains(lanes) else {
            throw invalid("lanes must be from 1 to 64", field: "lanes", value: "\(lanes)")
        }
        if let heloName {
            let ok =
                heloName.hasPrefix("[")
                ? EmailAddress.isValidAddressLiteral(heloName)
                : (EmailAddress.domainProblem(heloName) == nil && heloName.allSatisfy(\.isASCII))
            guard ok else {
                throw invalid(
                    "the EHLO name must be a domain or an address literal", field: "heloName", value: heloName)
            }
        }
        for (name, value) in [
            ("connectTimeout", connectTimeout), ("commandTimeout", commandTimeout),
            ("finalReplyTimeout", finalReplyTimeout),
        ] where value <= .zero {
            throw invalid("timeouts must be positive", field: name, value: "\(value)")
        }

        let useTLS: Bool
        switch (tls, implicitTLS) {
        case (_, true) where tls == .disabled:
            throw invalid("smtps:// is implicit TLS; it cannot be used with TLS disabled", field: "tls")
        case (_, true):
            useTLS = true
        case (.required, false):
            useTLS = true
        case (.automatic, false):
            useTLS = !(isLoopback && credentials == nil)
        case (.disabled, false):
            guard isLoopback else {
                throw MailError(
                    .insecureConfiguration, field: "tls", value: url,
                    reason: "TLS cannot be turned off for \(host): only a loopback server (127.0.0.0/8, ::1, localhost)"
                        + " may be used without TLS; use smtp:// with STARTTLS or smtps://")
            }
            guard credentials == nil else {
                throw MailError(
                    .insecureConfiguration, field: "tls", value: url,
                    reason: "credentials are never sent without TLS, even to a loopback server;"
                        + " turn TLS on or remove the credentials")
            }
            useTLS = false
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let path = heloName.map { "/\($0)" } ?? ""
        return SMTPPlan(
            curlURL: "\(implicitTLS ? "smtps" : "smtp")://\(bracketed):\(port)\(path)", host: host,
            isLoopback: isLoopback, implicitTLS: implicitTLS, useTLS: useTLS, configuration: self)
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" { return true }
        if lower == "::1" || lower == "0:0:0:0:0:0:0:1" { return true }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
