public import Foundation
public import Primitives

/// An error from the outbox or its archive: a code to match on, plus the message id, state and path concerned.
///
/// Ids, states, paths and the outbox's reasons carry no patient data, so the log form shows them all.
public struct OutboxError: PalsError, Hashable {
    /// What kind of problem this is; compare codes, not messages.
    public typealias Code = ErrorCode<OutboxError>

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

    public var logContext: [(name: String, value: String)] {
        var context: [(name: String, value: String)] = []
        if let id { context.append(("message", id)) }
        if let state { context.append(("state", state.rawValue)) }
        if let path { context.append(("path", path)) }
        return context
    }

    /// The log form: code, context and reason, escaped; no personal data.
    public var description: String { logDescription }
    public var logReason: String? { reason }

    /// The form shown at the terminal: the log form (nothing in it is personal).
    public var errorDescription: String? { description }
}

extension ErrorCode where Domain == OutboxError {
    /// Matches an error against a code: `catch OutboxError.Code.x { … }`.
    public static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// No message has this id (in any state).
    public static let notFound = Self("message not found")
    /// The operation is refused in the message's current state (cancel a sent message, release a queued one...).
    public static let wrongState = Self("not allowed in this state")
    /// The id is not of the outbox's form (so it cannot name a file).
    public static let invalidID = Self("invalid message id")
    /// The idempotency key is empty or too long.
    public static let invalidKey = Self("invalid idempotency key")
    /// The key's message was purged from the archive; it is not queued again.
    public static let purged = Self("message purged")
    /// A file or folder could not be created, written, renamed or read.
    public static let storage = Self("outbox storage failure")
    /// A metadata file exists but cannot be decoded.
    public static let corrupt = Self("unreadable outbox metadata")
    /// The message cannot be queued (no bytes, or an envelope that cannot be parsed back).
    public static let invalidMessage = Self("invalid message")
    /// The arguments of the request cannot work (an export with no label to choose by...).
    public static let invalidRequest = Self("invalid request")
    /// A file or folder of the outbox is a symbolic link, not a regular file or folder, or a stored path points
    /// outside the outbox: it is refused, never followed (DESIGN invariant 12).
    public static let unsafeFile = Self("unsafe file refused")
}
