package import Foundation

/// The one shape of a pals error, in every target: a code to match, context, a message a person can act on and a
/// log form that carries no personal data.
///
/// - ``code`` says what kind of problem it is; callers compare codes (`==`, or `case MailError.Code.x:` in a
///   `catch`), never messages.
/// - ``logContext`` and ``logReason`` are what a log may show: identifiers (a case reference, a message id), files,
///   lines, field names, reply codes, and the library's own words. Never an address, a name, a summary or a value
///   someone typed: those go only into ``errorDescription``.
/// - ``logDescription`` is built from the two, with control characters escaped, so a value can neither forge a log
///   line nor drive a terminal. Each type returns it as its `description` (what `"\(error)"` and a logger print),
///   declared in the type's own module so its users need not import Primitives to read it.
/// - `errorDescription` is the message the CLI shows (exit 1): what went wrong and what to do, and it may show the
///   value the person gave, escaped.
package protocol PalsError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What kind of problem this is.
    var code: ErrorCode<Self> { get }
    /// The facts a log may carry, in order: each a name and a value holding no personal data.
    var logContext: [(name: String, value: String)] { get }
    /// What went wrong, in words safe for a log (no value from a case, a message or a person), or nil.
    var logReason: String? { get }
}

extension PalsError {
    /// No context by default.
    package var logContext: [(name: String, value: String)] { [] }

    /// The log form: `code (name value, …): reason`, with control characters escaped; never personal data.
    package var logDescription: String {
        var text = code.name
        let context = logContext
        if !context.isEmpty {
            text += " (" + context.map { "\($0.name) \($0.value)" }.joined(separator: ", ") + ")"
        }
        if let logReason { text += ": " + logReason }
        return text.escapingControls
    }
}

/// The code of a pals error: a stable name, typed by the error it belongs to (a `MailError` code never equals an
/// `OutboxError` code). Each error type declares its codes as static members of `ErrorCode where Domain == Self`.
package struct ErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The stable name, e.g. `invalid address`; shown in logs.
    package let name: String

    /// A code named `name`; used by the error types' own static members.
    package init(_ name: String) {
        self.name = name
    }

    package var description: String { self.name }
}

extension ErrorCode where Domain: PalsError {
    /// Whether `error` is a `Domain` error with this code.
    ///
    /// Each error type's module declares `~=` with it (`catch MailError.Code.invalidAddress { … }`), so a file that
    /// imports that module can match its codes without importing Primitives too.
    package func matches(_ error: any Error) -> Bool {
        (error as? Domain)?.code == self
    }
}
