package import Foundation
package import Primitives

/// An error from the outbox or its archive: a code to match on, plus the message id, state and path concerned.
///
/// Ids, states, paths and the outbox's reasons carry no patient data, so the log form shows them all.
package struct OutboxError: PalsError, Hashable {
    /// What kind of problem this is; compare codes, not messages.
    package typealias Code = ErrorCode<OutboxError>

    /// What kind of problem this is.
    package let code: Code
    /// The message concerned, when there is one.
    package let id: String?
    /// The message's state when the operation was refused.
    package let state: OutboxState?
    /// The file or folder concerned.
    package let path: String?
    /// What went wrong and what to do about it.
    package let reason: String

    /// Makes an error.
    package init(_ code: Code, id: String? = nil, state: OutboxState? = nil, path: String? = nil, reason: String) {
        self.code = code
        self.id = id
        self.state = state
        self.path = path
        self.reason = reason
    }

    package var logContext: [(name: String, value: String)] {
        var context: [(name: String, value: String)] = []
        if let id { context.append(("message", id)) }
        if let state { context.append(("state", state.rawValue)) }
        if let path { context.append(("path", path)) }
        return context
    }

    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { reason }

    /// The form shown at the terminal: the log form (nothing in it is personal).
    package var errorDescription: String? { description }
}

extension ErrorCode where Domain == OutboxError {
    /// Matches an error against a code: `catch OutboxError.Code.x { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// No message has this id (in any state).
    package static let notFound = Self("message not found")
    /// The operation is refused in the message's current state (cancel a sent message, release a queued one...).
    package static let wrongState = Self("not allowed in this state")
    /// The id is not of the outbox's form (so it cannot name a file).
    package static let invalidID = Self("invalid message id")
    /// The idempotency key is empty or too long.
    package static let invalidKey = Self("invalid idempotency key")
    /// The key's message was purged from the archive; it is not queued again.
    package static let purged = Self("message purged")
    /// A file or folder could not be created, written, renamed or read.
    package static let storage = Self("outbox storage failure")
    /// A metadata file exists but cannot be decoded.
    package static let corrupt = Self("unreadable outbox metadata")
    /// The message cannot be queued (no bytes, or an envelope that cannot be parsed back).
    package static let invalidMessage = Self("invalid message")
    /// The arguments of the request cannot work (an export with no label to choose by...).
    package static let invalidRequest = Self("invalid request")
    /// A file or folder of the outbox is a symbolic link, not a regular file or folder, or a stored path points
    /// outside the outbox: it is refused, never followed (DESIGN invariant 12).
    package static let unsafeFile = Self("unsafe file refused")
}
