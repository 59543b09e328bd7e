public import Foundation

/// Why deadlines could not be computed or changed.
public struct DeadlineError: Error, LocalizedError, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is; compare codes, not messages.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String

        /// The complexity names no response target of the profile.
        public static let unknownComplexity = Code(name: "unknown-complexity")
        /// A stage was given for a profile without stages.
        public static let notStaged = Code(name: "not-staged")
        /// Stage 2 without the date of escalation.
        public static let missingEscalation = Code(name: "missing-escalation")
        /// An escalation or agreed date before the complaint was received.
        public static let dateBeforeReceipt = Code(name: "date-before-receipt")
        /// An extension without a reason.
        public static let emptyReason = Code(name: "empty-reason")
        /// An extension whose date is not later than the current response date.
        public static let notLater = Code(name: "not-later")
        /// A profile whose numbers make no sense.
        public static let invalidProfile = Code(name: "invalid-profile")

        /// The code's stable name, e.g. `missing-escalation`.
        public var description: String { self.name }
    }

    /// What kind of problem it is.
    public let code: Code
    /// What is wrong, for a person.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The reason, for a person.
    public var errorDescription: String? { self.reason }

    /// The code and reason, for logs.
    public var description: String { "DeadlineError(\(self.code)): \(self.reason)" }
}
