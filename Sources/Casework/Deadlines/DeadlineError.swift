package import Foundation
package import Primitives

/// Why deadlines could not be computed or changed. Reasons name profile keys, dates and numbers, never a person,
/// so the log form carries the whole reason.
package struct DeadlineError: PalsError, Hashable {
    /// What kind of problem it is; compare codes, not messages.
    package typealias Code = ErrorCode<DeadlineError>

    /// What kind of problem it is.
    package let code: Code
    /// What is wrong, for a person.
    package let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// A response date after the backstop set without the complainant's agreement.
    package static func needsAgreement(date: CivilDate, backstop: CivilDate) -> Self {
        Self(
            .needsAgreement,
            "\(date) is after the backstop for a response (\(backstop)): only a date agreed with the complainant "
                + "before the backstop passes can be later, so record it as agreed with them, or write to them "
                + "with a holding letter (which does not move the backstop)")
    }

    /// An agreement recorded without the date agreed.
    package static func needsDate(_ reason: String) -> Self { Self(.needsAgreement, reason) }

    /// The reason, for a person.
    package var errorDescription: String? { self.reason }

    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { self.reason }
}

extension ErrorCode where Domain == DeadlineError {
    /// Matches an error against a code: `catch DeadlineError.Code.x { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// The complexity names no response target of the profile.
    package static let unknownComplexity = Self("unknown-complexity")
    /// A stage was given for a profile without stages.
    package static let notStaged = Self("not-staged")
    /// Stage 2 without the date of escalation.
    package static let missingEscalation = Self("missing-escalation")
    /// An escalation or agreed date before the complaint was received.
    package static let dateBeforeReceipt = Self("date-before-receipt")
    /// An extension without a reason.
    package static let emptyReason = Self("empty-reason")
    /// An extension whose date is not later than the current response date.
    package static let notLater = Self("not-later")
    /// A profile whose numbers make no sense.
    package static let invalidProfile = Self("invalid-profile")
    /// A response date agreed after the backstop had passed (England reg 14 allows none).
    package static let backstopPassed = Self("backstop-passed")
    /// A response date after the backstop without the complainant's agreement, or an agreement without a date.
    package static let needsAgreement = Self("needs-agreement")
    /// A stage-1 date beyond the extended stage-1 period: the complaint must go to stage 2.
    package static let beyondStage1Cap = Self("beyond-stage1-cap")
}
