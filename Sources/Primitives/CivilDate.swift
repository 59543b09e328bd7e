package import Foundation

/// A day of the week, numbered as in ISO 8601 (Monday is 1, Sunday is 7).
package enum Weekday: Int, Sendable, Hashable, CaseIterable, Codable {
    case monday = 1
    case tuesday, wednesday, thursday, friday, saturday, sunday

    /// Whether this is Saturday or Sunday.
    package var isWeekend: Bool { self.rawValue >= 6 }
}

/// A calendar date with no time and no time zone: the day a letter was received or is due.
///
/// Stores a day number (days since 1970-01-01) beside its year, month and day, so comparing, hashing and adding
/// days is integer arithmetic. Years 1 to 9999 can be parsed and printed; it encodes as a `"YYYY-MM-DD"` string.
package struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01 (which is day 0; earlier dates are negative).
    package let dayNumber: Int
    private let y: Int32
    private let m: UInt8
    private let d: UInt8

    /// The year, e.g. 2026.
    package var year: Int { Int(self.y) }
    /// The month, 1 to 12.
    package var month: Int { Int(self.m) }
    /// The day of the month, 1 to 31.
    package var day: Int { Int(self.d) }

    /// Makes a date from its parts, or nil when the parts name no date (2026-02-30) or the year is outside 1…9999.
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= CivilDate.daysInMonth(month, year: year)
        else { return nil }
        self.dayNumber = CivilDate.dayNumber(year: year, month: month, day: day)
        self.y = Int32(year)
        self.m = UInt8(month)
        self.d = UInt8(day)
    }

    /// Makes the date with the given day number (days since 1970-01-01).
    package init(dayNumber: Int) {
        self.dayNumber = dayNumber
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.y = Int32(truncatingIfNeeded: yoe + era * 400 + (month <= 2 ? 1 : 0))
        self.m = UInt8(month)
        self.d = UInt8(day)
    }

    /// Parses exactly `YYYY-MM-DD` (four, two and two digits); nil for anything else or a date that does not exist.
    package init?(iso: String) {
        var text = iso
        let parsed: (Int, Int, Int)? = text.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return (year, month, day)
        }
        guard let (year, month, day) = parsed else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Makes the date that `date` falls on in `timeZone` (by default Europe/London, so 00:30 BST is the new day).
    package init(_ date: Date, timeZone: TimeZone = .europeLondon) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        self.init(dayNumber: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// The date as `YYYY-MM-DD`.
    package var iso: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(pad(self.year, 4))-\(pad(self.month, 2))-\(pad(self.day, 2))"
    }

    /// The date as `YYYY-MM-DD`.
    package var description: String { self.iso }

    /// The day of the week.
    package var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO 4).
        let offset = (self.dayNumber + 3) % 7
        return Weekday(rawValue: (offset < 0 ? offset + 7 : offset) + 1)!
    }

    /// Whether the date is a Saturday or a Sunday.
    package var isWeekend: Bool {
        let offset = (self.dayNumber + 3) % 7
        return (offset < 0 ? offset + 7 : offset) >= 5
    }

    /// The date `days` days later (earlier when negative).
    package func adding(days: Int) -> CivilDate {
        CivilDate(dayNumber: self.dayNumber + days)
    }

    /// The same day number `months` calendar months later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb).
    package func adding(months: Int) -> CivilDate {
        let index = self.year * 12 + (self.month - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        let day = min(self.day, CivilDate.daysInMonth(month, year: year))
        return CivilDate(dayNumber: CivilDate.dayNumber(year: year, month: month, day: day))
    }

    /// Calendar days from this date to `other` (negative when `other` is earlier).
    package func days(to other: CivilDate) -> Int {
        other.dayNumber - self.dayNumber
    }

    /// The instant this date starts, or `hour`:`minute` on it, in `timeZone` (by default Europe/London).
    package func date(hour: Int = 0, minute: Int = 0, in timeZone: TimeZone = .europeLondon) -> Date {
        let local = TimeInterval(self.dayNumber * 86_400 + hour * 3600 + minute * 60)
        var guess = Date(
            timeIntervalSince1970: local
                - TimeInterval(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local))))
        guess = Date(timeIntervalSince1970: local - TimeInterval(timeZone.secondsFromGMT(for: guess)))
        return guess
    }

    /// Whether `year` is a Gregorian leap year.
    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` of `year`.
    package static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 of a valid proleptic Gregorian date.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func == (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.dayNumber == rhs.dayNumber }

    package static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    package func hash(into hasher: inout Hasher) { hasher.combine(self.dayNumber) }

    /// Decodes a `"YYYY-MM-DD"` string, refusing any other form.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a date in the form YYYY-MM-DD")
        }
        self = date
    }

    /// Encodes the date as a `"YYYY-MM-DD"` string.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.iso)
    }
}
