/// The one escaper of control characters in pals: every log line, error message and human (non-JSON) report that
/// shows a value from outside (a case field, a server reply) passes it through here, so a value can neither
/// forge a line or a table row nor drive the terminal.
///
/// It lives in Primitives, the bottom target under every library.
package extension String {
    /// The text with C0 controls (CR, LF, TAB, ESC, …), DEL, C1 controls (U+0080–U+009F, including the one-byte
    /// CSI U+009B), the Unicode line and paragraph separators and the bidirectional overrides and isolates shown as
    /// visible escapes: `\r`, `\n`, `\t`, else `\u{1B}`. Once ESC is escaped, the rest of an escape sequence
    /// (`[2J`, `]0;title`) is inert text. Other characters, accents and Welsh ŵ ŷ included, are kept as they are.
    var escapingControls: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where Self.needsEscape(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether a scalar is shown escaped by ``escapingControls``.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1
        case 0x2028, 0x2029: true  // line and paragraph separators
        // bidi embeddings, overrides, isolates and marks
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
