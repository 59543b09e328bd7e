package import Foundation
package import Primitives

/// A report that could not be printed: cairo failed. The message says what to try.
package struct ReportError: PalsError {
    package typealias Code = ErrorCode<ReportError>

    package let code: Code
    /// cairo's own words.
    package let note: String

    package init(_ code: Code, note: String) {
        self.code = code
        self.note = note
    }

    package var errorDescription: String? {
        "the report could not be drawn as a PDF (\(note)); check that the DejaVu fonts and cairo are installed"
    }
    package var description: String { logDescription }
    package var logReason: String? { note }
}

extension ErrorCode where Domain == ReportError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// cairo or pango reported an error while drawing.
    package static let pdfRendering = Self("report PDF rendering")
}
