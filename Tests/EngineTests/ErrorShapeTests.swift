import Casework
import Foundation
import Primitives
import Testing

@testable import Engine

/// Engine's errors have the one shape: a code to match, a message a person can act on, and a log form without
/// personal data or raw control characters.
@Suite struct EngineErrorShape {
    @Test func aConfigurationErrorLogsKeysAndLinesNotValues() {
        let error = ConfigurationError(
            file: "/srv/pals/pals.yaml",
            problems: [
                ConfigurationProblem(key: "officers.jd.email", line: 12, message: "'jane.doe@\r\nx' is not an address")
            ])
        #expect(
            error.description == "invalid configuration (file /srv/pals/pals.yaml, keys officers.jd.email:12): "
                + "1 problem(s) in the configuration")
        #expect(error.errorDescription?.contains("jane.doe@") == true)
        #expect(ConfigurationError.Code.invalidConfiguration ~= error)
    }

    @Test func aFolderThatIsNotEmptyIsLoggedWithoutItsFileNames() {
        let error = WorkspaceError.notEmpty(URL(filePath: "/srv/ws"), entries: ["Jane Doe complaint.docx"])
        #expect(!error.description.contains("Jane"))
        #expect(error.errorDescription?.contains("Jane Doe complaint.docx") == true)
        #expect(WorkspaceError.Code.notEmpty ~= error)
    }

    @Test func aRetentionRefusalCarriesTheDaysAndNoFlagName() throws {
        let error = RetentionError(
            closedBefore: try #require(CivilDate(iso: "2026-01-01")),
            purgeableBefore: try #require(CivilDate(iso: "2016-11-25")))
        #expect(
            error.description == "within retention period (closed before 2026-01-01, purgeable before 2016-11-25): "
                + "within the retention period")
        #expect(error.errorDescription?.contains("2016-11-25") == true)
        #expect(!(error.errorDescription ?? "").contains("--"))
        #expect(RetentionError.Code.withinRetention ~= error)
    }

    @Test func letterAndDeadlineDeskErrorsEscapeControlsInTheirLogForm() {
        let letter = LetterDeskError(message: "case PALS-2026-0001\r\n\u{1B}[2J: refused")
        let deadline = DeadlineDeskError(message: "the stage must be 1 or 2\n")
        for logged in [letter.description, deadline.description, CaseChangesError.nothingToChange.description] {
            #expect(!logged.contains("\n") && !logged.contains("\r") && !logged.contains("\u{1B}"))
        }
        #expect(LetterDeskError.Code.other ~= letter)
    }
}
