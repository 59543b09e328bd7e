import Casework
import Foundation
import Letters
import PalsTestKit
import Primitives
import Testing

@testable import Engine

/// Each check of ``ConfigurationCheck`` (what `pals config check` finds beyond the file's syntax), in process.
@Suite("ConfigurationCheck: every check, one at a time")
struct ConfigurationCheckTests {
    /// The default templates, loaded once.
    static let library: LetterLibrary = try! LetterLibrary.load(from: repositoryTemplates)

    /// The starter configuration with an `smtp:` section under `mail:` (transport `file` unless `smtp`).
    static func configuration(
        smtp lines: String, transport: String = "smtp", environment: [String: String] = [:]
    ) throws -> WorkspaceConfiguration {
        let yaml = starterConfiguration.replacingOccurrences(
            of: "  transport: file              # file: delivered into Outbox/ without relaying; smtp: see below\n",
            with: "  transport: \(transport)\n  smtp:\n" + lines)
        return try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: environment)
    }

    /// The mail findings of a configuration.
    static func mail(_ configuration: WorkspaceConfiguration, environment: [String: String] = [:])
        -> [ConfigurationFinding]
    {
        ConfigurationCheck(configuration: configuration, environment: environment).findings(templates: nil)
    }

    /// The starter configuration, parsed.
    static var starter: WorkspaceConfiguration {
        get throws { try WorkspaceConfiguration.parse(yaml: starterConfiguration, file: "pals.yaml", environment: [:]) }
    }

    @Test("the starter configuration has no finding, with or without templates")
    func starterIsClean() throws {
        let check = ConfigurationCheck(configuration: try Self.starter, environment: [:])
        #expect(check.findings(templates: nil).isEmpty)
        #expect(check.findings(templates: Self.library).isEmpty)
    }

    @Test("SMTP credentials with the file transport are a warning: nothing is sent to a server")
    func credentialsWithFileTransport() throws {
        let found = Self.mail(try Self.configuration(smtp: "    username: pals\n", transport: "file"))
        #expect(
            found == [
                .init(
                    severity: .warning, key: "mail.smtp",
                    message: "SMTP credentials are set but mail.transport is file, so nothing is sent to a server")
            ])
    }

    @Test("a password file without a user name is a warning: the password is unused")
    func passwordFileWithoutUser() throws {
        let folder = try TemporaryFolder("check")
        defer { folder.remove() }
        let file = folder.appending("password")
        try Data("secret\n".utf8).write(to: file)
        chmod(file.path, 0o600)
        let found = Self.mail(
            try Self.configuration(smtp: "    url: smtps://mail.example.org:465\n    passwordFile: \(file.path)\n"))
        #expect(found.map(\.key) == ["mail.smtp.passwordFile"])
        #expect(found.first?.severity == .warning)
        #expect(found.first?.message.contains("mail.smtp.username is not") == true)
    }

    @Test(
        "a password file that is missing, a folder, empty or readable by others is named",
        arguments: [
            (
                "missing",
                FindingExpectation(.error, "does not exist: create it with the SMTP password on its first line")
            ),
            ("folder", FindingExpectation(.error, "is not a regular file")),
            ("empty", FindingExpectation(.error, "is empty: put the password on its first line")),
            ("blank first line", FindingExpectation(.error, "is empty: put the password on its first line")),
            ("mode 644", FindingExpectation(.warning, "can be read by other users (mode 644): run `chmod 600")),
        ])
    func passwordFileProblems(state: String, expected: FindingExpectation) throws {
        let folder = try TemporaryFolder("check")
        defer { folder.remove() }
        let file = folder.appending("password")
        switch state {
        case "folder": try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
        case "empty": try Data().write(to: file)
        case "blank first line": try Data("\nsecret\n".utf8).write(to: file)
        case "mode 644": try Data("secret\n".utf8).write(to: file)
        default: break
        }
        if state != "folder", state != "missing" { chmod(file.path, state == "mode 644" ? 0o644 : 0o600) }
        let configuration = try Self.configuration(
            smtp: "    url: smtps://mail.example.org:465\n    username: pals\n    passwordFile: \(file.path)\n")
        let found = Self.mail(configuration)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.key == "mail.smtp.passwordFile")
        #expect(found.first?.severity == expected.severity)
        #expect(found.first?.message.contains(expected.words) == true, "\(found)")
        #expect(!found.contains { $0.message.contains("secret") }, "the password is never shown")
    }

    @Test("a password file this user cannot read is an error", .enabled(if: getuid() != 0, "root reads every file"))
    func unreadablePasswordFile() throws {
        let folder = try TemporaryFolder("check")
        defer { folder.remove() }
        let file = folder.appending("password")
        try Data("secret\n".utf8).write(to: file)
        chmod(file.path, 0o000)
        let found = Self.mail(
            try Self.configuration(
                smtp: "    url: smtps://mail.example.org:465\n    username: pals\n    passwordFile: \(file.path)\n"))
        #expect(found.first?.message.contains("cannot be read by this user") == true)
    }

    @Test("a password from the environment is a warning when the variable is not set here")
    func passwordEnvironment() throws {
        let lines =
            "    url: smtps://mail.example.org:465\n    username: pals\n    passwordEnv: INVENTED_SMTP_PASSWORD\n"
        let unset = Self.mail(try Self.configuration(smtp: lines))
        #expect(unset.map(\.key) == ["mail.smtp.passwordEnv"])
        #expect(unset.first?.message.contains("INVENTED_SMTP_PASSWORD, which is not set here") == true)
        #expect(Self.mail(try Self.configuration(smtp: lines), environment: ["INVENTED_SMTP_PASSWORD": "x"]).isEmpty)
        #expect(Self.mail(try Self.configuration(smtp: lines), environment: ["INVENTED_SMTP_PASSWORD": ""]).count == 1)
    }

    @Test("a CA file that cannot be read is an error: no certificate could be verified")
    func caFile() throws {
        let found = Self.mail(
            try Self.configuration(
                smtp: "    url: smtps://mail.example.org:465\n    caFile: /nonexistent/invented-ca.pem\n"))
        #expect(found.map(\.key) == ["mail.smtp.caFile"])
        #expect(
            found.first?.message
                == "/nonexistent/invented-ca.pem does not exist or cannot be read, "
                + "so no server certificate can be verified"
        )
    }

    @Test("the daemon's transport check runs: credentials in the URL are refused, loopback without TLS is fine")
    func transportCheck() throws {
        let inURL = Self.mail(try Self.configuration(smtp: "    url: smtps://pals:invented-pw@mail.example.org:465\n"))
        #expect(inURL.map(\.key) == ["mail.smtp.url"])
        #expect(inURL.first?.severity == .error)
        #expect(!inURL.contains { $0.message.contains("invented-pw") })
        #expect(Self.mail(try Self.configuration(smtp: "    url: smtp://127.0.0.1:2525\n")).isEmpty)
    }

    @Test(
        "a setting the letters print, left blank, is an error naming its pals.yaml key and the letters",
        arguments: [
            ("organisation.phone", "organisation.phone"),
            ("signatory.name", "signatory.name"),
            ("advocacy.phone", "advocacy.phone"),
            ("ombudsman.phone", "ombudsman.phso.phone"),
        ])
    func templateSettings(field: String, key: String) throws {
        var configuration = try Self.starter
        switch field {
        case "organisation.phone": configuration.organisation.phone = ""
        case "signatory.name": configuration.signatory.name = " "
        case "advocacy.phone": configuration.advocacy.phone = ""
        default: configuration.ombudsmen[.phso]?.phone = ""
        }
        let found = ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: Self.library)
        #expect(found.map(\.key) == [key], "\(found)")
        #expect(found.first?.severity == .error)
        #expect(found.first?.message.hasPrefix("is missing or empty, but the letters print \(field) (") == true)
        #expect(found.first?.message.contains("would be refused until it is set") == true)
    }

    @Test("each officer is checked on their own, named by index and id")
    func officersEach() throws {
        var configuration = try Self.starter
        configuration.officers[0].phone = nil
        configuration.officers[1].phone = ""
        let found = ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: Self.library)
        #expect(found.map(\.key) == ["officers[0].phone (alex)", "officers[1].phone (sam)"])
        #expect(found.first?.message.contains("letter of alex's cases") == true)
    }

    @Test("mail findings come before template findings")
    func order() throws {
        var configuration = try Self.configuration(smtp: "    username: pals\n", transport: "file")
        configuration.organisation.email = ""
        let found = ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: Self.library)
        #expect(found.map(\.key) == ["mail.smtp", "organisation.email"])
        #expect(
            found.map(\.description).first
                == "warning: mail.smtp: SMTP credentials are set but mail.transport is file, "
                + "so nothing is sent to a server"
        )
    }

    @Test(
        "the pals.yaml key of a merge field",
        arguments: [
            ("officer.phone", ProfileID.england, "officers[1].phone (sam)"),
            ("organisation.addressLines", .england, "organisation.address"),
            ("ombudsman.web", .scotland, "ombudsman.spso.web"),
            ("ombudsman.addressLines", .northernIrelandMCHP, "ombudsman.nipso.address"),
            ("signatory.role", .wales, "signatory.role"),
        ])
    func settingKey(path: String, profile: ProfileID, key: String) {
        #expect(ConfigurationCheck.settingKey(path, officer: (1, "sam"), profile: profile) == key)
    }
}

/// What a finding must be: its severity and words its message contains.
struct FindingExpectation: Sendable, CustomTestStringConvertible {
    let severity: ConfigurationFinding.Severity
    let words: String
    init(_ severity: ConfigurationFinding.Severity, _ words: String) {
        self.severity = severity
        self.words = words
    }
    var testDescription: String { "\(severity.rawValue): \(words)" }
}
