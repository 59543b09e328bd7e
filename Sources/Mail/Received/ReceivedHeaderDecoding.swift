internal import Foundation

/// One header field as it arrived: its name, and its value unfolded and turned into text (UTF-8, else
/// Windows-1252 for stray 8-bit bytes) but not yet RFC 2047-decoded, so address syntax is still visible.
struct RawHeaderField {
    var name: String
    var value: String
}

/// Reading header sections: splitting fields, unfolding, RFC 2047 encoded words, RFC 2231 parameters, address lists,
/// message ids and dates. Tolerant: whatever a sender's client wrote, the result is text, never a crash.
enum ReceivedHeaderDecoding {
    // MARK: Fields

    /// The header fields of `lines` (without line ends), unfolded. A line that is neither a field nor a
    /// continuation is skipped, as is an mbox `From ` line.
    static func fields(_ lines: [ArraySlice<UInt8>]) -> [RawHeaderField] {
        var fields: [RawHeaderField] = []
        var current: (name: String, value: [UInt8])?
        func finish() {
            if let current { fields.append(RawHeaderField(name: current.name, value: unfoldedText(current.value))) }
            current = nil
        }
        for line in lines {
            if let first = line.first, first == 0x20 || first == 0x09 {
                if current != nil { current!.value += line }
                continue
            }
            finish()
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let nameBytes = line[line.startIndex..<colon]
            let name = String(decoding: nameBytes.filter { $0 > 0x20 && $0 < 0x7F }, as: UTF8.self)
            guard !name.isEmpty else { continue }
            current = (name, Array(line[(colon + 1)...]))
        }
        finish()
        return fields
    }

    /// Whether a header line looks like the start of a field (`Name:`), so a header section can end at a line that
    /// is not one.
    static func isFieldStart(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return false }
        return line[line.startIndex..<colon].allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Bytes as text: UTF-8 when they are valid UTF-8 (RFC 6532 headers), else Windows-1252.
    static func text(_ bytes: some Collection<UInt8>) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        return ReceivedCharsets.decodeSingleByte(Array(bytes), table: ReceivedCharsets.windows1252)
    }

    /// An unfolded value: folding line breaks removed, other control characters (NUL included) dropped, tabs made
    /// spaces, ends trimmed.
    static func unfoldedText(_ bytes: [UInt8]) -> String {
        var clean: [UInt8] = []
        clean.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case 0x0D, 0x0A: continue
            case 0x09: clean.append(0x20)
            case 0x00..<0x20, 0x7F: continue
            default: clean.append(byte)
            }
        }
        return text(clean).trimmingCharacters(in: .whitespaces)
    }

    // MARK: RFC 2047

    /// Decodes every RFC 2047 encoded word in `text`. Whitespace between two adjacent encoded words is dropped;
    /// adjacent words in one charset are joined before decoding, so a character split across words survives. A
    /// word in an unknown charset, or whose encoding is broken, is kept as written.
    static func decodeEncodedWords(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var output = ""
        var pending: (charset: String, bytes: [UInt8], raw: String)?
        var gap = ""  // whitespace seen since the last encoded word
        func flush() {
            guard let word = pending else { return }
            if let decoded = ReceivedCharsets.decode(word.bytes, charset: word.charset) {
                output += decoded
            } else {
                output += word.raw
            }
            pending = nil
        }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if let (word, end) = encodedWord(scalars, at: index) {
                if let current = pending, current.charset == word.charset {
                    pending!.bytes += word.bytes
                    pending!.raw += gap + word.raw
                } else {
                    flush()
                    if ReceivedCharsets.isKnown(word.charset) {
                        pending = word
                    } else {
                        output += word.raw
                    }
                }
                gap = ""
                index = end
                continue
            }
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" {
                if pending != nil {
                    gap.unicodeScalars.append(scalar)
                } else {
                    output.unicodeScalars.append(scalar)
                }
                index += 1
                continue
            }
            flush()
            output += gap
            gap = ""
            output.unicodeScalars.append(scalar)
            index += 1
        }
        flush()
        output += gap
        return output
    }

    /// The encoded word starting at `start` (`=?charset?B|Q?text?=`), decoded to bytes, and the index after it.
    private static func encodedWord(
        _ scalars: [Unicode.Scalar], at start: Int
    ) -> ((charset: String, bytes: [UInt8], raw: String), Int)? {
        guard start + 7 < scalars.count + 1, scalars[start] == "=", start + 1 < scalars.count,
            scalars[start + 1] == "?"
        else { return nil }
        var index = start + 2
        var charset = ""
        while index < scalars.count, scalars[index] != "?" {
            let scalar = scalars[index]
            guard scalar.value > 0x20, scalar.value < 0x7F, charset.count < 64 else { return nil }
            charset.unicodeScalars.append(scalar)
            index += 1
        }
        guard !charset.isEmpty, index + 3 < scalars.count, scalars[index + 2] == "?" else { return nil }
        let encoding = scalars[index + 1]
        index += 3
        let textStart = index
        while index + 1 < scalars.count, !(scalars[index] == "?" && scalars[index + 1] == "=") {
            let scalar = scalars[index]
            guard scalar.value > 0x20, scalar.value < 0x7F else { return nil }
            index += 1
        }
        guard index + 1 < scalars.count else { return nil }
        let encoded = Array(String(String.UnicodeScalarView(scalars[textStart..<index])).utf8)
        let end = index + 2
        let raw = String(String.UnicodeScalarView(scalars[start..<end]))
        // RFC 2231 section 5: `charset*language`.
        let name = String(charset.split(separator: "*", maxSplits: 1).first ?? "").lowercased()
        let bytes: [UInt8]
        switch encoding {
        case "B", "b": bytes = ReceivedBodyDecoding.base64(encoded)
        case "Q", "q": bytes = ReceivedBodyDecoding.quotedPrintable(encoded, underscoreIsSpace: true)
        default: return nil
        }
        return ((name, bytes, raw), end)
    }

    // MARK: Structured values

    /// A `Content-Type` or `Content-Disposition` value: the lower-case token before the first `;`, and the
    /// parameters (names lower case), RFC 2231 continuations and charsets joined and decoded, RFC 2047 words in
    /// plain values decoded too (as Outlook writes file names).
    static func valueAndParameters(_ value: String) -> (value: String, parameters: [String: String]) {
        let tokens = splitParameters(value)
        let main = (tokens.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        var plain: [String: String] = [:]
        var sections: [String: [Int: (text: String, extended: Bool)]] = [:]
        for token in tokens.dropFirst() {
            guard let equals = token.firstIndex(of: "=") else { continue }
            var name = token[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var text = token[token.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\"") { text = unquote(text) }
            guard !name.isEmpty else { continue }
            var extended = false
            if name.hasSuffix("*") {
                extended = true
                name.removeLast()
            }
            if let star = name.firstIndex(of: "*"), let number = Int(name[name.index(after: star)...]) {
                let base = String(name[..<star])
                if number >= 0, number < 1000, sections[base, default: [:]][number] == nil {
                    sections[base, default: [:]][number] = (text, extended)
                }
            } else if extended {
                sections[name, default: [:]][0] = (text, true)
            } else if plain[name] == nil {
                plain[name] = text
            }
        }
        var parameters: [String: String] = [:]
        for (name, text) in plain { parameters[name] = decodeEncodedWords(text) }
        for (name, parts) in sections {
            var charset = "us-ascii"
            var bytes: [UInt8] = []
            for number in parts.keys.sorted() {
                guard let part = parts[number] else { continue }
                var text = part.text
                if number == parts.keys.min(), part.extended {
                    let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        if !pieces[0].isEmpty { charset = pieces[0].lowercased() }
                        text = String(pieces[2])
                    }
                }
                bytes += part.extended ? percentDecoded(text) : Array(text.utf8)
            }
            parameters[name] =
                ReceivedCharsets.decode(bytes, charset: charset) ?? ReceivedHeaderDecoding.text(bytes)
        }
        return (main, parameters)
    }

    /// Splits at `;` outside quoted strings.
    private static func splitParameters(_ value: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && inQuotes {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                current.append(character)
            } else if character == ";" && !inQuotes {
                tokens.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        tokens.append(current)
        return tokens
    }

    /// A quoted string's content, escapes removed; an unclosed quote runs to the end.
    private static func unquote(_ text: String) -> String {
        var output = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                output.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                output.append(character)
            }
        }
        return output
    }

    /// `%XX` escapes decoded; a broken escape kept as written.
    private static func percentDecoded(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = ReceivedBodyDecoding.hexValue(bytes[index + 1]),
                let low = ReceivedBodyDecoding.hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The message ids in a `Message-ID`, `In-Reply-To` or `References` value, without angle brackets. Ids written
    /// without brackets (as some clients do) are taken word by word.
    static func messageIDs(_ value: String) -> [String] {
        let withoutComments = removingComments(value)
        var ids: [String] = []
        var rest = Substring(withoutComments)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let id = rest[rest.index(after: open)..<close].filter { !$0.isWhitespace }
            if !id.isEmpty { ids.append(String(id)) }
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty {
            ids = withoutComments.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
                .filter { $0.contains("@") }
        }
        return ids
    }

    /// The value with `( … )` comments (nested, outside quoted strings) removed.
    static func removingComments(_ value: String) -> String {
        var output = ""
        var depth = 0
        var inQuotes = false
        var escaped = false
        for character in value {
            if escaped {
                if depth == 0 { output.append(character) }
                escaped = false
                continue
            }
            switch character {
            case "\\" where inQuotes || depth > 0:
                escaped = true
                if depth == 0 { output.append(character) }
            case "\"" where depth == 0:
                inQuotes.toggle()
                output.append(character)
            case "(" where !inQuotes:
                depth += 1
            case ")" where !inQuotes && depth > 0:
                depth -= 1
            default:
                if depth == 0 { output.append(character) }
            }
        }
        return output
    }
}
