import Casework
package import Foundation
package import Letters
import Mail

/// What `pals config check` found beyond the file's syntax: whether the daemon can send with these settings
/// and whether the letter templates will find every setting they print.
package struct ConfigurationFinding: Sendable, Equatable, CustomStringConvertible {
    /// How bad it is.
    package enum Severity: String, Sendable {
        /// Something will fail (a letter refused, mail not sent): `config check` exits non-zero.
        case error
        /// Something an administrator should look at; pals still works.
        case warning
    }

    package let severity: Severity
    /// The setting concerned, as written in `pals.yaml`, e.g. `officers[1].phone (sam)`.
    package let key: String
    /// What is wrong and what to do.
    package let message: String

    package init(severity: Severity, key: String, message: String) {
        self.severity = severity
        self.key = key
        self.message = message
    }

    package var description: String { "\(severity.rawValue): \(key): \(message)" }
}

/// The checks of `pals config check` that need more than the file: the SMTP password file and transport
/// security (the same checks the daemon's transport makes), and the settings the templates print.
package struct ConfigurationCheck: Sendable {
    package let configuration: WorkspaceConfiguration
    /// The environment the daemon will run with (for `mail.smtp.passwordEnv`).
    package let environment: [String: String]
    /// The workspace, against which relative paths in the configuration (`http.tls`) are checked.
    package var workspaceRoot: URL?

    package init(configuration: WorkspaceConfiguration, environment: [String: String]) {
        self.configuration = configuration
        self.environment = environment
    }

    /// Every finding, errors and warnings, in a stable order; `templates` is the workspace's letter library
    /// (nil when there is none to check against).
    package func findings(templates: LetterLibrary?) -> [ConfigurationFinding] {
        var findings = mailFindings()
        findings += mailboxFindings()
        findings += walesFindings()
        findings += httpFindings()
        if let templates { findings += templateFindings(templates) }
        if let templates { findings += welshFindings(templates) }
        return findings
    }

    // MARK: Mail

    func mailFindings() -> [ConfigurationFinding] {
        var findings: [ConfigurationFinding] = []
        func fail(_ key: String, _ message: String) {
            findings.append(.init(severity: .error, key: key, message: message))
        }
        func warn(_ key: String, _ message: String) {
            findings.append(.init(severity: .warning, key: key, message: message))
        }
        let smtp = configuration.mail.smtp
        guard configuration.mail.transport == .smtp else {
            if smtp.username != nil || smtp.passwordFile != nil {
                warn(
                    "mail.smtp", "SMTP credentials are set but mail.transport is file, so nothing is sent to a server")
            }
            return findings
        }
        if let path = smtp.passwordFile {
            if smtp.username == nil {
                warn(
                    "mail.smtp.passwordFile",
                    "is set but mail.smtp.username is not, so pals logs in to no server and the password is unused")
            }
            findings += passwordFileFindings(path)
        } else if smtp.username != nil, (environment[smtp.passwordEnv] ?? "").isEmpty {
            warn(
                "mail.smtp.passwordEnv",
                "the password is read from the environment variable \(smtp.passwordEnv), which is not set here: make sure the daemon's environment sets it, or use mail.smtp.passwordFile"
            )
        }
        if let ca = smtp.caFile, !FileManager.default.isReadableFile(atPath: ca) {
            fail("mail.smtp.caFile", "\(ca) does not exist or cannot be read, so no server certificate can be verified")
        }
        // The daemon's own check, with a stand-in password: TLS off loopback, credentials only over TLS, no
        // credentials in the URL, a valid host and port. Nothing connects.
        let standIn = smtp.username.map { SMTPCredentials(username: $0, password: "not-read-by-config-check") }
        do {
            _ = try CurlSMTPTransport(configuration: configuration.smtpConfiguration(credentials: standIn))
        } catch {
            // The reason only: the value left out is the URL, which could hold a password.
            fail("mail.smtp.url", error.reason)
        }
        return findings
    }

    private func passwordFileFindings(_ path: String) -> [ConfigurationFinding] {
        let key = "mail.smtp.passwordFile"
        var status = stat()
        guard stat(path, &status) == 0 else {
            return [
                .init(
                    severity: .error, key: key,
                    message:
                        "\(path) does not exist: create it with the SMTP password on its first line (mode 600, owned by the user the daemon runs as)"
                )
            ]
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            return [.init(severity: .error, key: key, message: "\(path) is not a regular file")]
        }
        guard FileManager.default.isReadableFile(atPath: path),
            let contents = try? String(contentsOfFile: path, encoding: .utf8)
        else {
            return [
                .init(
                    severity: .error, key: key,
                    message:
                        "\(path) cannot be read by this user: the daemon must be able to read it (chown it to the daemon's user, mode 600)"
                )
            ]
        }
        var findings: [ConfigurationFinding] = []
        if contents.split(separator: "\n", omittingEmptySubsequences: false).first?
            .trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true
        {
            findings.append(
                .init(severity: .error, key: key, message: "\(path) is empty: put the password on its first line"))
        }
        if status.st_mode & 0o077 != 0 {
            let mode = String(status.st_mode & 0o777, radix: 8)
            findings.append(
                .init(
                    severity: .warning, key: key,
                    message: "\(path) can be read by other users (mode \(mode)): run `chmod 600 \(path)`"))
        }
        return findings
    }

    // MARK: Templates

    /// Settings the templates print that are missing or empty: each would make the strict merge refuse
    /// every letter that prints it (for an officer: every such letter of their cases).
    func templateFindings(_ library: LetterLibrary) -> [ConfigurationFinding] {
        // Which letters print each configuration field, and where first.
        var printers: [String: (kinds: Set<LetterKind>, first: PrintedField)] = [:]
        var languagesUsed: Set<LetterLanguage> = []
        for kind in library.kinds {
            for language in library.languages(for: kind) {
                languagesUsed.insert(language)
                for field in library.printedFields(kind: kind, language: language) {
                    guard let root = field.path.split(separator: ".").first,
                        LetterDesk.configurationRoots.contains(String(root))
                    else { continue }
                    printers[field.path, default: ([], field)].kinds.insert(kind)
                }
            }
        }
        var findings: [ConfigurationFinding] = []
        var reported = Set<String>()
        func check(_ context: MergeContext, officer: (index: Int, id: String)?) {
            for (path, use) in printers.sorted(by: { $0.key < $1.key }) {
                if path.hasPrefix("officer.") != (officer != nil) { continue }
                if case .string(let text) = context[path], !text.allSatisfy(\.isWhitespace) { continue }
                if case .list(let items) = context[path], !items.isEmpty { continue }
                let key = Self.settingKey(path, officer: officer, profile: configuration.profile)
                guard reported.insert(key).inserted else { continue }
                let kinds = use.kinds.sorted().map(\.rawValue).joined(separator: ", ")
                let whose = officer.map { " of \($0.id)'s cases" } ?? ""
                findings.append(
                    .init(
                        severity: .error, key: key,
                        message:
                            "is missing or empty, but the letters print \(path) (\(use.first)): every \(kinds) letter\(whose) would be refused until it is set"
                    ))
            }
        }
        for language in languagesUsed.sorted(by: { $0.rawValue < $1.rawValue }) {
            let shared = LetterDesk.configurationContext(
                configuration, officer: nil, profile: configuration.profile, language: language)
            check(shared, officer: nil)
            for (index, officer) in configuration.officers.enumerated() {
                let context = LetterDesk.configurationContext(
                    configuration, officer: officer, profile: configuration.profile, language: language)
                check(context, officer: (index, officer.id))
            }
        }
        return findings
    }

    /// The `pals.yaml` key behind a merge field, e.g. `officers[1].phone (sam)` for `officer.phone`.
    static func settingKey(_ path: String, officer: (index: Int, id: String)?, profile: ProfileID) -> String {
        let parts = path.split(separator: ".").map(String.init)
        // `ombudsman.theName` is made from the configured `name`.
        let field = parts.dropFirst().map { $0 == "addressLines" ? "address" : $0 == "theName" ? "name" : $0 }
            .joined(separator: ".")
        switch parts.first {
        case "officer":
            guard let officer else { return path }
            return "officers[\(officer.index)].\(field) (\(officer.id))"
        case "ombudsman": return "ombudsman.\(OmbudsmanID(profile: profile).rawValue).\(field)"
        default: return ([parts.first ?? ""] + [field]).joined(separator: ".")
        }
    }
}
