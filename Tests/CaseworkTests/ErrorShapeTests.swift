import Casework
import Foundation
import Testing

/// Casework's errors have the one shape: a log form that names fields and references, never what was typed.
@Suite struct CaseworkErrorShape {
    @Test func aCaseFormErrorLogsTheFieldsNotTheValues() {
        let error = CaseFormError([
            CaseFieldProblem(field: "complainant.email", message: "'jane.doe@example.org\r\n' is not an address"),
            CaseFieldProblem(field: "summary", message: "Mrs Doe's fall on ward 7 is too long"),
        ])
        #expect(error.description == "invalid case fields (fields complainant.email summary): the case was not stored")
        #expect(!error.description.contains("jane") && !error.description.contains("Doe"))
        #expect(error.errorDescription?.contains("jane.doe@example.org") == true)
        #expect(CaseFormError.Code.invalidFields ~= error)
    }

    @Test func aRegisterErrorEscapesAReferenceAndMatchesByCode() {
        let error = RegisterError.notFound("PALS-2026-0001\n\u{1B}[2J")
        #expect(!error.description.contains("\n") && !error.description.contains("\u{1B}"))
        #expect(RegisterError.Code.notFound ~= error)
        #expect(error == RegisterError.notFound("other"))
    }

    @Test func aReferencePatternErrorNamesThePattern() {
        let error = #expect(throws: ReferencePatternError.self) { _ = try ReferencePattern("PALS-{YYYY}") }
        #expect(error?.description.hasPrefix("unusable reference pattern (pattern PALS-{YYYY}): ") == true)
    }
}
