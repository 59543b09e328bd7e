package import Primitives
package import WorkingDays

/// The dates pals accepts on a case, and the rules every way of setting one applies (`case new`, `case update`,
/// a holding letter's new date), so no case can hold a date its deadlines cannot be computed from.
///
/// The window is the working-day calendars' precomputed index (1990–2100): outside it a year such as 0001 or
/// 9999 is computed day by day (seconds per case), and a year such as 1500 is not a date anyone meant.
package enum CaseDates {
    /// The first date accepted.
    package static let earliest = CivilDate(year: 1990, month: 1, day: 1)!
    /// The last date accepted.
    package static let latest = CivilDate(year: 2100, month: 12, day: 31)!

    /// Why `date` cannot be used, or `nil` when it is inside the window; phrased to follow the field's name.
    package static func outsideWindow(_ date: CivilDate) -> String? {
        (earliest...latest).contains(date)
            ? nil : "\(date.iso) is outside the dates pals accepts (\(earliest.iso) to \(latest.iso))"
    }

    /// Why an agreed response date cannot be used for a complaint received on `received`, or `nil`.
    package static func agreedResponseProblem(_ agreed: CivilDate, received: CivilDate) -> String? {
        if let outside = outsideWindow(agreed) { return outside }
        if agreed < received { return "\(agreed.iso) is before the complaint was received (\(received.iso))" }
        return nil
    }
}

/// A case that could not be read or whose deadlines could not be computed: named by its reference (never its
/// people), so a board, a status or the watcher can flag it and go on with the others.
package struct CaseProblem: Sendable, Equatable, Codable {
    /// The case reference.
    package var reference: String
    /// The case's officer, when it could be read.
    package var officer: String?
    /// What is wrong, for a person.
    package var reason: String

    package init(reference: String, officer: String?, reason: String) {
        self.reference = reference
        self.officer = officer
        self.reason = reason
    }
}
