public import Foundation
internal import WorkingDays

/// An error from the outbox or its archive: a code to match on, plus the message id, state and path concerned.
public struct OutboxError: Error, Sendable, Hashable {
    /// What kind of problem this is; compare codes, not messages.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case notFound = "message not found"
            case wrongState = "not allowed in this state"
            case invalidID = "invalid message id"
            case invalidKey = "invalid idempotency key"
            case purged = "message purged"
            case storage = "outbox storage failure"
            case corrupt = "unreadable outbox metadata"
            case invalidMessage = "invalid message"
            case invalidRequest = "invalid request"
            case unsafeFile = "unsafe file refused"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No message has this id (in any state).
        public static let notFound = Code(.notFound)
        /// The operation is refused in the message's current state (cancel a sent message, release a queued one...).
        public static let wrongState = Code(.wrongState)
        /// The id is not of the outbox's form (so it cannot name a file).
        public static let invalidID = Code(.invalidID)
        /// The idempotency key is empty or too long.
        public static let invalidKey = Code(.invalidKey)
        /// The key's message was purged from the archive; it is not queued again.
        public static let purged = Code(.purged)
        /// A file or folder could not be created, written, renamed or read.
        public static let storage = Code(.storage)
        /// A metadata file exists but cannot be decoded.
        public static let corrupt = Code(.corrupt)
        /// The message cannot be queued (no bytes, or an envelope that cannot be parsed back).
        public static let invalidMessage = Code(.invalidMessage)
        /// The arguments of the request cannot work (an export with no label to choose by...).
        public static let invalidRequest = Code(.invalidRequest)
        /// A file or folder of the outbox is a symbolic link, not a regular file or folder, or a stored path points
        /// outside the outbox: it is refused, never followed (DESIGN invariant 12).
        public static let unsafeFile = Code(.unsafeFile)

        public var description: String { value.rawValue }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The message concerned, when there is one.
    public let id: String?
    /// The message's state when the operation was refused.
    public let state: OutboxState?
    /// The file or folder concerned.
    public let path: String?
    /// What went wrong and what to do about it.
    public let reason: String

    /// Makes an error.
    public init(_ code: Code, id: String? = nil, state: OutboxState? = nil, path: String? = nil, reason: String) {
        self.code = code
        self.id = id
        self.state = state
        self.path = path
        self.reason = reason
    }
}

extension OutboxError.Code {
    /// Matches an error against a code: `case OutboxError.Code.wrongState:` in a `catch`.
    public static func ~= (code: OutboxError.Code, error: any Error) -> Bool {
        (error as? OutboxError)?.code == code
    }
}

extension OutboxError: CustomStringConvertible {
    /// The log form: code, id, state and reason on one line (ids and states carry no patient data).
    public var description: String {
        var text = "\(code)"
        if let id { text += " [\(id)]" }
        if let state { text += " (\(state.rawValue))" }
        text += ": \(reason)"
        if let path { text += " (\(path))" }
        return text.escapingControls
    }
}

extension OutboxError: LocalizedError {
    /// The form shown at the terminal.
    public var errorDescription: String? { description }
}
