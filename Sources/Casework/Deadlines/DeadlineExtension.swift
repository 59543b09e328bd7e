import Foundation
package import Primitives
package import WorkingDays

/// A response date moved by a holding letter, with the reason given to the complainant.
package struct DeadlineExtension: Sendable, Hashable, Codable {
    /// The new response date.
    package var newDate: CivilDate
    /// Why more time is needed (required; it goes in the holding letter).
    package var reason: String
    /// How many extensions the case has had, this one included.
    package var count: Int
    /// The day the extension was agreed (the holding letter's date).
    package var agreedOn: CivilDate

    /// Makes an extension record.
    package init(newDate: CivilDate, reason: String, count: Int, agreedOn: CivilDate) {
        self.newDate = newDate
        self.reason = reason
        self.count = count
        self.agreedOn = agreedOn
    }
}

extension DeadlineCalculator {
    /// Applies a holding letter's extension: `respondBy` moves to `newDate` and the extension count goes up by one.
    ///
    /// Where the profile lets an agreement move the backstop (England), a new date beyond the backstop moves it too,
    /// provided the extension is agreed on or before the backstop.
    /// - Parameters:
    ///   - deadlines: the case's current deadlines.
    ///   - newDate: the new response date; it must be later than the current `respondBy`.
    ///   - reason: why more time is needed; must not be blank.
    ///   - today: the day the extension is agreed.
    ///   - previous: the case's last extension, if any.
    /// - Throws: ``DeadlineError`` for a blank reason or a date not later than the current one.
    package func extend(
        _ deadlines: CaseDeadlines, to newDate: CivilDate, reason: String, today: CivilDate,
        previous: DeadlineExtension? = nil
    ) throws(DeadlineError) -> (deadlines: CaseDeadlines, extension: DeadlineExtension) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw DeadlineError(.emptyReason, "an extension needs a reason for the delay")
        }
        guard newDate > deadlines.respondBy else {
            throw DeadlineError(
                .notLater, "the new date \(newDate) is not later than the current response date \(deadlines.respondBy)")
        }
        var extended = deadlines
        extended.respondBy = newDate
        if self.profile.backstopMovesWithAgreement, let backstop = deadlines.backstop, newDate > backstop,
            today <= backstop
        {
            extended.backstop = newDate
        }
        let record = DeadlineExtension(
            newDate: newDate, reason: reason, count: (previous?.count ?? 0) + 1, agreedOn: today)
        return (extended, record)
    }
}
