package import Casework
package import Foundation
package import Primitives
import WorkingDays

extension Casebook {
    /// Turns a PALS concern into a formal complaint (`pals case convert REF --to complaint`).
    ///
    /// The case keeps its reference and its receipt date, so its statutory deadlines count from the day the
    /// concern was received; it is recorded as `converted` in its history, and a running daemon is woken so the
    /// statutory acknowledgement goes out through the automatic path, once.
    /// - Throws: ``CaseTransitionError`` when the case is a complaint already or no longer open;
    ///   ``RegisterError`` when there is no such case.
    @discardableResult
    package func convert(_ reference: String, to kind: CaseKind) throws -> Case {
        guard kind == .complaint else { throw CaseConversionError.onlyToComplaint(reference) }
        let now = clock.now()
        let converted = try register.apply(reference, now: now) { lifecycle in
            try lifecycle.convertToComplaint(at: now)
        }
        DaemonLock.nudge(workspace)
        return converted
    }
}

/// A conversion of a case's kind that pals does not make.
package struct CaseConversionError: Error, LocalizedError, Sendable, Equatable {
    /// The case concerned.
    package let reference: String
    /// What was refused and why, naming no command.
    package let message: String

    package var errorDescription: String? { message }

    static func onlyToComplaint(_ reference: String) -> Self {
        Self(
            reference: reference,
            message: "case \(reference) cannot become a concern: a concern may become a complaint, never the other "
                + "way (a complaint stays under the complaint regulations until it is closed)")
    }
}

extension DeadlineDesk {
    /// The day a PALS concern received on `received` should be resolved by: ``concernTargetWorkingDays`` working
    /// days after receipt on the calendar of the case's profile (by default the next working day).
    package func concernTarget(received: CivilDate, profile: ProfileID) -> CivilDate {
        calculator(profile).calendar.adding(workingDays: concernTargetWorkingDays, to: received)
    }
}
