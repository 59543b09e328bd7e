import Foundation
package import Primitives

/// How case references are spelt, e.g. `PALS-{YYYY}-{NNNN}`: `{YYYY}` is the year of receipt,
/// `{YY}` its last two digits, and a run of `N` the sequence number, zero-padded to that width.
/// Numbering restarts for each distinct prefix (so each year).
package struct ReferencePattern: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written in the configuration.
    package let text: String
    private let width: Int
    private let before: String
    private let after: String

    /// The default, `PALS-{YYYY}-{NNNN}`.
    package static let standard = try! ReferencePattern("PALS-{YYYY}-{NNNN}")

    /// Parses a pattern; it must hold exactly one `{N…}` token and only the characters A–Z, 0–9, `-`, `/`, `_`.
    package init(_ text: String) throws(ReferencePatternError) {
        guard let open = text.range(of: "{N"), let close = text[open.upperBound...].firstIndex(of: "}"),
            text[open.lowerBound..<close].dropFirst().allSatisfy({ $0 == "N" })
        else { throw ReferencePatternError(pattern: text, reason: "it needs one sequence token such as {NNNN}") }
        let tokenWidth = text.distance(from: open.lowerBound, to: close) - 1
        self.text = text
        width = tokenWidth
        before = String(text[..<open.lowerBound])
        after = String(text[text.index(after: close)...])
        if before.contains("{N") || after.contains("{N") {
            throw ReferencePatternError(pattern: text, reason: "it has more than one sequence token")
        }
        let literal = (before + after).replacingOccurrences(of: "{YYYY}", with: "").replacingOccurrences(
            of: "{YY}", with: "")
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/_")
        if let bad = literal.first(where: { !allowed.contains($0) }) {
            throw ReferencePatternError(
                pattern: text,
                reason: "'\(bad)' is not allowed (use letters, digits, - / _ and the tokens {YYYY}, {YY}, {NNNN})")
        }
    }

    package var description: String { text }

    /// The pattern with the year filled in: the counter key and a way to spell a number.
    func scope(year: Int) -> Scope {
        func fill(_ part: String) -> String {
            part.replacingOccurrences(of: "{YYYY}", with: String(format: "%04d", year))
                .replacingOccurrences(of: "{YY}", with: String(format: "%02d", year % 100))
        }
        return Scope(before: fill(before), after: fill(after), width: width)
    }

    struct Scope {
        let before: String
        let after: String
        let width: Int
        var key: String { before + "#" + after }
        func reference(number: Int) -> String {
            let digits = String(number)
            return before + String(repeating: "0", count: max(0, width - digits.count)) + digits + after
        }
    }
}

/// A reference pattern that cannot be used, and why. The pattern is configuration, not personal data.
package struct ReferencePatternError: PalsError, Hashable {
    /// What kind of problem this is (there is one kind).
    package typealias Code = ErrorCode<ReferencePatternError>

    /// The pattern as written in the configuration.
    package let pattern: String
    /// What is wrong with it and what is allowed.
    package let reason: String

    /// Always ``ErrorCode/unusablePattern``.
    package var code: Code { .unusablePattern }
    package var errorDescription: String? { "reference pattern '\(pattern)' cannot be used: \(reason)" }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] { [("pattern", pattern)] }
    package var logReason: String? { reason }
}

extension ErrorCode where Domain == ReferencePatternError {
    /// Matches an error against a code: `catch ReferencePatternError.Code.unusablePattern { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// The pattern has no sequence token, more than one, or a character references may not hold.
    package static let unusablePattern = Self("unusable reference pattern")
}
