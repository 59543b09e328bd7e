public import Foundation
internal import WorkingDays

/// An error from composing, configuring or sending mail: a code to match on, plus the context a person needs.
public struct MailError: Error, Sendable, Hashable {
    /// What kind of problem this is; compare codes, not messages.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidAddress = "invalid address"
            case internationalAddress = "international address needs SMTPUTF8"
            case invalidMessage = "invalid message"
            case invalidConfiguration = "invalid SMTP configuration"
            case insecureConfiguration = "insecure SMTP configuration"
            case credentialsUnavailable = "SMTP credentials unavailable"
            case probeFailed = "SMTP check failed"
            case curl = "libcurl failure"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// An address is not valid RFC 5321 syntax (or too long).
        public static let invalidAddress = Code(.invalidAddress)
        /// An address has a non-ASCII local part or domain and the server was not said to offer SMTPUTF8.
        public static let internationalAddress = Code(.internationalAddress)
        /// A message cannot be built (no recipient, bad attachment type or name, ...).
        public static let invalidMessage = Code(.invalidMessage)
        /// The SMTP settings cannot work (bad URL, lanes, HELO name, ...).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The SMTP settings would send mail or credentials without TLS; refused before connecting.
        public static let insecureConfiguration = Code(.insecureConfiguration)
        /// The username or password could not be read from the named file or environment variable.
        public static let credentialsUnavailable = Code(.credentialsUnavailable)
        /// `SMTPProbe` could not complete its check of the server.
        public static let probeFailed = Code(.probeFailed)
        /// libcurl could not be set up.
        public static let curl = Code(.curl)

        public var description: String { value.rawValue }

        /// Matches an error against a code: `catch MailError.Code.invalidAddress { ... }`.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? MailError)?.code == code
        }
    }

    /// What kind of problem this is.
    public let code: Code
    /// The field or setting concerned, such as `To` or `password file`.
    public let field: String?
    /// The offending value, shown to the person who runs the command but left out of ``description`` (logs).
    public let value: String?
    /// What went wrong and what to do about it.
    public let reason: String

    /// Makes an error; `value` may be sensitive and is kept out of ``description``.
    public init(_ code: Code, field: String? = nil, value: String? = nil, reason: String) {
        self.code = code
        self.field = field
        self.value = value
        self.reason = reason
    }
}

extension MailError: CustomStringConvertible {
    /// The log form: the code, field and reason, with CR/LF escaped and the value left out.
    public var description: String {
        var text = "\(code)"
        if let field { text += " (\(field))" }
        text += ": \(reason)"
        return text.escapingLineBreaks
    }
}

extension MailError: LocalizedError {
    /// The form shown to the person at the terminal: includes the offending value, escaped.
    public var errorDescription: String? {
        var text = ""
        if let field { text += "\(field): " }
        text += reason
        if let value { text += " (value: \"\(value.escapingLineBreaks)\")" }
        return text
    }
}

extension String {
    /// CR, LF and other control characters shown as escapes, so a value cannot forge a log line (the shared
    /// escaper of WorkingDays, under the name Mail has always used).
    var escapingLineBreaks: String { escapingControls }
}
