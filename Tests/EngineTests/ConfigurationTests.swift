import Casework
import Foundation
import Letters
import PalsTestKit
import Testing

@testable import Engine

@Suite("Workspace configuration")
struct ConfigurationTests {
    @Test("the starter configuration of `pals init` is valid and marks its invented values")
    func starterIsValid() throws {
        let configuration = try WorkspaceConfiguration.parse(
            yaml: starterConfiguration, file: "pals.yaml", environment: [:])
        #expect(configuration.officers.map(\.id) == ["alex", "sam"])
        #expect(configuration.mail.transport == .file)
        #expect(configuration.organisation.name.contains("INVENTED"))
        #expect(configuration.profile == .england)
    }

    @Test("every bad key is named, with its line")
    func everyBadKeyNamed() {
        let yaml = """
            organisation:
              name: Example
              colour: blue
            manager: { name: M }
            signatory: { name: S }
            officers:
              - { id: alex, name: Alex, email: not-an-address }
              - { id: alex, name: Alex Two, email: a2@example.org }
            jurisdiction: { profile: atlantis }
            deadlines: { amberWorkingDays: lots }
            closures: [2026-12-32]
            mail:
              transport: pigeon
              from: { address: pals@example.org }
              smtp: { lanes: 99 }
            extra: true
            """
        do {
            _ = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
            Issue.record("expected problems")
        } catch {
            let keys = Set(error.problems.map(\.key))
            #expect(
                keys == [
                    "organisation.colour", "officers[0].email", "officers[1].id", "jurisdiction.profile",
                    "deadlines.amberWorkingDays", "closures[0]", "mail.transport", "mail.smtp.lanes", "extra",
                ])
            #expect(error.problems.first { $0.key == "organisation.colour" }?.line == 3)
        }
    }

    @Test("missing sections are named")
    func missingSections() {
        do {
            _ = try WorkspaceConfiguration.parse(yaml: "{}", file: "pals.yaml", environment: [:])
            Issue.record("expected problems")
        } catch {
            #expect(
                Set(error.problems.map(\.key)).isSuperset(of: [
                    "organisation", "manager", "signatory", "officers", "mail",
                ]))
        }
    }

    @Test("PALS_SMTP_URL in the environment switches the transport to SMTP")
    func environmentOverride() throws {
        let configuration = try WorkspaceConfiguration.parse(
            yaml: starterConfiguration, file: "pals.yaml",
            environment: ["PALS_SMTP_URL": "smtp://127.0.0.1:2525", "PALS_SMTP_USER": "pals"])
        #expect(configuration.mail.transport == .smtp)
        #expect(configuration.mail.smtp.url == "smtp://127.0.0.1:2525")
        #expect(configuration.mail.smtp.username == "pals")
    }

    @Test("an SMTP transport needs a usable URL")
    func smtpNeedsURL() {
        #expect(throws: ConfigurationError.self) {
            try WorkspaceConfiguration.parse(
                yaml: starterConfiguration, file: "pals.yaml", environment: ["PALS_MAIL_TRANSPORT": "smtp"])
        }
        #expect(throws: ConfigurationError.self) {
            try WorkspaceConfiguration.parse(
                yaml: starterConfiguration, file: "pals.yaml", environment: ["PALS_SMTP_URL": "http://x"])
        }
    }

    // MARK: What `pals config check` checks beyond the file (issue 11 item 13)

    static let templates = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Templates")

    func findings(_ yaml: String = starterConfiguration, environment: [String: String] = [:]) throws
        -> [ConfigurationFinding]
    {
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: environment)
        let library = try LetterLibrary.load(from: Self.templates)
        return ConfigurationCheck(configuration: configuration, environment: environment).findings(templates: library)
    }

    /// The starter configuration with SMTP settings added under `mail:`.
    func withSMTP(_ lines: String) -> String {
        starterConfiguration.replacingOccurrences(
            of: "  transport: file              # file: delivered into Outbox/ without relaying; smtp: see below\n",
            with: "  transport: smtp\n  smtp:\n" + lines)
    }

    @Test("the starter configuration passes the check: every officer has what the letters print")
    func starterPassesCheck() throws {
        #expect(try findings().isEmpty)
    }

    @Test("an officer without a phone is an error naming the officer, the field and the letters it breaks")
    func officerWithoutPhone() throws {
        let yaml = starterConfiguration.replacingOccurrences(
            of: "    phone: 01632 960003        # letters give the officer's phone: every officer needs one\n",
            with: "")
        #expect(yaml != starterConfiguration)
        let found = try findings(yaml)
        #expect(found.count == 1, "\(found)")
        let finding = try #require(found.first)
        #expect(finding.severity == .error)
        #expect(finding.key == "officers[1].phone (sam)")
        #expect(finding.message.contains("officer.phone (partials/en/contact.mustache line 1)"))
        #expect(
            finding.message.contains(
                "acknowledgement, concern-resolution, consent-request, holding, late-response, mp-letter, "
                    + "out-of-time, redirected, redress-response, resolution, stage1-response, update, withdrawn letter "
                    + "of sam's cases"))
    }

    @Test("a setting every letter prints, left out, is an error")
    func organisationEmailMissing() throws {
        let yaml = starterConfiguration.replacingOccurrences(of: "  email: pals@example.org\n", with: "")
        let found = try findings(yaml)
        #expect(found.map(\.key) == ["organisation.email"], "\(found)")
    }

    @Test("a missing SMTP password file is an error; one others can read is a warning")
    func passwordFile() throws {
        let folder = try TemporaryFolder("config-check")
        defer { folder.remove() }
        let file = folder.appending("smtp-password")
        let yaml = withSMTP(
            "    url: smtps://mail.example.org:465\n    username: pals\n    passwordFile: \(file.path)\n")
        let missing = try findings(yaml)
        #expect(missing.map(\.severity) == [.error])
        #expect(missing.first?.key == "mail.smtp.passwordFile")
        #expect(missing.first?.message.contains("does not exist") == true)

        try Data("secret\n".utf8).write(to: file)
        #expect(chmod(file.path, 0o644) == 0)
        let open = try findings(yaml)
        #expect(open.map(\.severity) == [.warning])
        #expect(open.first?.message.contains("chmod 600") == true)
        #expect(!open.contains { $0.message.contains("secret") }, "the password is never shown")

        #expect(chmod(file.path, 0o600) == 0)
        #expect(try findings(yaml).isEmpty)

        try Data().write(to: file)
        #expect(try findings(yaml).first?.message.contains("is empty") == true)
    }

    @Test("credentials go only over TLS: the daemon's own transport check runs, and never shows a password")
    func credentialsOverTLS() throws {
        let inURL = withSMTP("    url: smtp://pals:hunter2@mail.example.org:587\n    username: pals\n")
        let found = try findings(inURL, environment: ["PALS_SMTP_PASSWORD": "x"])
        let finding = try #require(found.first { $0.key == "mail.smtp.url" })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("put no credentials in the SMTP URL"))
        #expect(!found.contains { $0.message.contains("hunter2") })

        let starttls = withSMTP("    url: smtp://mail.example.org:587\n    username: pals\n")
        #expect(try findings(starttls, environment: ["PALS_SMTP_PASSWORD": "x"]).isEmpty, "STARTTLS is required")
        let unset = try findings(starttls)
        #expect(unset.map(\.key) == ["mail.smtp.passwordEnv"])
        #expect(unset.first?.severity == .warning)
    }
}
