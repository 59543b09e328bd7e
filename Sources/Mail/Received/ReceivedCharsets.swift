internal import Foundation

/// Turns bytes in a declared charset into text. UTF-8 and ASCII are Swift's own; ISO-8859-1 is the identity on
/// scalars; the other single-byte charsets use tables generated from Python's codecs, because Foundation on Linux
/// reads only some of them (ISO-8859-2 and the Windows code pages, not ISO-8859-15 or KOI8) and a table is the same
/// on every platform. UTF-16 goes through Foundation, which reads it on Linux.
enum ReceivedCharsets {
    /// The charset's name as most mail writes it: lower case, aliases folded (`latin1`, `cp1252`, `utf8`).
    static func canonical(_ charset: String) -> String {
        let name = charset.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased()
        switch name {
        case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
        case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "646": return "us-ascii"
        case "latin1", "latin-1", "iso8859-1", "iso_8859-1", "iso-8859-1", "l1", "cp819", "iso-ir-100":
            return "iso-8859-1"
        case "latin9", "latin-9", "iso8859-15", "iso_8859-15", "l9": return "iso-8859-15"
        case "utf-16", "utf16", "utf-16le", "utf-16be": return name.replacingOccurrences(of: "utf16", with: "utf-16")
        default: break
        }
        if name.hasPrefix("cp125"), name.count == 6 { return "windows-" + name.dropFirst(2) }
        if name.hasPrefix("x-cp125"), name.count == 8 { return "windows-" + name.dropFirst(4) }
        if name.hasPrefix("iso8859-") { return "iso-8859-" + name.dropFirst(8) }
        if name.hasPrefix("iso_8859-") { return "iso-8859-" + name.dropFirst(9) }
        if name.hasPrefix("iso-8859-"), let colon = name.firstIndex(of: ":") { return String(name[..<colon]) }
        return name
    }

    /// Whether `decode` can read this charset.
    static func isKnown(_ charset: String) -> Bool {
        let name = canonical(charset)
        return ["utf-8", "us-ascii", "iso-8859-1", "utf-16", "utf-16le", "utf-16be"].contains(name)
            || singleByteTables[name] != nil
    }

    /// The text of `bytes` in `charset`, or nil when the charset is unknown. Bytes that are not valid in a known
    /// charset become U+FFFD; ASCII declared but 8-bit sent is read as UTF-8, else Windows-1252, as senders mean.
    static func decode(_ bytes: [UInt8], charset: String) -> String? {
        let name = canonical(charset)
        switch name {
        case "utf-8": return String(decoding: bytes, as: UTF8.self)
        case "us-ascii":
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return String(validating: bytes, as: UTF8.self) ?? decodeSingleByte(bytes, table: windows1252)
        case "iso-8859-1": return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "utf-16", "utf-16le", "utf-16be":
            let encoding: String.Encoding =
                name == "utf-16le" ? .utf16LittleEndian : name == "utf-16be" ? .utf16BigEndian : .utf16
            return String(data: Data(bytes), encoding: encoding) ?? String(decoding: bytes, as: UTF8.self)
        default:
            guard let table = singleByteTables[name] else { return nil }
            return decodeSingleByte(bytes, table: table)
        }
    }

    /// Text in an unknown charset: UTF-8 when the bytes are valid UTF-8, else Windows-1252 (which reads any byte).
    static func decodeGuessing(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? decodeSingleByte(bytes, table: windows1252)
    }

    static var windows1252: [UInt16] { singleByteTables["windows-1252"] ?? [] }

    /// Bytes below 0x80 as ASCII, the rest through `table` (128 entries for 0x80...0xFF).
    static func decodeSingleByte(_ bytes: [UInt8], table: [UInt16]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte < 0x80 || table.count != 128 {
                scalars.append(Unicode.Scalar(byte))
            } else {
                scalars.append(Unicode.Scalar(UInt32(table[Int(byte) - 0x80])) ?? "\u{FFFD}")
            }
        }
        return String(scalars)
    }
}
