import Foundation
import Primitives
import Testing

/// Shorthand for a date the test knows exists.
func day(_ iso: String, sourceLocation: SourceLocation = #_sourceLocation) -> CivilDate {
    guard let date = CivilDate(iso: iso) else {
        Issue.record("\(iso) is not a date", sourceLocation: sourceLocation)
        return CivilDate(dayNumber: 0)
    }
    return date
}

@Suite struct CivilDateSpecification {
    @Test(arguments: ["2026-02-28", "2028-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "1969-12-31"])
    func parsesAndPrintsStrictISODates(text: String) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.iso == text)
        #expect(date.description == text)
    }

    @Test(arguments: [
        "2026-02-30", "2027-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-2-3", "2026-02-3",
        "26-02-03", "2026/02/03", "2026-02-03T00:00", " 2026-02-03", "２０２６-02-03", "junk", "", "0000-01-01",
        "+026-02-03", "2026-0a-03",
    ])
    func refusesAnythingElse(text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test func refusesImpossibleParts() {
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 10_000, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 2026, month: 4, day: 30) != nil)
    }

    @Test func dayNumbersCountFromTheUnixEpoch() {
        #expect(day("1970-01-01").dayNumber == 0)
        #expect(day("1970-01-02").dayNumber == 1)
        #expect(day("1969-12-31").dayNumber == -1)
        #expect(day("2000-03-01").dayNumber == 11_017)
    }

    @Test func agreesWithFoundationsGregorianCalendarDayByDay() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // Every 7th day across 1600–2400 (about 42,000 dates).
        for dayNumber in stride(from: -135_000, through: 156_000, by: 7) {
            let date = CivilDate(dayNumber: dayNumber)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(dayNumber) * 86_400))
            #expect(date.year == parts.year && date.month == parts.month && date.day == parts.day)
            // Foundation numbers Sunday 1 … Saturday 7.
            #expect((date.weekday.rawValue % 7) + 1 == parts.weekday!)
            #expect(CivilDate(year: date.year, month: date.month, day: date.day) == date)
        }
    }

    @Test(arguments: [
        ("2021-12-23", Weekday.thursday), ("2026-03-14", .saturday), ("2026-03-15", .sunday), ("1970-01-01", .thursday),
        ("1969-12-29", .monday),
    ])
    func knowsTheDayOfTheWeek(text: String, weekday: Weekday) {
        #expect(day(text).weekday == weekday)
        #expect(day(text).isWeekend == weekday.isWeekend)
    }

    @Test(arguments: [
        ("2027-08-31", 6, "2028-02-29"),  // leap year: 29 February
        ("2025-08-31", 6, "2026-02-28"),  // common year: 28 February
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-03-15", 6, "2026-09-15"),
        ("2026-10-31", 3, "2027-01-31"),
        ("2026-12-31", 12, "2027-12-31"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2028-02-29", 12, "2029-02-28"),
    ])
    func addsCalendarMonthsClampedToTheMonthsEnd(start: String, months: Int, expected: String) {
        #expect(day(start).adding(months: months) == day(expected))
    }

    @Test func addsAndCountsDays() {
        #expect(day("2026-02-28").adding(days: 1) == day("2026-03-01"))
        #expect(day("2028-02-28").adding(days: 1) == day("2028-02-29"))
        #expect(day("2026-01-01").adding(days: -1) == day("2025-12-31"))
        #expect(day("2026-01-01").days(to: day("2027-01-01")) == 365)
        #expect(day("2026-01-01") < day("2026-01-02"))
    }

    @Test func codesAsAQuotedISOString() throws {
        let data = try JSONEncoder().encode([day("2026-11-25")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-11-25"]"#)
        #expect(try JSONDecoder().decode([CivilDate].self, from: data) == [day("2026-11-25")])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-2-3"]"#.utf8))
        }
    }

    @Test(arguments: [
        ("2026-06-30T23:30:00Z", "2026-07-01"),  // 00:30 BST is already the next day in London
        ("2026-01-15T23:30:00Z", "2026-01-15"),  // 23:30 GMT is still the same day
        ("2026-03-29T00:30:00Z", "2026-03-29"),  // the night the clocks go forward
        ("2026-10-24T23:30:00Z", "2026-10-25"),  // the night the clocks go back (still BST)
        ("1969-12-31T23:59:59Z", "1970-01-01"),  // British Standard Time: London was UTC+1 all year
        ("1960-01-01T00:00:00Z", "1960-01-01"),  // before the epoch
        ("1959-12-31T23:59:59Z", "1959-12-31"),
    ])
    func takesTheDayAnInstantFallsOnInLondon(instant: String, expected: String) throws {
        let date = try #require(ISO8601DateFormatter().date(from: instant))
        #expect(CivilDate(date) == day(expected))
        #expect(CivilDate(date, timeZone: try #require(TimeZone(identifier: "UTC"))).iso == String(instant.prefix(10)))
    }

    @Test func startsTheDayAtLondonMidnight() throws {
        let formatter = ISO8601DateFormatter()
        #expect(day("2026-07-01").date() == formatter.date(from: "2026-06-30T23:00:00Z"))
        #expect(day("2026-01-15").date(hour: 12) == formatter.date(from: "2026-01-15T12:00:00Z"))
    }
}

@Suite struct WallClockSpecification {
    @Test func aFixedClockGivesTodayInLondon() throws {
        let instant = try #require(ISO8601DateFormatter().date(from: "2026-06-30T23:30:00Z"))
        #expect(WallClock.fixed(instant).today() == day("2026-07-01"))
        #expect(WallClock.fixed(day("2026-12-25")).today() == day("2026-12-25"))
    }

    @Test func theSystemClockIsNow() {
        let before = Date()
        let now = WallClock.system.now()
        #expect(abs(now.timeIntervalSince(before)) < 60)
    }
}

@Suite struct CivilDateEdges {
    @Test(arguments: ["0001-01-01", "0001-12-31", "9999-01-01", "9999-12-31", "1970-01-01", "2000-02-29"])
    func dayNumbersRoundTripAtTheEdges(text: String) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(CivilDate(dayNumber: date.dayNumber) == date)
        #expect(CivilDate(dayNumber: date.dayNumber).iso == text)
    }

    @Test func yearsOutsideOneToNineThousandNineHundredAndNinetyNineAreRefused() {
        #expect(CivilDate(year: 0, month: 12, day: 31) == nil)
        #expect(CivilDate(year: 10000, month: 1, day: 1) == nil)
        #expect(CivilDate(iso: "0000-12-31") == nil)
    }

    @Test func theFirstAndLastDaysAreNeighboursOfNothingElse() throws {
        let first = try #require(CivilDate(iso: "0001-01-01"))
        let last = try #require(CivilDate(iso: "9999-12-31"))
        #expect(first.days(to: last) == 3_652_058)
        #expect(first.weekday == .monday)
        #expect(last.weekday == .friday)
    }

    @Test func theUKTimeZoneIsLondons() {
        #expect(TimeZone.europeLondon.identifier == "Europe/London")
    }
}
