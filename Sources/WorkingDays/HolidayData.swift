package import Foundation
package import Primitives

/// The bank holidays of the three divisions as published by GOV.UK (https://www.gov.uk/bank-holidays.json).
///
/// Where the data covers a year (from the year of its first event to the year of its last, per division), the data
/// alone decides that year; other years come from ``HolidayRules``. The shipped copy is Crown copyright, published
/// under the Open Government Licence v3.0.
package struct HolidayData: Sendable, Hashable {
    /// One division's events, sorted by date, with the years they cover.
    struct Events: Sendable, Hashable {
        var holidays: [BankHoliday]
        var years: ClosedRange<Int>
        var byYear: [Int: [BankHoliday]]
    }

    /// A short string that identifies the data, e.g. `gov.uk 2012-01-02…2028-12-26 #1a2b3c4d`.
    package let version: String
    /// The earliest holiday in the data (all divisions).
    package let firstDate: CivilDate
    /// The latest holiday in the data (all divisions).
    package let lastDate: CivilDate
    private let events: [Division: Events]

    /// The copy of the GOV.UK feed shipped with pals (2012–2028), compiled into the program (SwiftPM's
    /// `embedInCode`), so an installed `pals` needs no resource bundle beside it.
    package static let shipped: HolidayData = {
        do {
            return try HolidayData(json: Data(PackageResources.bank_holidays_json))
        } catch {
            fatalError("WorkingDays: the shipped bank-holidays.json is unusable: \(error)")
        }
    }()

    /// Parses and checks a GOV.UK bank-holidays JSON document.
    ///
    /// - Throws: ``HolidayDataError`` naming the problem: not JSON, a missing or empty division, a bad date, a
    ///   duplicate date, or a year with no holidays inside the covered range.
    package init(json: Data) throws(HolidayDataError) {
        let feed: [String: FeedDivision]
        do {
            feed = try JSONDecoder().decode([String: FeedDivision].self, from: json)
        } catch let error as DecodingError {
            throw HolidayDataError(decoding: error)
        } catch {
            throw HolidayDataError(.notJSON, "the data is not valid JSON (\(error))")
        }
        var holidays: [BankHoliday] = []
        for division in Division.allCases {
            guard let entry = feed[division.rawValue] else {
                let found = feed.keys.sorted().joined(separator: ", ")
                throw HolidayDataError(
                    .missingDivision,
                    "division \"\(division.rawValue)\" is missing (found: \(found.isEmpty ? "none" : found))")
            }
            if let named = entry.division, named != division.rawValue {
                throw HolidayDataError(
                    .malformed, "the entry \"\(division.rawValue)\" says its division is \"\(named)\"")
            }
            for (index, event) in entry.events.enumerated() {
                guard let date = CivilDate(iso: event.date) else {
                    throw HolidayDataError(
                        .badDate,
                        "\(division.rawValue) event \(index + 1) (\(event.title)) has a bad date \"\(event.date)\"")
                }
                holidays.append(
                    BankHoliday(date: date, title: event.title, division: division, notes: event.notes ?? ""))
            }
        }
        try self.init(holidays: holidays, source: "gov.uk")
    }

    /// Makes a data set from holidays held in memory, checked as ``init(json:)`` checks a feed.
    ///
    /// - Parameters:
    ///   - holidays: the holidays of all three divisions, in any order.
    ///   - source: the first word of ``version``.
    package init(holidays: [BankHoliday], source: String = "custom") throws(HolidayDataError) {
        var events: [Division: Events] = [:]
        for division in Division.allCases {
            let list = holidays.filter { $0.division == division }.sorted { $0.date < $1.date }
            guard let first = list.first, let last = list.last else {
                throw HolidayDataError(.emptyDivision, "division \"\(division.rawValue)\" has no holidays")
            }
            for (previous, next) in zip(list, list.dropFirst()) where previous.date == next.date {
                throw HolidayDataError(
                    .duplicateDate,
                    "\(division.rawValue) lists \(next.date) twice (\(previous.title); \(next.title))")
            }
            let byYear = Dictionary(grouping: list, by: \.date.year)
            let years = first.date.year...last.date.year
            if let gap = years.first(where: { byYear[$0] == nil }) {
                throw HolidayDataError(
                    .missingYear,
                    "\(division.rawValue) has no holidays in \(gap), inside the covered years "
                        + "\(years.lowerBound)–\(years.upperBound)")
            }
            events[division] = Events(holidays: list, years: years, byYear: byYear)
        }
        let all = events.values.flatMap(\.holidays)
        self.firstDate = all.map(\.date).min()!
        self.lastDate = all.map(\.date).max()!
        self.events = events
        var hash = StableHash()
        for division in Division.allCases {
            for holiday in events[division]!.holidays {
                hash.add("\(division.rawValue)\t\(holiday.date.iso)\t\(holiday.title)\t\(holiday.notes)\n")
            }
        }
        self.version = "\(source) \(self.firstDate.iso)…\(self.lastDate.iso) #\(hash.short)"
    }

    /// The years covered by the data for `division`: those years use the data only.
    package func years(for division: Division) -> ClosedRange<Int> {
        self.events[division]!.years
    }

    /// The years covered by the data for every division.
    package var coveredYears: ClosedRange<Int> {
        let ranges = Division.allCases.map { self.years(for: $0) }
        return ranges.map(\.lowerBound).max()!...ranges.map(\.upperBound).min()!
    }

    /// Whether the data decides the holidays of `year` in `division`.
    package func covers(year: Int, division: Division) -> Bool {
        self.events[division]!.years.contains(year)
    }

    /// Every holiday the data lists for `division`, sorted by date.
    package func holidays(for division: Division) -> [BankHoliday] {
        self.events[division]!.holidays
    }

    /// The holidays of `year` in `division`: from the data where it covers the year, otherwise from the rules.
    package func holidays(inYear year: Int, division: Division) -> [BankHoliday] {
        let events = self.events[division]!
        guard events.years.contains(year) else { return HolidayRules.holidays(year: year, division: division) }
        return events.byYear[year] ?? []
    }
}

/// Why a bank-holiday data set was refused. The data is public (GOV.UK's feed or the organisation's closures), so
/// the log form carries the whole reason.
package struct HolidayDataError: PalsError, Hashable {
    /// What kind of problem it is; compare codes, not messages.
    package typealias Code = ErrorCode<HolidayDataError>

    /// What kind of problem it is.
    package let code: Code
    /// What is wrong and where, e.g. `scotland event 3 (Good Friday) has a bad date "2026-02-30"`.
    package let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(.notJSON, "the data is not valid JSON")
        case .dataCorrupted(let context):
            self.init(.malformed, "bad value at \(path(context.codingPath)): \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            self.init(
                .malformed,
                "key \"\(key.stringValue)\" missing at \(path(context.codingPath).isEmpty ? "top level" : path(context.codingPath))"
            )
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let at = path(context.codingPath)
            self.init(.malformed, "expected \(type) at \(at.isEmpty ? "top level" : at)")
        @unknown default:
            self.init(.malformed, "the JSON is not a GOV.UK bank-holidays feed")
        }
    }

    /// The message for a person: `bank-holiday data refused: <reason>`.
    package var errorDescription: String? { "bank-holiday data refused: \(self.reason)" }

    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { self.reason }
}

extension ErrorCode where Domain == HolidayDataError {
    /// Matches an error against a code: `catch HolidayDataError.Code.x { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// The data is not JSON at all.
    package static let notJSON = Self("not-json")
    /// The JSON does not have the feed's shape (a key missing or of the wrong type).
    package static let malformed = Self("malformed")
    /// One of the three divisions is absent.
    package static let missingDivision = Self("missing-division")
    /// A division lists no holidays.
    package static let emptyDivision = Self("empty-division")
    /// A date is not a real `YYYY-MM-DD` date.
    package static let badDate = Self("bad-date")
    /// A division lists the same date twice.
    package static let duplicateDate = Self("duplicate-date")
    /// A year between a division's first and last holiday has none.
    package static let missingYear = Self("missing-year")
}

/// One division of the GOV.UK feed.
private struct FeedDivision: Decodable {
    var division: String?
    var events: [FeedEvent]
}

/// One event of the GOV.UK feed.
private struct FeedEvent: Decodable {
    var title: String
    var date: String
    var notes: String?
}
