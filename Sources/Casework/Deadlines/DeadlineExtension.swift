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
    /// A holding letter is a notice, not an agreement: it never moves a backstop (England reg 14 lets only a
    /// period agreed with the complainant do that; see ``agree(_:on:today:)``). At stage 1 of a staged profile the
    /// new date cannot be later than the extended stage-1 period allows (``stage1Cap(received:)``): beyond it the
    /// complaint must go to stage 2.
    /// - Parameters:
    ///   - deadlines: the case's current deadlines.
    ///   - newDate: the new response date; it must be later than the current `respondBy`.
    ///   - reason: why more time is needed; must not be blank.
    ///   - today: the day the extension is made.
    ///   - previous: the case's last extension, if any.
    /// - Throws: ``DeadlineError`` for a blank reason, a date not later than the current one, or one beyond the
    ///   stage-1 cap.
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
        try checkStage1Cap(newDate, deadlines: deadlines)
        var extended = deadlines
        extended.respondBy = newDate
        let record = DeadlineExtension(
            newDate: newDate, reason: reason, count: (previous?.count ?? 0) + 1, agreedOn: today)
        return (extended, record)
    }

    /// The latest stage-1 decision date the procedure allows for a complaint received on `received`, or nil for a
    /// profile without stages: ``DeadlineProfile/stage1ExtendedWorkingDays`` after receipt.
    package func stage1Cap(received: CivilDate) -> CivilDate? {
        guard profile.hasStages else { return nil }
        return calendar.adding(workingDays: profile.stage1ExtendedWorkingDays, to: received)
    }

    /// Refuses a stage-1 date beyond the extended stage-1 period: the complaint must go to stage 2 instead.
    package func checkStage1Cap(_ date: CivilDate, deadlines: CaseDeadlines) throws(DeadlineError) {
        guard deadlines.stage == .one, let cap = stage1Cap(received: deadlines.received), date > cap else { return }
        throw DeadlineError(
            .beyondStage1Cap,
            "\(date) is beyond stage 1's limit of \(profile.stage1ExtendedWorkingDays) working days after receipt "
                + "(\(cap)): a complaint that cannot be decided by then must go to stage 2, where it has "
                + "\(profile.stage2ResponseWorkingDays) working days")
    }

    /// Records a response date agreed with the complainant on `today` (England reg 14): `respondBy` becomes
    /// `date`, and a date later than the backstop moves the backstop, because it was agreed before it passed.
    ///
    /// - Throws: ``DeadlineError/Code/backstopPassed`` once the backstop has passed (a later period can no longer
    ///   be agreed: the complainant must be told in writing why the response is late), and the stage-1 cap as
    ///   ``extend(_:to:reason:today:previous:)`` does.
    package func agree(_ deadlines: CaseDeadlines, on date: CivilDate, today: CivilDate) throws(DeadlineError)
        -> CaseDeadlines
    {
        if let backstop = deadlines.backstop, today > backstop {
            throw DeadlineError(
                .backstopPassed,
                "the backstop for a response passed on \(backstop), so a later response date can no longer be "
                    + "agreed: write to the complainant explaining why the response is late and when it will come")
        }
        if date < deadlines.received {
            throw DeadlineError(
                .dateBeforeReceipt, "the agreed response date \(date) is before receipt on \(deadlines.received)")
        }
        try checkStage1Cap(date, deadlines: deadlines)
        var agreed = deadlines
        agreed.respondBy = date
        if profile.backstopMovesWithAgreement, let backstop = deadlines.backstop, date > backstop {
            agreed.backstop = date
        }
        return agreed
    }
}
