/// A piece of HTML whose interpolated strings are escaped: `"<p>\(name)</p>" as HTML` can never carry markup from
/// `name`. Only string literals and other ``HTML`` values are taken as markup.
package struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    package private(set) var text: String

    /// Markup written in the source (a literal): trusted.
    package init(stringLiteral value: String) { text = value }

    package init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    /// Markup from elsewhere that is already safe (a letter rendered by pals, say). Use sparingly.
    package init(trusted text: String) { self.text = text }

    package var description: String { text }

    /// Nothing.
    package static let empty: HTML = ""

    /// The pieces one after another.
    package static func join(_ pieces: [HTML], separator: HTML = "") -> HTML {
        HTML(trusted: pieces.map(\.text).joined(separator: separator.text))
    }

    package struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        package init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        package mutating func appendLiteral(_ literal: String) { text += literal }

        /// Text: escaped.
        package mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }

        /// Optional text: escaped, nothing for nil.
        package mutating func appendInterpolation(_ value: String?) { text += value.map(HTML.escape) ?? "" }

        /// A number.
        package mutating func appendInterpolation(_ value: Int) { text += String(value) }

        /// Markup.
        package mutating func appendInterpolation(_ value: HTML) { text += value.text }

        /// Markup, one piece after another.
        package mutating func appendInterpolation(_ values: [HTML]) { text += values.map(\.text).joined() }
    }

    /// `value` with `& < > " '` as character references and control characters (but tab and line feed) replaced,
    /// safe in text and in a quoted attribute.
    package static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            case "\r": break
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
