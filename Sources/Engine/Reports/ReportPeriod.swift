package import Casework
package import Foundation
package import Primitives

/// The days a report covers, both ends included: a financial year for the annual report, any dates for the
/// board's performance report.
package struct ReportPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first day.
    package let from: CivilDate
    /// The last day.
    package let to: CivilDate

    /// The longest period a report covers: ten years, enough for any board and small enough to draw.
    package static let longestDays = 3_660

    /// A period from `from` to `to`.
    /// - Throws: ``ReportPeriodError`` when `to` is before `from`, a date is outside the dates pals accepts, or the
    ///   period is longer than ten years.
    package init(from: CivilDate, to: CivilDate) throws(ReportPeriodError) {
        for date in [from, to] {
            if let outside = CaseDates.outsideWindow(date) { throw ReportPeriodError(.invalidPeriod, outside) }
        }
        guard from <= to else {
            throw ReportPeriodError(.invalidPeriod, "the period ends (\(to.iso)) before it starts (\(from.iso))")
        }
        guard from.days(to: to) < Self.longestDays else {
            throw ReportPeriodError(.invalidPeriod, "the period is longer than ten years; ask for a shorter one")
        }
        self.from = from
        self.to = to
    }

    /// The financial year `year`, 1 April to 31 March.
    package init(year: FinancialYear) {
        from = year.firstDay
        to = year.lastDay
    }

    private init(unchecked from: CivilDate, _ to: CivilDate) {
        self.from = from
        self.to = to
    }

    /// Whether `day` is in the period.
    package func contains(_ day: CivilDate) -> Bool { day >= from && day <= to }

    /// The number of days in the period.
    package var days: Int { from.days(to: to) + 1 }

    /// Whether the period is whole calendar months (starts on a 1st and ends on a month's last day).
    package var isWholeMonths: Bool {
        from.day == 1 && to.day == CivilDate.daysInMonth(to.month, year: to.year)
    }

    /// The calendar months the period touches, in order.
    package var months: [ReportMonth] {
        var months: [ReportMonth] = []
        var month = ReportMonth(year: from.year, month: from.month)
        let last = ReportMonth(year: to.year, month: to.month)
        while month <= last {
            months.append(month)
            month = month.next
        }
        return months
    }

    /// The period of equal length just before this one: as many whole months when this one is whole months (so
    /// the previous financial year for a financial year), else as many days.
    package var previous: ReportPeriod {
        if isWholeMonths {
            let count = months.count
            let start = from.adding(months: -count)
            return ReportPeriod(unchecked: start, from.adding(days: -1))
        }
        return ReportPeriod(unchecked: from.adding(days: -days), from.adding(days: -1))
    }

    /// "1 April 2026 to 31 March 2027".
    package var words: String { "\(ReportMonth.longDate(from)) to \(ReportMonth.longDate(to))" }

    package var description: String { "\(from.iso) to \(to.iso)" }
}

/// A calendar month, e.g. April 2026.
package struct ReportMonth: Sendable, Hashable, Comparable, Codable {
    package let year: Int
    package let month: Int

    package init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The month `day` is in.
    package init(_ day: CivilDate) { self.init(year: day.year, month: day.month) }

    /// The month after.
    package var next: ReportMonth {
        month == 12 ? .init(year: year + 1, month: 1) : .init(year: year, month: month + 1)
    }

    static let names = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// "2026-04".
    package var iso: String { String(format: "%04d-%02d", year, month) }
    /// "Apr 26", short enough for a chart's axis.
    package var shortLabel: String { "\(Self.names[month - 1].prefix(3)) \(String(format: "%02d", year % 100))" }
    /// "April 2026".
    package var label: String { "\(Self.names[month - 1]) \(year)" }

    /// "1 April 2026".
    package static func longDate(_ day: CivilDate) -> String { "\(day.day) \(names[day.month - 1]) \(day.year)" }

    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CivilDate(iso: text + "-01") else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a month"))
        }
        self.init(day)
    }
}

/// A period or report request that cannot be answered, saying what would work.
package struct ReportPeriodError: PalsError {
    package typealias Code = ErrorCode<ReportPeriodError>
    package let code: Code
    /// What is wrong, for a person.
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var errorDescription: String? { message }
    package var description: String { logDescription }
    package var logReason: String? { message }
}

extension ErrorCode where Domain == ReportPeriodError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// The period is backwards, too long or outside the dates pals accepts.
    package static let invalidPeriod = Self("invalid report period")
    /// The report could not be written where it was asked to go.
    package static let cannotWrite = Self("cannot write report")
}
