package import Primitives
import Synchronization

/// Working-day arithmetic for one division: Monday to Friday, less bank holidays, less local closure days.
///
/// Building a calendar precomputes an index of working days over 1990–2100 (widened to cover the data), so
/// ``adding(workingDays:to:)`` and ``workingDays(from:to:)`` are a few array reads there; dates outside fall back
/// to counting day by day. Copies share the index, and calendars made alike reuse a recent one.
package struct WorkingDayCalendar: Sendable {
    /// The division whose bank holidays are observed.
    package let division: Division
    /// The bank-holiday data (the rules cover other years).
    package let data: HolidayData
    /// Days the organisation is closed besides bank holidays (weekend days here change nothing).
    package let closures: Set<CivilDate>
    /// Identifies the data, and the local closures when there are any, e.g. `gov.uk … #1a2b3c4d +closures(2)#…`.
    package let version: String
    private let index: Index

    /// Makes the calendar of `division` with `data` (by default the shipped GOV.UK copy) and local closure days.
    package init(division: Division, data: HolidayData = .shipped, closures: Set<CivilDate> = []) {
        self.division = division
        self.data = data
        self.closures = closures
        if closures.isEmpty {
            self.version = data.version
        } else {
            var hash = StableHash()
            for day in closures.sorted() { hash.add(day.iso + "\n") }
            self.version = "\(data.version) +closures(\(closures.count))#\(hash.short)"
        }
        self.index = Index.shared(division: division, data: data, closures: closures)
    }

    /// Whether `date` is a working day: a weekday that is neither a bank holiday nor a local closure.
    package func isWorkingDay(_ date: CivilDate) -> Bool {
        let offset = date.dayNumber - self.index.start
        if offset >= 1, offset < self.index.cumulative.count {
            return self.index.cumulative[offset] != self.index.cumulative[offset - 1]
        }
        return self.slowIsWorkingDay(date)
    }

    /// The bank holiday on `date` in this division, if there is one (local closures are not bank holidays).
    package func holiday(on date: CivilDate) -> BankHoliday? {
        if let holiday = self.index.holidays[date.dayNumber] { return holiday }
        guard !self.index.covers(date) else { return nil }
        return self.data.holidays(inYear: date.year, division: self.division).first { $0.date == date }
    }

    /// The bank holidays of `year` in this division, sorted by date.
    package func holidays(inYear year: Int) -> [BankHoliday] {
        self.data.holidays(inYear: year, division: self.division)
    }

    /// The date `workingDays` working days after `date`, counting from the day after (so a Saturday and the Friday
    /// before give the same answer for 1 or more); before `date` when negative; `date` itself for 0.
    package func adding(workingDays: Int, to date: CivilDate) -> CivilDate {
        guard workingDays != 0 else { return date }
        let index = self.index
        let offset = date.dayNumber - index.start
        if offset >= 1, offset < index.cumulative.count {
            let upTo = Int(index.cumulative[offset])  // working days on or before `date`
            let position: Int
            if workingDays > 0 {
                position = upTo + workingDays - 1
            } else {
                let before = upTo - (index.cumulative[offset] != index.cumulative[offset - 1] ? 1 : 0)
                position = before + workingDays
            }
            if position >= 0, position < index.workingDays.count {
                return CivilDate(dayNumber: index.start + Int(index.workingDays[position]))
            }
        }
        var day = date
        var left = abs(workingDays)
        let step = workingDays > 0 ? 1 : -1
        while left > 0 {
            day = day.adding(days: step)
            if self.isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// The number of working days after `from` up to and including `to`; negative when `to` is before `from`.
    package func workingDays(from: CivilDate, to: CivilDate) -> Int {
        let index = self.index
        let a = from.dayNumber - index.start
        let b = to.dayNumber - index.start
        if a >= 0, b >= 0, a < index.cumulative.count, b < index.cumulative.count {
            return Int(index.cumulative[b]) - Int(index.cumulative[a])
        }
        if to < from { return -self.workingDays(from: to, to: from) }
        var count = 0
        var day = from.adding(days: 1)
        while day <= to {
            if self.isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    private func slowIsWorkingDay(_ date: CivilDate) -> Bool {
        guard !date.isWeekend, !self.closures.contains(date) else { return false }
        return !self.data.holidays(inYear: date.year, division: self.division).contains { $0.date == date }
    }
}

extension WorkingDayCalendar {
    /// The precomputed working days of a range of whole years, shared by copies of a calendar.
    fileprivate final class Index: Sendable {
        /// Day number of the first day indexed.
        let start: Int
        /// `cumulative[i]`: working days from `start` to `start + i` inclusive.
        let cumulative: [Int32]
        /// Offsets from `start` of each working day, in order.
        let workingDays: [Int32]
        /// The bank holidays in the indexed years, by day number.
        let holidays: [Int: BankHoliday]

        init(division: Division, data: HolidayData, closures: Set<CivilDate>, years: ClosedRange<Int>) {
            let first = CivilDate(year: years.lowerBound, month: 1, day: 1)!
            let last = CivilDate(year: years.upperBound, month: 12, day: 31)!
            var holidays: [Int: BankHoliday] = [:]
            for year in years {
                for holiday in data.holidays(inYear: year, division: division) {
                    holidays[holiday.date.dayNumber] = holiday
                }
            }
            let closed = Set(closures.map(\.dayNumber))
            var cumulative: [Int32] = []
            var workingDays: [Int32] = []
            cumulative.reserveCapacity(last.dayNumber - first.dayNumber + 1)
            var count: Int32 = 0
            for dayNumber in first.dayNumber...last.dayNumber {
                let weekday = ((dayNumber + 3) % 7 + 7) % 7  // 0 is Monday
                if weekday < 5, holidays[dayNumber] == nil, !closed.contains(dayNumber) {
                    count += 1
                    workingDays.append(Int32(dayNumber - first.dayNumber))
                }
                cumulative.append(count)
            }
            self.start = first.dayNumber
            self.cumulative = cumulative
            self.workingDays = workingDays
            self.holidays = holidays
        }

        private struct Key: Hashable {
            let division: Division
            let data: HolidayData
            let closures: Set<CivilDate>

            /// Hashes the data by its version (a hash of its content) rather than all of it; `==` still compares all.
            func hash(into hasher: inout Hasher) {
                hasher.combine(self.division)
                hasher.combine(self.data.version)
                hasher.combine(self.closures)
            }
        }

        /// Recently built indexes, so making the same calendar again costs a lookup, not a rebuild (about 1.4 ms).
        private static let recent = Mutex<[Key: Index]>([:])

        static func shared(division: Division, data: HolidayData, closures: Set<CivilDate>) -> Index {
            let key = Key(division: division, data: data, closures: closures)
            if let index = recent.withLock({ $0[key] }) { return index }
            let years = data.years(for: division)
            let index = Index(
                division: division, data: data, closures: closures,
                years: min(1990, years.lowerBound)...max(2100, years.upperBound))
            recent.withLock { cache in
                if cache.count >= 16 { cache.removeAll() }
                cache[key] = index
            }
            return index
        }

        func covers(_ date: CivilDate) -> Bool {
            let offset = date.dayNumber - self.start
            return offset >= 0 && offset < self.cumulative.count
        }
    }
}
