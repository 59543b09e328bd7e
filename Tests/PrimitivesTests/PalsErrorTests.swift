import Foundation
import Primitives
import Testing

/// A made-up error of the one shape, with a value that must never reach a log.
private struct SampleError: PalsError {
    let code: ErrorCode<SampleError>
    let reference: String
    let typed: String

    var errorDescription: String? { "case \(reference): \"\(typed.escapingControls)\" is not an address" }
    var description: String { logDescription }
    var logContext: [(name: String, value: String)] { [("case", reference)] }
    var logReason: String? { "not an address" }
}

extension ErrorCode where Domain == SampleError {
    static let bad = Self("bad")
    static let worse = Self("worse")
}

@Suite struct PalsErrorSpecification {
    private let error = SampleError(
        code: .bad, reference: "PALS-2026-0001\r\nforged: line", typed: "jane.doe@example.org")

    @Test func theLogFormCarriesCodeContextAndReasonButNotTheValue() {
        #expect(error.description == #"bad (case PALS-2026-0001\r\nforged: line): not an address"#)
        #expect(!"\(error)".contains("jane.doe"))
        #expect(!error.description.contains("\n") && !error.description.contains("\r"))
        #expect(error.errorDescription?.contains("jane.doe@example.org") == true)
    }

    @Test func codesMatchTheirOwnErrorOnly() {
        #expect(ErrorCode<SampleError>.bad.matches(error))
        #expect(!ErrorCode<SampleError>.worse.matches(error))
        #expect(!ErrorCode<SampleError>.bad.matches(CocoaError(.fileNoSuchFile)))
        #expect(error.code == .bad && error.code.description == "bad")
    }

    @Test func fileErrorsLogThePathAndTheSystemsWords() {
        let error = FileError(errno: ENOSPC, "write", "/srv/pals/Outbox/queued/x.eml")
        #expect(
            error.description == "file operation failed (path /srv/pals/Outbox/queued/x.eml): could not write: "
                + "No space left on device")
        #expect(error.errorDescription == "could not write /srv/pals/Outbox/queued/x.eml: No space left on device")
    }
}
