import Foundation

/// Renders a ``LetterDocument`` as plain text wrapped at a given width (72 columns for email).
package struct TextRenderer: Sendable {
    /// The column at which lines are wrapped; a word longer than this (a web address) stays whole.
    package var width: Int

    /// Makes a renderer that wraps at `width` columns.
    package init(width: Int = 72) { self.width = max(20, width) }

    /// The document as text, ending with a newline.
    package func render(_ document: LetterDocument) -> String {
        var sections: [[String]] = []
        if !document.letterhead.isEmpty { sections.append(document.letterhead.flatMap { wrap($0) }) }
        if !document.address.isEmpty { sections.append(document.address.flatMap { wrap($0) }) }
        let dateAndReference = [document.date, document.reference].compactMap { $0 }.flatMap { wrap($0) }
        if !dateAndReference.isEmpty { sections.append(dateAndReference) }
        if let salutation = document.salutation { sections.append(wrap(salutation)) }
        for block in document.blocks {
            switch block {
            case .heading(let heading):
                let lines = wrap(heading)
                let underline = String(repeating: "-", count: min(width, lines.map(\.count).max() ?? 0))
                sections.append(lines + [underline])
            case .paragraph(let text): sections.append(wrap(text))
            case .lines(let lines): sections.append(lines.flatMap { wrap($0) })
            case .list(let items):
                sections.append(items.flatMap { wrap($0, first: "- ", rest: "  ") })
            }
        }
        if let closing = document.closing { sections.append(wrap(closing)) }
        if !document.signature.isEmpty { sections.append(document.signature.flatMap { wrap($0) }) }
        return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    /// Greedy word wrap by characters (grapheme clusters), with prefixes for the first and later lines.
    func wrap(_ text: String, first: String = "", rest: String = "") -> [String] {
        var lines: [String] = []
        var current = first
        var length = first.count
        var currentIsEmpty = true
        let restLength = rest.count
        for word in LetterMarkup.split(text[...], at: 0x20, omittingEmpty: true) {
            let wordLength = word.utf8.allSatisfy({ $0 < 0x80 }) ? word.utf8.count : word.count
            if currentIsEmpty {
                current += word
                length += wordLength
                currentIsEmpty = false
            } else if length + 1 + wordLength <= width {
                current += " "
                current += word
                length += 1 + wordLength
            } else {
                lines.append(current)
                current = rest + word
                length = restLength + wordLength
            }
        }
        if !currentIsEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
