package import Foundation
package import Primitives

/// Formats dates for letters: "25 November 2026" in English and "25 Tachwedd 2026" in Welsh,
/// on the calendar of Europe/London (so a time late on a summer evening UTC is the next day).
///
/// Month names are written out here rather than taken from the system locale data, so that a
/// letter reads the same on every machine whatever ICU version it has.
package struct LetterDateFormatter: Sendable {
    private let calendar: Calendar

    /// Makes a formatter for the given time zone (Europe/London unless told otherwise).
    package init(timeZone: TimeZone = .europeLondon) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The date as a letter writes it, e.g. "25 November 2026" or "25 Tachwedd 2026".
    package func string(from date: Date, language: LetterLanguage) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return Self.string(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, language: language)
    }

    /// A civil date (no time zone involved) as a letter writes it.
    package static func string(year: Int, month: Int, day: Int, language: LetterLanguage) -> String {
        let names = language == .welsh ? welshMonths : englishMonths
        let name = names[max(1, min(12, month)) - 1]
        return "\(day) \(name) \(year)"
    }

    static let englishMonths = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
    static let welshMonths = [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ]
}
