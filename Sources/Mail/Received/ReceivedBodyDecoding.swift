/// Content-Transfer-Encoding decoders (RFC 2045), tolerant the way receivers must be: bad line lengths, junk
/// characters and missing padding are read as far as they make sense, never refused.
enum ReceivedBodyDecoding {
    /// The bytes of a body in `transferEncoding` (`base64`, `quoted-printable`; anything else is taken as it is).
    static func decode(_ body: ArraySlice<UInt8>, transferEncoding: String) -> [UInt8] {
        switch transferEncoding {
        case "base64": return base64(body)
        case "quoted-printable": return quotedPrintable(body, underscoreIsSpace: false)
        default: return Array(body)
        }
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        // The URL-safe alphabet too: some senders use it.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Base64 with every character outside the alphabet skipped; `=` ends a group; a trailing partial group gives
    /// what bytes it can.
    static func base64(_ encoded: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count / 4 * 3)
        var quad: UInt32 = 0
        var count = 0
        for character in encoded {
            if character == UInt8(ascii: "=") {
                // Padding: flush what the group holds, start a new one (concatenated base64 happens).
                flush(&quad, &count, into: &output)
                continue
            }
            let value = base64Values[Int(character)]
            if value == 0xFF { continue }
            quad = quad << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: quad >> 16))
                output.append(UInt8(truncatingIfNeeded: quad >> 8))
                output.append(UInt8(truncatingIfNeeded: quad))
                quad = 0
                count = 0
            }
        }
        flush(&quad, &count, into: &output)
        return output
    }

    private static func flush(_ quad: inout UInt32, _ count: inout Int, into output: inout [UInt8]) {
        switch count {
        case 2: output.append(UInt8(truncatingIfNeeded: quad >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: quad >> 10))
            output.append(UInt8(truncatingIfNeeded: quad >> 2))
        default: break
        }
        quad = 0
        count = 0
    }

    /// Quoted-printable: `=XX` decoded (either case), `=` at a line end joins lines, trailing spaces on a line
    /// dropped, a stray `=` kept as written. With `underscoreIsSpace` (RFC 2047 "Q"), `_` is a space.
    static func quotedPrintable(_ encoded: some Collection<UInt8>, underscoreIsSpace: Bool) -> [UInt8] {
        let bytes = Array(encoded)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var pendingSpaces: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09:
                pendingSpaces.append(byte)
                index += 1
                continue
            case 0x0D, 0x0A:
                pendingSpaces = []  // trailing whitespace on an encoded line is not content
                output.append(byte)
                index += 1
                continue
            default: break
            }
            output += pendingSpaces
            pendingSpaces = []
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                // A soft line break: `=`, optional whitespace, then CRLF or LF (or the end).
                var look = index + 1
                while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
                if look == bytes.count {
                    index = look
                    continue
                }
                if bytes[look] == 0x0A {
                    index = look + 1
                    continue
                }
                if bytes[look] == 0x0D {
                    index = look + 1
                    if index < bytes.count, bytes[index] == 0x0A { index += 1 }
                    continue
                }
                output.append(byte)
                index += 1
            } else if underscoreIsSpace && byte == UInt8(ascii: "_") {
                output.append(0x20)
                index += 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        output += pendingSpaces
        return output
    }

    /// The value of a hex digit, either case.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
