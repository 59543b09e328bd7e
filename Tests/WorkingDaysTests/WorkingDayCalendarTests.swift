import Foundation
import Primitives
import Testing
import WorkingDays

/// Counts working days one day at a time from the holiday lists: the slow, obvious answer.
struct NaiveCalendar {
    let division: Division
    let data: HolidayData
    let closures: Set<CivilDate>

    func isWorkingDay(_ date: CivilDate) -> Bool {
        !date.isWeekend && !self.closures.contains(date)
            && !self.data.holidays(inYear: date.year, division: self.division).contains { $0.date == date }
    }

    func adding(workingDays: Int, to date: CivilDate) -> CivilDate {
        var day = date
        var left = workingDays
        while left > 0 {
            day = day.adding(days: 1)
            if self.isWorkingDay(day) { left -= 1 }
        }
        return day
    }
}

@Suite struct WorkingDayCalendarSpecification {
    let england = WorkingDayCalendar(division: .englandAndWales)
    let scotland = WorkingDayCalendar(division: .scotland)
    let northernIreland = WorkingDayCalendar(division: .northernIreland)

    @Test func countsFromTheDayAfterReceiptOverChristmas() {
        // Received Thursday 23 December 2021: Friday 24 (1), 27 and 28 are substitute holidays, Wednesday 29 (2),
        // Thursday 30 (3).
        #expect(self.england.adding(workingDays: 3, to: day("2021-12-23")) == day("2021-12-30"))
    }

    @Test(arguments: [1, 2, 3, 5, 20, 25, 30])
    func aSaturdayReceiptIsDueTheSameDayAsTheFridayBefore(workingDays: Int) {
        for calendar in [self.england, self.scotland, self.northernIreland] {
            let friday = calendar.adding(workingDays: workingDays, to: day("2026-03-13"))
            #expect(calendar.adding(workingDays: workingDays, to: day("2026-03-14")) == friday)
            #expect(calendar.adding(workingDays: workingDays, to: day("2026-03-15")) == friday)
        }
        #expect(self.england.adding(workingDays: 1, to: day("2026-03-14")) == day("2026-03-16"))
    }

    @Test func skipsGoodFridayAndEasterMondayButNotEasterMondayInScotland() {
        // Received Thursday 2 April 2026; Good Friday 3 April, Easter Monday 6 April.
        #expect(self.england.adding(workingDays: 1, to: day("2026-04-02")) == day("2026-04-07"))
        #expect(self.northernIreland.adding(workingDays: 1, to: day("2026-04-02")) == day("2026-04-07"))
        #expect(self.scotland.adding(workingDays: 1, to: day("2026-04-02")) == day("2026-04-06"))
    }

    @Test func skipsStAndrewsDayInScotlandOnly() {
        // Monday 30 November 2026.
        #expect(self.scotland.adding(workingDays: 1, to: day("2026-11-27")) == day("2026-12-01"))
        #expect(self.england.adding(workingDays: 1, to: day("2026-11-27")) == day("2026-11-30"))
    }

    @Test func skipsTheTwelfthOfJulyInNorthernIrelandOnly() {
        // Monday 12 July 2027.
        #expect(self.northernIreland.adding(workingDays: 1, to: day("2027-07-09")) == day("2027-07-13"))
        #expect(self.england.adding(workingDays: 1, to: day("2027-07-09")) == day("2027-07-12"))
        #expect(self.scotland.adding(workingDays: 1, to: day("2027-07-09")) == day("2027-07-12"))
    }

    @Test func skipsTheStateFuneralAndTheCoronationEverywhere() {
        for calendar in [self.england, self.scotland, self.northernIreland] {
            #expect(calendar.adding(workingDays: 1, to: day("2022-09-16")) == day("2022-09-20"))
            #expect(calendar.adding(workingDays: 1, to: day("2023-05-05")) == day("2023-05-09"))
        }
    }

    @Test func skipsLocalClosureDays() {
        let closures: Set = [day("2026-12-29"), day("2026-12-30"), day("2026-12-31")]
        let closed = WorkingDayCalendar(division: .englandAndWales, closures: closures)
        #expect(self.england.adding(workingDays: 3, to: day("2026-12-23")) == day("2026-12-30"))
        // 24 December (1), bank holidays to 28 December, closed to New Year's Day, 4 January (2), 5 January (3).
        #expect(closed.adding(workingDays: 3, to: day("2026-12-23")) == day("2027-01-05"))
        #expect(!closed.isWorkingDay(day("2026-12-30")))
        #expect(closed.holiday(on: day("2026-12-30")) == nil)
        #expect(closed.version.hasPrefix(self.england.version + " +closures(3)#"))
        #expect(self.england.version == HolidayData.shipped.version)
        let other = WorkingDayCalendar(division: .englandAndWales, closures: [day("2026-12-24")])
        #expect(other.version != closed.version)
    }

    @Test func zeroWorkingDaysIsTheDayItself() {
        #expect(self.england.adding(workingDays: 0, to: day("2026-03-14")) == day("2026-03-14"))
    }

    @Test func countsBackwards() {
        #expect(self.england.adding(workingDays: -1, to: day("2021-12-30")) == day("2021-12-29"))
        #expect(self.england.adding(workingDays: -2, to: day("2021-12-30")) == day("2021-12-24"))
        #expect(self.england.adding(workingDays: -1, to: day("2026-03-15")) == day("2026-03-13"))
    }

    @Test func countsWorkingDaysBetweenDates() {
        #expect(self.england.workingDays(from: day("2021-12-23"), to: day("2021-12-30")) == 3)
        #expect(self.england.workingDays(from: day("2021-12-30"), to: day("2021-12-23")) == -3)
        #expect(self.england.workingDays(from: day("2026-03-13"), to: day("2026-03-15")) == 0)
        #expect(self.england.workingDays(from: day("2026-03-13"), to: day("2026-03-13")) == 0)
        #expect(self.england.workingDays(from: day("2026-03-13"), to: day("2026-03-16")) == 1)
    }

    @Test(arguments: Division.allCases)
    func agreesWithCountingOneDayAtATime(division: Division) {
        let closures: Set = [day("2019-08-01"), day("2024-02-29"), day("2029-12-31")]
        let calendar = WorkingDayCalendar(division: division, closures: closures)
        let naive = NaiveCalendar(division: division, data: .shipped, closures: closures)
        var date = day("2011-11-01")
        while date < day("2031-03-01") {
            #expect(calendar.isWorkingDay(date) == naive.isWorkingDay(date), "\(date)")
            for workingDays in [1, 3, 20] {
                let due = calendar.adding(workingDays: workingDays, to: date)
                #expect(due == naive.adding(workingDays: workingDays, to: date), "\(date) + \(workingDays)")
                #expect(calendar.workingDays(from: date, to: due) == workingDays)
                #expect(calendar.adding(workingDays: -workingDays, to: due) <= date)
            }
            date = date.adding(days: 1)
        }
    }

    @Test func worksOutsideThePrecomputedYears() {
        let naive = NaiveCalendar(division: .englandAndWales, data: .shipped, closures: [])
        for start in ["1989-12-20", "2100-12-20", "2150-03-31", "1900-04-12"] {
            #expect(
                self.england.adding(workingDays: 10, to: day(start)) == naive.adding(workingDays: 10, to: day(start)))
        }
        #expect(!self.england.isWorkingDay(day("2150-12-25")))
        #expect(self.england.holiday(on: day("2150-12-25"))?.title == "Christmas Day")
        #expect(self.england.workingDays(from: day("2100-12-20"), to: day("2101-01-10")) == 12)
        #expect(self.england.workingDays(from: day("2101-01-10"), to: day("2100-12-20")) == -12)
    }

    @Test func listsTheHolidaysOfAYear() {
        #expect(self.scotland.holidays(inYear: 2026).count == 9)
        #expect(self.northernIreland.holidays(inYear: 2040).count == 10)
        #expect(self.england.holiday(on: day("2026-12-28"))?.notes == "Substitute day")
    }
}
