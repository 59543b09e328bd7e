internal import Foundation
internal import Primitives

/// The encoders a message is built with: header text (RFC 2047), folding (RFC 5322), parameters
/// (RFC 2231), quoted-printable and base64 bodies (RFC 2045). All output uses CRLF.
enum MIME {
    static let crlf = "\r\n"
    /// Folding aims at this width (RFC 5322 "SHOULD"); 998 is the hard limit.
    static let preferredLineLength = 78
    static let maximumLineLength = 998

    // MARK: Header text

    /// Replaces every run of control characters (CR, LF, TAB, NUL, DEL, C1) with one space,
    /// so no field value can ever start a new header line.
    static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inRun = false
        for scalar in text.unicodeScalars {
            let isControl =
                scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isControl {
                if !inRun { out.append(" ") }
                inRun = true
            } else {
                out.append(scalar)
                inRun = false
            }
        }
        return String(out)
    }

    /// RFC 2047 "B" encoded-words for the text, split only between scalars; each is at most 68 characters,
    /// so even `Reply-To: ` plus one word fits in 78.
    static func encodedWords(_ text: String) -> [String] {
        let prefix = "=?utf-8?B?"
        let suffix = "?="
        let maxBytes = 42  // 42 octets → 56 base64 characters → 68-character encoded-word
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maxBytes {
                words.append(prefix + Data(chunk).base64EncodedString() + suffix)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append(prefix + Data(chunk).base64EncodedString() + suffix)
        }
        return words
    }

    /// True when the text can go in a header as it is: printable ASCII words with single spaces between,
    /// none long, and nothing a reader could mistake for an encoded-word.
    static func isPlainHeaderText(_ text: String) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else { return false }
        if text.contains("=?") || text.hasPrefix(" ") || text.hasSuffix(" ") || text.contains("  ") { return false }
        return text.split(separator: " ").allSatisfy { $0.utf8.count <= 70 }
    }

    /// Tokens for unstructured text such as Subject: the words themselves, or encoded-words.
    static func unstructuredTokens(_ text: String) -> [String] {
        let clean = sanitize(text)
        if clean.isEmpty { return [] }
        if isPlainHeaderText(clean) { return clean.split(separator: " ").map(String.init) }
        return encodedWords(clean)
    }

    /// Tokens for a display name (an RFC 5322 phrase): atoms, a quoted string, or encoded-words.
    static func phraseTokens(_ name: String) -> [String] {
        // Runs of spaces mean nothing in a name (and parsers collapse them): one space, none at the ends.
        let clean = sanitize(name).split(separator: " ").joined(separator: " ")
        if clean.isEmpty { return [] }
        if isPlainHeaderText(clean) {
            let isAtoms = clean.unicodeScalars.allSatisfy { $0 == " " || EmailAddress.isAtext($0) }
            if isAtoms { return clean.split(separator: " ").map(String.init) }
            var quoted = "\""
            for character in clean {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            quoted.append("\"")
            return quoted.split(separator: " ").map(String.init)
        }
        return encodedWords(clean)
    }

    /// The tokens of `Name <address>`.
    static func mailboxTokens(_ mailbox: Mailbox) -> [String] {
        let phrase = mailbox.displayName.map(phraseTokens) ?? []
        return phrase + ["<\(mailbox.address.address)>"]
    }

    /// Tokens of an address list, with commas after all but the last mailbox.
    static func mailboxListTokens(_ mailboxes: [Mailbox]) -> [String] {
        var tokens: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var items = mailboxTokens(mailbox)
            if index < mailboxes.count - 1 { items[items.count - 1] += "," }
            tokens += items
        }
        return tokens
    }

    /// Folds `Name: token token ...` into lines of at most 78 characters where the tokens allow,
    /// breaking only where a single space separates two tokens (so unfolding restores the value).
    static func header(_ name: String, _ tokens: [String]) -> String {
        var lines: [String] = []
        var line = "\(name):"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken, line.utf8.count + 1 + token.utf8.count > preferredLineLength {
                lines.append(line)
                line = " " + token
            } else {
                line += " " + token
            }
            lineHasToken = true
        }
        lines.append(line)
        return lines.joined(separator: crlf) + crlf
    }

    /// A header whose parameters each sit on a line of their own when the line would be long.
    static func header(_ name: String, value: String, parameters: [String]) -> String {
        var tokens = [parameters.isEmpty ? value : value + ";"]
        for (index, parameter) in parameters.enumerated() {
            tokens.append(index < parameters.count - 1 ? parameter + ";" : parameter)
        }
        return header(name, tokens)
    }

    // MARK: Parameters (RFC 2045 / RFC 2231)

    /// attr-char of RFC 2231: the characters that stay as they are in an extended value.
    private static func isAttributeChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default: return Array("!#$&+-.^_`|~".utf8).contains(byte)
        }
    }

    /// `name*=utf-8''…` (or `name*0*=`, `name*1*=`… when long) for a non-ASCII value.
    static func extendedParameter(_ name: String, _ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for byte in value.utf8 {
            let encoded = isAttributeChar(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
            if current.utf8.count + encoded.utf8.count > 54 {
                pieces.append(current)
                current = ""
            }
            current += encoded
        }
        pieces.append(current)
        if pieces.count == 1 { return ["\(name)*=utf-8''\(pieces[0])"] }
        return pieces.enumerated().map { index, piece in
            index == 0 ? "\(name)*0*=utf-8''\(piece)" : "\(name)*\(index)*=\(piece)"
        }
    }

    /// `name="value"` with quotes and backslashes escaped (the value must be printable ASCII).
    static func quotedParameter(_ name: String, _ value: String) -> String {
        var quoted = ""
        for character in value {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return "\(name)=\"\(quoted)\""
    }

    /// A printable-ASCII stand-in for a file name: accents dropped, other non-ASCII as `_`.
    static func asciiFallback(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        for scalar in folded.unicodeScalars {
            switch scalar {
            case "\u{2013}", "\u{2014}", "\u{2010}", "\u{2011}", "\u{2212}": out += "-"
            case "\u{2018}", "\u{2019}": out += "'"
            case _ where (0x20...0x7E).contains(scalar.value): out.unicodeScalars.append(scalar)
            default: out += "_"
            }
        }
        return out
    }

    // MARK: Bodies

    /// Line ends of any kind (CRLF, lone CR, lone LF) as CRLF, with a line end at the end.
    static func normalizedLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                lines.append(line)
                line = []
                if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else {
                line.append(byte)
            }
            index += 1
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Quoted-printable of UTF-8 text (RFC 2045 §6.7): lines of at most 76 characters, trailing
    /// whitespace encoded, and a leading `.` or `From ` encoded so no relay or mbox can alter it.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        for line in normalizedLines(text) {
            var current: [UInt8] = []
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let startsFrom = index == 0 && line.starts(with: Array("From ".utf8))
                let literal: Bool
                switch byte {
                case 32, 9: literal = !isLast
                case UInt8(ascii: "."): literal = !(index == 0)
                case UInt8(ascii: "="): literal = false
                case 33...126: literal = !startsFrom
                default: literal = false
                }
                let token: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                if current.count + token.count > 75 {
                    out += current + Array("=\r\n".utf8)
                    current = []
                }
                current += token
            }
            out += current + [13, 10]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 in lines of 76 characters, each ended by CRLF.
    static func base64Lines(_ data: Data) -> String {
        data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            + (data.isEmpty ? "" : crlf)
    }

    // MARK: Dates

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// An RFC 5322 date-time, such as `Wed, 25 Nov 2026 14:03:07 +0000`, in the given zone.
    static func date(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date) / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let zone = "\(sign)\(two(abs(offset) / 60))\(two(abs(offset) % 60))"
        return "\(days[parts.weekday! - 1]), \(parts.day!) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!)) \(zone)"
    }

    /// A stable hash of the pieces, for boundaries that depend only on the content (so a preview equals what is sent).
    static func fnv1a(_ pieces: [String]) -> String {
        var hash = StableHash()
        for piece in pieces {
            hash.add(piece)
            hash.endPiece()
        }
        return hash.hex
    }
}
