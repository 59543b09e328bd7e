package import Primitives

/// A division of the GOV.UK bank-holiday feed: the jurisdiction whose bank holidays a calendar observes.
package enum Division: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// England and Wales.
    case englandAndWales = "england-and-wales"
    /// Scotland.
    case scotland = "scotland"
    /// Northern Ireland.
    case northernIreland = "northern-ireland"

    /// The feed's name of the division, e.g. `england-and-wales`.
    package var description: String { self.rawValue }
}

/// A bank holiday of one division: a day that is not a working day there.
package struct BankHoliday: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The day of the holiday (a substitute day when the holiday itself fell on a weekend).
    package var date: CivilDate
    /// The feed's title, e.g. "Christmas Day" or "New Year’s Day" (curly apostrophe).
    package var title: String
    /// The division that observes it.
    package var division: Division
    /// The feed's notes: "", "Substitute day" or "Extra bank holiday".
    package var notes: String

    /// Makes a bank holiday.
    package init(date: CivilDate, title: String, division: Division, notes: String = "") {
        self.date = date
        self.title = title
        self.division = division
        self.notes = notes
    }

    /// The date and title, with the notes in brackets when there are any.
    package var description: String {
        self.notes.isEmpty ? "\(self.date) \(self.title)" : "\(self.date) \(self.title) (\(self.notes))"
    }
}
