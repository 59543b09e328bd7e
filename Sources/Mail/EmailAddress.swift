internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A mailbox address (`local-part@domain`) checked against RFC 5321 syntax and lengths.
package struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The local part as written: a dot-atom, or a quoted string with its quotes.
    package let localPart: String
    /// The domain: dot-separated labels, or an address literal such as `[192.0.2.1]`.
    package let domain: String

    /// Parses and checks an address.
    /// - Parameters:
    ///   - string: the address, without angle brackets or display name.
    ///   - field: names the field in the error, such as `To` or `envelope sender`.
    ///   - smtpUTF8: true only when the server offers SMTPUTF8; otherwise non-ASCII addresses are refused.
    package init(_ string: String, field: String = "address", smtpUTF8: Bool = false) throws(MailError) {
        func fail(_ reason: String) -> MailError {
            MailError(.invalidAddress, field: field, value: string, reason: reason)
        }
        if string.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw fail("an address cannot contain line breaks or other control characters")
        }
        guard let at = string.lastIndex(of: "@") else {
            throw fail("an address needs the form name@example.org")
        }
        let local = String(string[..<at])
        let domain = String(string[string.index(after: at)...])
        if local.isEmpty { throw fail("the part before @ is empty") }
        if domain.isEmpty { throw fail("the part after @ is empty") }
        if !smtpUTF8, !string.unicodeScalars.allSatisfy(\.isASCII) {
            throw MailError(
                .internationalAddress, field: field, value: string,
                reason: "the address has non-ASCII characters, which needs a server that offers SMTPUTF8"
                    + " (for a non-ASCII domain, write its xn-- form)")
        }
        if local.utf8.count > 64 { throw fail("the part before @ is longer than 64 octets") }
        if domain.utf8.count > 255 { throw fail("the domain is longer than 255 octets") }
        if string.utf8.count > 254 { throw fail("the address is longer than 254 octets") }
        guard Self.isValidLocalPart(local) else {
            throw fail("the part before @ is neither a dot-atom (name.surname) nor a quoted string")
        }
        if domain.hasPrefix("[") {
            guard Self.isValidAddressLiteral(domain) else {
                throw fail("the address literal after @ is not [IPv4] or [IPv6:...]")
            }
        } else if let problem = Self.domainProblem(domain) {
            throw fail(problem)
        }
        self.localPart = local
        self.domain = domain
    }

    /// The address as `local-part@domain`.
    package var address: String { "\(localPart)@\(domain)" }
    package var description: String { address }

    /// True when any part is non-ASCII (only possible with SMTPUTF8).
    package var isInternational: Bool { !address.unicodeScalars.allSatisfy(\.isASCII) }

    // MARK: RFC 5321 grammar

    /// atext of RFC 5322, plus any non-ASCII scalar (RFC 6531 UTF8-non-ascii; refused earlier without SMTPUTF8).
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        if !scalar.isASCII { return scalar.value >= 0xA0 }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    static func isDotAtom(_ text: Substring) -> Bool {
        let atoms = text.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(isAtext) }
    }

    static func isValidLocalPart(_ local: String) -> Bool {
        if isDotAtom(local[...]) { return true }
        let scalars = Array(local.unicodeScalars)
        guard scalars.count >= 2, scalars.first == "\"", scalars.last == "\"" else { return false }
        var index = 1
        while index < scalars.count - 1 {
            let scalar = scalars[index]
            if scalar == "\\" {
                // quoted-pairSMTP = "\" %d32-126
                guard index + 1 < scalars.count - 1, (32...126).contains(scalars[index + 1].value) else { return false }
                index += 2
                continue
            }
            // qtextSMTP = %d32-33 / %d35-91 / %d93-126 (and UTF-8 with SMTPUTF8)
            let value = scalar.value
            guard value == 32 || value == 33 || (35...91).contains(value) || (93...126).contains(value) || value >= 0xA0
            else { return false }
            index += 1
        }
        return true
    }

    static func domainProblem(_ domain: String) -> String? {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            if label.isEmpty { return "the domain has an empty label (two dots, or a dot at an end)" }
            if label.utf8.count > 63 { return "a domain label is longer than 63 octets" }
            let scalars = Array(label.unicodeScalars)
            let ok = scalars.allSatisfy { s in
                !s.isASCII ? s.value >= 0xA0 : (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-")
            }
            if !ok { return "the domain may only hold letters, digits, hyphens and dots" }
            if scalars.first == "-" || scalars.last == "-" { return "a domain label cannot start or end with a hyphen" }
        }
        return nil
    }

    static func isValidAddressLiteral(_ literal: String) -> Bool {
        guard literal.hasPrefix("["), literal.hasSuffix("]"), literal.count > 2 else { return false }
        let inner = String(literal.dropFirst().dropLast())
        var buffer = [UInt8](repeating: 0, count: 16)
        if inner.lowercased().hasPrefix("ipv6:") {
            return inet_pton(AF_INET6, String(inner.dropFirst(5)), &buffer) == 1
        }
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { $0.count <= 3 && $0.allSatisfy(\.isASCII) && (UInt8($0) != nil) }
    }
}

/// A display name and an address, as in `From: Siân Ó Dálaigh <sian@example.org>`.
package struct Mailbox: Sendable, Hashable {
    /// The name people see; any text (it is encoded or quoted as needed, and control characters become spaces).
    package var displayName: String?
    /// The address itself.
    package var address: EmailAddress

    /// A mailbox from an already checked address.
    package init(_ address: EmailAddress, displayName: String? = nil) {
        self.address = address
        self.displayName = displayName
    }

    /// A mailbox from a display name and an address string, checked now; `field` names it in the error.
    package init(
        displayName: String? = nil, address: String, field: String = "address", smtpUTF8: Bool = false
    ) throws(MailError) {
        self.address = try EmailAddress(address, field: field, smtpUTF8: smtpUTF8)
        self.displayName = displayName
    }
}
