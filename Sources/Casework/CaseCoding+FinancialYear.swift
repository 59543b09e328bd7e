package import Foundation
package import Primitives

/// An NHS financial year, 1 April to 31 March, the period of the national returns; written `2026-27`.
package struct FinancialYear: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The calendar year in which it starts (2026 for 2026-27).
    package let startYear: Int

    /// The years pals accepts: from 2009-10 (the complaint regulations of 2009) to 2098-99.
    package static let supported = 2009...2098

    /// The financial year starting in April of `startYear`; `nil` outside ``supported``.
    package init?(startYear: Int) {
        guard Self.supported.contains(startYear) else { return nil }
        self.startYear = startYear
    }

    /// Parses `2026-27`: four digits, a hyphen, and the last two digits of the next year.
    /// - Throws: ``FinancialYearError`` naming the expected form.
    package init(parsing text: String) throws(FinancialYearError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let start = Int(parts[0]), let end = Int(parts[1])
        else { throw FinancialYearError(text: text, why: "is not a financial year in the form 2026-27") }
        guard end == (start + 1) % 100 else {
            let expected = String(format: "%04d-%02d", start, (start + 1) % 100)
            throw FinancialYearError(
                text: text, why: "is not a financial year: it runs from April to the March after (\(expected))")
        }
        guard let year = FinancialYear(startYear: start) else {
            throw FinancialYearError(
                text: text,
                why: "is outside the years pals reports (2009-10, the first year of the 2009 regulations, to 2098-99)")
        }
        self = year
    }

    /// The financial year that `day` falls in.
    package init(containing day: CivilDate) {
        startYear = day.month >= 4 ? day.year : day.year - 1
    }

    /// 1 April of the start year.
    package var firstDay: CivilDate { CivilDate(year: startYear, month: 4, day: 1)! }
    /// 31 March of the next year.
    package var lastDay: CivilDate { CivilDate(year: startYear + 1, month: 3, day: 31)! }

    /// Whether `day` is in this year.
    package func contains(_ day: CivilDate) -> Bool { day >= firstDay && day <= lastDay }

    /// The year before.
    package var previous: FinancialYear { FinancialYear(unchecked: startYear - 1) }
    /// The year after.
    package var next: FinancialYear { FinancialYear(unchecked: startYear + 1) }

    private init(unchecked startYear: Int) { self.startYear = startYear }

    /// `2026-27`.
    package var description: String { String(format: "%04d-%02d", startYear, (startYear + 1) % 100) }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.startYear < rhs.startYear }
}

/// A financial year that could not be read, with the form expected.
package struct FinancialYearError: PalsError {
    package typealias Code = ErrorCode<FinancialYearError>
    package var code: Code { .invalid }
    /// What was given.
    package let text: String
    /// Why it is not a financial year.
    package let why: String

    package var errorDescription: String? { "'\(text.escapingControls)' \(why)" }
    package var description: String { logDescription }
    package var logReason: String? { why }
}

extension ErrorCode where Domain == FinancialYearError {
    /// The text is not a financial year pals accepts.
    package static let invalid = Self("invalid financial year")
}
