package import Primitives

/// The standing rules for UK bank holidays, used for years the GOV.UK data does not cover.
///
/// One-off days (jubilees, a state funeral, a coronation, a moved early-May or spring holiday) cannot be foreseen:
/// only the data knows them.
package enum HolidayRules {
    /// The bank holidays of `year` in `division` by the standing rules, sorted by date, substitutes included.
    ///
    /// A fixed-date holiday on a weekend moves to the next weekday that is not already a holiday, in date order, so
    /// Christmas on Saturday gives Monday 27 and Boxing Day Tuesday 28, and Scotland's 1 and 2 January chain likewise.
    package static func holidays(year: Int, division: Division) -> [BankHoliday] {
        guard (2...9998).contains(year) else { return [] }
        func date(_ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }
        let easter = easterSunday(year: year)
        var moving: [(CivilDate, String)] = [(easter.adding(days: -2), "Good Friday")]
        if division != .scotland { moving.append((easter.adding(days: 1), "Easter Monday")) }
        moving.append((firstMonday(year: year, month: 5), "Early May bank holiday"))
        moving.append((lastMonday(year: year, month: 5), "Spring bank holiday"))
        let summer = division == .scotland ? firstMonday(year: year, month: 8) : lastMonday(year: year, month: 8)
        moving.append((summer, "Summer bank holiday"))

        var fixed: [(CivilDate, String)] = [(date(1, 1), "New Year’s Day")]
        switch division {
        case .scotland:
            fixed.append((date(1, 2), "2nd January"))
            fixed.append((date(11, 30), "St Andrew’s Day"))
        case .northernIreland:
            fixed.append((date(3, 17), "St Patrick’s Day"))
            fixed.append((date(7, 12), "Battle of the Boyne (Orangemen’s Day)"))
        case .englandAndWales:
            break
        }
        fixed.append((date(12, 25), "Christmas Day"))
        fixed.append((date(12, 26), "Boxing Day"))

        var holidays = moving.map { BankHoliday(date: $0.0, title: $0.1, division: division) }
        var taken = Set(moving.map(\.0.dayNumber))
        for (day, _) in fixed where !day.isWeekend { taken.insert(day.dayNumber) }
        for (day, title) in fixed {
            guard day.isWeekend else {
                holidays.append(BankHoliday(date: day, title: title, division: division))
                continue
            }
            var substitute = day.adding(days: 1)
            while substitute.isWeekend || taken.contains(substitute.dayNumber) {
                substitute = substitute.adding(days: 1)
            }
            taken.insert(substitute.dayNumber)
            holidays.append(BankHoliday(date: substitute, title: title, division: division, notes: "Substitute day"))
        }
        if division == .scotland, date(1, 1).weekday == .sunday {
            // As GOV.UK did in 2023 (though not in 2012 or 2017): Monday 2 January is New Year's substitute and
            // 2nd January moves to Tuesday 3 January. The dates are the same either way.
            for index in holidays.indices where holidays[index].date.month == 1 && holidays[index].date.day <= 3 {
                let isSecond = holidays[index].date.day == 3
                holidays[index].title = isSecond ? "2nd January" : "New Year’s Day"
                holidays[index].notes = "Substitute day"
            }
        }
        return holidays.sorted { $0.date < $1.date }
    }

    /// Easter Sunday of `year` by the Gregorian computus (the anonymous, or Meeus/Jones/Butcher, algorithm).
    package static func easterSunday(year: Int) -> CivilDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: year, month: month, day: day)!
    }

    /// The first Monday of `month` in `year`.
    static func firstMonday(year: Int, month: Int) -> CivilDate {
        let first = CivilDate(year: year, month: month, day: 1)!
        return first.adding(days: (8 - first.weekday.rawValue) % 7)
    }

    /// The last Monday of `month` in `year`.
    static func lastMonday(year: Int, month: Int) -> CivilDate {
        let last = CivilDate(year: year, month: month, day: CivilDate.daysInMonth(month, year: year))!
        return last.adding(days: -((last.weekday.rawValue - 1) % 7))
    }
}
