import Casework
@testable import Engine
import Foundation
import Testing

@Suite("Workspace configuration")
struct ConfigurationTests {
    @Test("the starter configuration of `pals init` is valid and marks its invented values")
    func starterIsValid() throws {
        let configuration = try WorkspaceConfiguration.parse(yaml: starterConfiguration, file: "pals.yaml", environment: [:])
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
            #expect(keys == [
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
            #expect(Set(error.problems.map(\.key)).isSuperset(of: ["organisation", "manager", "signatory", "officers", "mail"]))
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
            try WorkspaceConfiguration.parse(yaml: starterConfiguration, file: "pals.yaml", environment: ["PALS_MAIL_TRANSPORT": "smtp"])
        }
        #expect(throws: ConfigurationError.self) {
            try WorkspaceConfiguration.parse(yaml: starterConfiguration, file: "pals.yaml", environment: ["PALS_SMTP_URL": "http://x"])
        }
    }
}
