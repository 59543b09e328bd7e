package import Foundation
package import Primitives

/// An error from composing, configuring or sending mail: a code to match on, plus the context a person needs.
///
/// The offending ``value`` (an address, a URL, a file name) is shown to the person who runs the command but never
/// logged: the log form (``description``) carries the code, the field and the reason only.
package struct MailError: PalsError, Hashable {
    /// What kind of problem this is; compare codes (``ErrorCode/invalidAddress``…), not messages.
    package let code: ErrorCode<MailError>
    /// The field or setting concerned, such as `To` or `password file`.
    package let field: String?
    /// The offending value, shown to the person who runs the command but left out of ``description`` (logs).
    package let value: String?
    /// What went wrong and what to do about it, in Mail's own words (never the value).
    package let reason: String

    /// Makes an error; `value` may be sensitive and is kept out of ``description``.
    package init(_ code: Code, field: String? = nil, value: String? = nil, reason: String) {
        self.code = code
        self.field = field
        self.value = value
        self.reason = reason
    }

    /// The kinds of problem.
    package typealias Code = ErrorCode<MailError>

    package var logContext: [(name: String, value: String)] { field.map { [("field", $0)] } ?? [] }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { reason }

    /// The form shown to the person at the terminal: includes the offending value, escaped.
    package var errorDescription: String? {
        var text = ""
        if let field { text += "\(field): " }
        text += reason
        if let value { text += " (value: \"\(value.escapingControls)\")" }
        return text
    }
}

extension ErrorCode where Domain == MailError {
    /// Matches an error against a code: `catch MailError.Code.x { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// An address is not valid RFC 5321 syntax (or too long).
    package static let invalidAddress = Self("invalid address")
    /// An address has a non-ASCII local part or domain and the server was not said to offer SMTPUTF8.
    package static let internationalAddress = Self("international address needs SMTPUTF8")
    /// A message cannot be built (no recipient, bad attachment type or name, ...).
    package static let invalidMessage = Self("invalid message")
    /// The SMTP settings cannot work (bad URL, lanes, HELO name, ...).
    package static let invalidConfiguration = Self("invalid SMTP configuration")
    /// The SMTP settings would send mail or credentials without TLS; refused before connecting.
    package static let insecureConfiguration = Self("insecure SMTP configuration")
    /// The username or password could not be read from the named file or environment variable.
    package static let credentialsUnavailable = Self("SMTP credentials unavailable")
    /// `SMTPProbe` could not complete its check of the server.
    package static let probeFailed = Self("SMTP check failed")
    /// libcurl could not be set up.
    package static let curl = Self("libcurl failure")
}

extension ErrorCode where Domain == MailError {
    /// A received message cannot be read as a message at all (its header section is endless, say).
    package static let malformedMessage = Self("malformed message")
    /// A received message is larger than the limit it was read with.
    package static let messageTooLarge = Self("message too large")
}
