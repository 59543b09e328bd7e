internal import Foundation

/// Plain text from an HTML body, for mail sent as HTML only: tags stripped, entities decoded, paragraphs and line
/// breaks kept, `script`, `style` and `head` content dropped, runs of white space collapsed as a browser would.
enum HTMLText {
    /// Elements whose content is never text a person reads.
    private static let hidden: Set<String> = ["script", "style", "head", "title", "template", "noscript"]
    /// Elements that start and end a paragraph.
    private static let paragraphs: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "section",
        "article", "header", "footer", "hr", "form", "dl", "address", "center",
    ]
    /// Elements that start a new line.
    private static let lines: Set<String> = ["br", "tr", "li", "dt", "dd"]

    static func text(_ html: String) -> String {
        var output = ""
        var pendingSpace = false
        var pendingBreaks = 0
        var scalars = Array(html.unicodeScalars)[...]
        func emit(_ text: String) {
            for scalar in text.unicodeScalars {
                if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" {
                    pendingSpace = true
                    continue
                }
                if pendingBreaks > 0 && !output.isEmpty {
                    output += String(repeating: "\n", count: pendingBreaks)
                } else if pendingSpace && !output.isEmpty && !output.hasSuffix("\n") {
                    output += " "
                }
                pendingBreaks = 0
                pendingSpace = false
                output.unicodeScalars.append(scalar == "\u{A0}" ? " " : scalar)
            }
        }
        func breakLine(_ count: Int) {
            pendingBreaks = max(pendingBreaks, count)
            pendingSpace = false
        }
        var textRun = ""
        while let scalar = scalars.first {
            if scalar == "<" {
                emit(decodeEntities(textRun))
                textRun = ""
                if scalars.starts(with: "<!--".unicodeScalars) {
                    scalars = skip(scalars, past: "-->")
                    continue
                }
                let opener = scalars.dropFirst().first
                let startsTag =
                    opener.map { $0 == "/" || $0 == "!" || $0 == "?" || $0.properties.isAlphabetic } ?? false
                guard startsTag, let close = scalars.firstIndex(of: ">") else {
                    scalars = scalars.dropFirst()
                    textRun += "<"
                    continue
                }
                let tag = scalars[scalars.index(after: scalars.startIndex)..<close]
                scalars = scalars[scalars.index(after: close)...]
                let isEnd = tag.first == "/"
                let name = String(
                    String.UnicodeScalarView(
                        tag.drop { $0 == "/" }.prefix { $0.properties.isAlphabetic || (0x30...0x39).contains($0.value) }
                    )
                ).lowercased()
                if !isEnd && hidden.contains(name) && tag.last != "/" {
                    scalars = skip(scalars, past: "</" + name)
                    if let end = scalars.firstIndex(of: ">") { scalars = scalars[scalars.index(after: end)...] }
                    continue
                }
                if paragraphs.contains(name) {
                    breakLine(2)
                } else if lines.contains(name) {
                    if name == "br" || !isEnd { breakLine(1) }
                    if name == "li" && !isEnd {
                        emit("•")
                        pendingSpace = true
                    }
                } else if name == "td" || name == "th" {
                    pendingSpace = true
                }
                continue
            }
            textRun.unicodeScalars.append(scalar)
            scalars = scalars.dropFirst()
        }
        emit(decodeEntities(textRun))
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }

    /// What follows `marker` (ASCII, matched ignoring case), or nothing when it never comes.
    private static func skip(_ scalars: ArraySlice<Unicode.Scalar>, past marker: String) -> ArraySlice<Unicode.Scalar> {
        let needle = Array(marker.lowercased().unicodeScalars)
        var index = scalars.startIndex
        while index + needle.count <= scalars.endIndex {
            var matches = true
            for offset in 0..<needle.count {
                let scalar = scalars[index + offset]
                let lower = (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
                if lower != needle[offset] {
                    matches = false
                    break
                }
            }
            if matches { return scalars[(index + needle.count)...] }
            index += 1
        }
        return scalars[scalars.endIndex...]
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "pound": "£", "euro": "€",
        "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘",
        "rsquo": "’", "ldquo": "“", "rdquo": "”", "bull": "•", "middot": "·", "deg": "°", "times": "×",
        "shy": "", "zwnj": "", "zwj": "", "laquo": "«", "raquo": "»", "sect": "§", "para": "¶",
        "aacute": "á", "eacute": "é", "iacute": "í", "oacute": "ó", "uacute": "ú", "yacute": "ý",
        "Aacute": "Á", "Eacute": "É", "Iacute": "Í", "Oacute": "Ó", "Uacute": "Ú", "Yacute": "Ý",
        "acirc": "â", "ecirc": "ê", "icirc": "î", "ocirc": "ô", "ucirc": "û", "wcirc": "ŵ", "ycirc": "ŷ",
        "Acirc": "Â", "Ecirc": "Ê", "Icirc": "Î", "Ocirc": "Ô", "Ucirc": "Û", "Wcirc": "Ŵ", "Ycirc": "Ŷ",
        "auml": "ä", "euml": "ë", "iuml": "ï", "ouml": "ö", "uuml": "ü", "yuml": "ÿ",
        "Auml": "Ä", "Euml": "Ë", "Iuml": "Ï", "Ouml": "Ö", "Uuml": "Ü",
        "agrave": "à", "egrave": "è", "igrave": "ì", "ograve": "ò", "ugrave": "ù",
        "ccedil": "ç", "ntilde": "ñ", "szlig": "ß", "oslash": "ø", "aring": "å", "aelig": "æ",
    ]

    /// `&name;`, `&#123;` and `&#x1F;` decoded; an unknown or broken reference is kept as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semicolon = after.prefix(12).firstIndex(of: ";") else {
                output += "&"
                rest = after
                continue
            }
            let name = after[..<semicolon]
            var replacement: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Self.character)
            } else if name.hasPrefix("#") {
                replacement = UInt32(name.dropFirst()).flatMap(Self.character)
            } else {
                replacement = named[String(name)]
            }
            if let replacement {
                output += replacement
                rest = after[after.index(after: semicolon)...]
            } else {
                output += "&"
                rest = after
            }
        }
        output += rest
        return output
    }

    private static func character(_ value: UInt32) -> String? {
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(Character(scalar))
    }
}
