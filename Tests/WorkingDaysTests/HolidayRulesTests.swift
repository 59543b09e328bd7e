import Foundation
import Primitives
import Testing
import WorkingDays

/// The days only the GOV.UK data knows, by year: one-off holidays and the standing holidays they moved.
/// Every division of the shipped feed differs from the rules in exactly these days.
let oneOffDays: [Int: (onlyInData: Set<String>, onlyInRules: Set<String>)] = [
    // Spring bank holiday moved from Monday 28 May to Monday 4 June (the feed's "Substitute day"), and Tuesday
    // 5 June was the Queen's Diamond Jubilee.
    2012: (["2012-06-04", "2012-06-05"], ["2012-05-28"]),
    // Early May bank holiday moved from Monday 4 May to Friday 8 May for VE day's 75th anniversary.
    2020: (["2020-05-08"], ["2020-05-04"]),
    // Spring bank holiday moved from Monday 30 May to Thursday 2 June, Friday 3 June was the Platinum Jubilee, and
    // Monday 19 September the State Funeral of Queen Elizabeth II.
    2022: (["2022-06-02", "2022-06-03", "2022-09-19"], ["2022-05-30"]),
    // Monday 8 May was the coronation of King Charles III (an extra day: the early May holiday stayed on 1 May).
    2023: (["2023-05-08"], []),
]

@Suite struct HolidayRulesSpecification {
    @Test(arguments: Division.allCases)
    func reproduceEveryDateOfTheShippedDataButTheOneOffs(division: Division) {
        let data = HolidayData.shipped
        for year in data.years(for: division) {
            let fromData = Set(data.holidays(inYear: year, division: division).map(\.date.iso))
            let fromRules = Set(HolidayRules.holidays(year: year, division: division).map(\.date.iso))
            let expected = oneOffDays[year] ?? ([], [])
            #expect(fromData.subtracting(fromRules) == expected.onlyInData, "\(division) \(year)")
            #expect(fromRules.subtracting(fromData) == expected.onlyInRules, "\(division) \(year)")
        }
    }

    /// Days the feed names differently in different years: when 1 January is a Sunday, Scotland's 2012 and 2017 keep
    /// 2nd January on Monday 2 and put New Year's substitute on Tuesday 3; 2023 (and the rules) do the reverse.
    static let differentlyNamed: Set<String> = ["2012-01-02", "2012-01-03", "2017-01-02", "2017-01-03"]

    @Test(arguments: Division.allCases)
    func nameTheDaysAsTheFeedDoes(division: Division) {
        let data = HolidayData.shipped
        for year in data.years(for: division) {
            let fromRules = Dictionary(
                uniqueKeysWithValues: HolidayRules.holidays(year: year, division: division).map { ($0.date, $0) })
            for holiday in data.holidays(inYear: year, division: division) {
                guard let rule = fromRules[holiday.date] else { continue }
                if division == .scotland, Self.differentlyNamed.contains(holiday.date.iso) {
                    #expect(rule.title != holiday.title, "\(holiday): no longer named differently?")
                    continue
                }
                #expect(rule.title == holiday.title, "\(holiday)")
                #expect(rule.notes == holiday.notes, "\(holiday)")
            }
        }
    }

    @Test(arguments: [
        (1943, "1943-04-25"), (1961, "1961-04-02"), (2008, "2008-03-23"), (2019, "2019-04-21"), (2024, "2024-03-31"),
        (2025, "2025-04-20"), (2038, "2038-04-25"), (2285, "2285-03-22"),
    ])
    func findEasterByTheGregorianComputus(year: Int, easter: String) {
        #expect(HolidayRules.easterSunday(year: year) == day(easter))
    }

    @Test func giveEnglandAndWalesEightDaysIn2029() {
        let days = HolidayRules.holidays(year: 2029, division: .englandAndWales).map(\.date.iso)
        #expect(
            days == [
                "2029-01-01", "2029-03-30", "2029-04-02", "2029-05-07", "2029-05-28", "2029-08-27", "2029-12-25",
                "2029-12-26",
            ])
    }

    @Test func chainScotlandsFirstAndSecondOfJanuaryOverAWeekend() {
        // 2033: 1 January is a Saturday and 2 January a Sunday.
        let january = HolidayRules.holidays(year: 2033, division: .scotland).filter { $0.date.month == 1 }
        #expect(january.map(\.date.iso) == ["2033-01-03", "2033-01-04"])
        #expect(january.map(\.title) == ["New Year’s Day", "2nd January"])
        #expect(january.allSatisfy { $0.notes == "Substitute day" })
        // 2034: 1 January is a Sunday: Monday 2 and Tuesday 3 January, named as GOV.UK did in 2023.
        let next = HolidayRules.holidays(year: 2034, division: .scotland).filter { $0.date.month == 1 }
        #expect(next.map(\.date.iso) == ["2034-01-02", "2034-01-03"])
        #expect(next.map(\.title) == ["New Year’s Day", "2nd January"])
    }

    @Test func moveChristmasAndBoxingDayOffTheWeekend() {
        // 2032: Christmas on Saturday, Boxing Day on Sunday.
        let december = HolidayRules.holidays(year: 2032, division: .englandAndWales).filter { $0.date.month == 12 }
        #expect(december.map(\.date.iso) == ["2032-12-27", "2032-12-28"])
        #expect(december.map(\.title) == ["Christmas Day", "Boxing Day"])
        // 2033: Christmas on Sunday, Boxing Day on Monday.
        let next = HolidayRules.holidays(year: 2033, division: .englandAndWales).filter { $0.date.month == 12 }
        #expect(next.map(\.date.iso) == ["2033-12-26", "2033-12-27"])
    }

    @Test func observeScotlandsOwnDays() {
        let scotland = HolidayRules.holidays(year: 2031, division: .scotland)
        #expect(!scotland.contains { $0.title == "Easter Monday" })
        // St Andrew's Day 2031 is a Sunday: Monday 1 December instead.
        #expect(scotland.contains { $0.date == day("2031-12-01") && $0.title == "St Andrew’s Day" })
        // Summer bank holiday on the first Monday of August, not the last.
        #expect(scotland.contains { $0.date == day("2031-08-04") && $0.title == "Summer bank holiday" })
        #expect(!scotland.contains { $0.date == day("2031-08-25") })
    }

    @Test func observeNorthernIrelandsOwnDays() {
        let northernIreland = HolidayRules.holidays(year: 2031, division: .northernIreland).map(\.date.iso)
        #expect(
            northernIreland == [
                "2031-01-01", "2031-03-17", "2031-04-11", "2031-04-14", "2031-05-05", "2031-05-26", "2031-07-14",
                "2031-08-25", "2031-12-25", "2031-12-26",
            ])
        // St Patrick's Day 2029 is a Saturday: Monday 19 March instead.
        #expect(HolidayRules.holidays(year: 2029, division: .northernIreland).contains { $0.date == day("2029-03-19") })
        #expect(!HolidayRules.holidays(year: 2031, division: .englandAndWales).contains { $0.date.month == 7 })
    }
}

@Suite struct DataWinsOverRules {
    @Test func aYearInTheDataUsesTheDataDays() {
        let calendar = WorkingDayCalendar(division: .englandAndWales)
        #expect(!calendar.isWorkingDay(day("2022-09-19")))
        #expect(
            calendar.holiday(on: day("2022-09-19"))?.title == "Bank Holiday for the State Funeral of Queen Elizabeth II"
        )
        // The rules' spring bank holiday of 2022 was moved by the data: 30 May was a working day.
        #expect(calendar.isWorkingDay(day("2022-05-30")))
        #expect(calendar.holiday(on: day("2022-05-30")) == nil)
        #expect(calendar.holidays(inYear: 2022).count == 10)
    }

    @Test func aMadeUpDayInTheDataIsAHoliday() throws {
        let json = try editedFeed {
            try addEvent(
                ["title": "Made-up Day", "date": "2027-07-07", "notes": "Extra bank holiday", "bunting": true],
                to: "england-and-wales", in: &$0)
        }
        let data = try HolidayData(json: json)
        #expect(data.version != HolidayData.shipped.version)
        let calendar = WorkingDayCalendar(division: .englandAndWales, data: data)
        #expect(!calendar.isWorkingDay(day("2027-07-07")))
        #expect(calendar.holiday(on: day("2027-07-07"))?.title == "Made-up Day")
        #expect(calendar.adding(workingDays: 1, to: day("2027-07-06")) == day("2027-07-08"))
        #expect(WorkingDayCalendar(division: .englandAndWales).isWorkingDay(day("2027-07-07")))
        // Other divisions are untouched.
        #expect(WorkingDayCalendar(division: .scotland, data: data).isWorkingDay(day("2027-07-07")))
    }

    @Test func yearsBeyondTheDataFollowTheRules() throws {
        // Keep only 2012–2020: 2022 falls back to the rules, which know nothing of the State Funeral.
        let json = try editedFeed { feed in
            for division in Division.allCases {
                var entry = try #require(feed[division.rawValue] as? [String: Any])
                let events = try #require(entry["events"] as? [[String: Any]])
                entry["events"] = events.filter { (($0["date"] as? String) ?? "") < "2021" }
                feed[division.rawValue] = entry
            }
        }
        let data = try HolidayData(json: json)
        #expect(data.coveredYears == 2012...2020)
        let calendar = WorkingDayCalendar(division: .englandAndWales, data: data)
        #expect(calendar.isWorkingDay(day("2022-09-19")))
        #expect(!calendar.isWorkingDay(day("2022-05-30")))
        #expect(!calendar.isWorkingDay(day("2020-05-08")))  // still the data's VE day
        #expect(calendar.isWorkingDay(day("2020-05-04")))
    }
}
