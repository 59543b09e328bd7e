import Foundation

/// A merged letter as a small document: letterhead, recipient's address, date, reference,
/// salutation, body blocks, closing and signature. Renderers turn it into text, HTML or PDF.
///
/// Every string is plain text (no markup, no escaping): renderers escape for their format.
package struct LetterDocument: Sendable, Hashable {
    /// A block of the letter's body.
    package enum Block: Sendable, Hashable {
        /// A heading (`# Heading` in a template).
        case heading(String)
        /// A paragraph (lines separated by a blank line in a template).
        case paragraph(String)
        /// A bulleted list (`- item` lines in a template).
        case list([String])
        /// Lines kept as lines, such as a postal address (`@lines` in a template).
        case lines([String])
    }

    /// The language the letter is written in (page labels and the HTML `lang` follow it).
    package var language: LetterLanguage
    /// The title of the document: the letter's subject line.
    package var title: String
    /// The sender's letterhead lines; the first is the organisation's name.
    package var letterhead: [String]
    /// The recipient's postal address lines (placed in the envelope window on paper).
    package var address: [String]
    /// The date of the letter, already formatted.
    package var date: String?
    /// The reference line, e.g. "Our reference: PALS-2026-0042".
    package var reference: String?
    /// The salutation, e.g. "Dear Ms Jones,".
    package var salutation: String?
    /// The body.
    package var blocks: [Block]
    /// The closing, e.g. "Yours sincerely,".
    package var closing: String?
    /// The signature lines: name, role.
    package var signature: [String]

    /// Makes a document.
    package init(
        language: LetterLanguage, title: String, letterhead: [String] = [], address: [String] = [], date: String? = nil,
        reference: String? = nil, salutation: String? = nil, blocks: [Block] = [], closing: String? = nil,
        signature: [String] = []
    ) {
        self.language = language
        self.title = title
        self.letterhead = letterhead
        self.address = address
        self.date = date
        self.reference = reference
        self.salutation = salutation
        self.blocks = blocks
        self.closing = closing
        self.signature = signature
    }
}

/// The markup of letter templates, decided on the template's own text before any value is put in:
/// - `@letterhead`, `@address`, `@signature` on a line of their own start a block of lines ending at a blank line,
///   and so does `@lines` for lines inside the body (an address);
/// - `@date …`, `@reference …`, `@salutation …`, `@closing …` set one line each;
/// - `# …` is a heading, `- …` a list item (a following line continues the item);
/// - any other lines form paragraphs separated by blank lines.
///
/// ``MarkupReader`` reads it. Values go in cleaned to one line of text, with control characters turned into
/// spaces: a value can never be markup.
enum LetterMarkup {
    static let blockDirectives: Set<String> = ["@letterhead", "@address", "@signature", "@lines"]
    static let lineDirectives: Set<String> = ["@date", "@reference", "@salutation", "@closing"]

    /// Splits text at an ASCII byte (a newline, a space), scanning bytes rather than Characters.
    static func split(_ text: Substring, at separator: UInt8, omittingEmpty: Bool) -> [Substring] {
        var parts: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            if utf8[index] == separator {
                if !omittingEmpty || start < index { parts.append(text[start..<index]) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if !omittingEmpty || start < utf8.endIndex { parts.append(text[start..<utf8.endIndex]) }
        return parts
    }

    /// Spaces, tabs and carriage returns trimmed from both ends.
    static func trim(_ text: Substring) -> String {
        let utf8 = text.utf8
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isBlank($0) }), let last = utf8.lastIndex(where: { !isBlank($0) })
        else {
            return ""
        }
        return String(text[first..<utf8.index(after: last)])
    }

    /// A value as it may appear in a letter: one line, no control characters, and none of the private-use marks
    /// U+E000 and U+E001 (which once stood for values in merged text, and stay refused).
    static func cleanValue(_ value: String) -> String {
        // Fast path: printable ASCII with single inner spaces is already clean.
        var clean = true
        var previous: UInt8 = 0x20
        for byte in value.utf8 {
            if byte < 0x20 || byte > 0x7E || (byte == 0x20 && previous == 0x20) {
                clean = false
                break
            }
            previous = byte
        }
        if clean, previous != 0x20 { return value }

        var result = ""
        result.reserveCapacity(value.utf8.count)
        var lastWasSpace = true
        for scalar in value.unicodeScalars {
            let isSpace =
                scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar == "\u{E000}" || scalar == "\u{E001}" || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isSpace {
                if !lastWasSpace { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        if result.hasSuffix(" ") { result.removeLast() }
        return result
    }
}

/// Reads a letter into a ``LetterDocument`` line by line as the renderer produces it (see ``LetterMarkup``),
/// so the merged letter is never written out as text and parsed again.
///
/// Only the template text before a line's first value can make the line markup: a value stands in the line
/// as one opaque piece, as if it were a single letter, and goes in cleaned by ``LetterMarkup/cleanValue(_:)``.
struct MarkupReader: RenderSink {
    private enum Open {
        case none
        case paragraph([String])
        case list([String])
        case block(String, [String])
    }

    private var document: LetterDocument
    private var open = Open.none
    /// The line being rendered, values already cleaned and in place.
    private var line = ""
    /// Where the line's first value starts, as a UTF-8 offset; nil when the line has none.
    private var firstValue: Int?

    init(language: LetterLanguage, title: String) {
        document = LetterDocument(language: language, title: title)
        line.reserveCapacity(256)
    }

    mutating func text(_ text: String) { line += text }

    mutating func value(_ text: String) {
        if firstValue == nil { firstValue = line.utf8.count }
        line += LetterMarkup.cleanValue(text)
    }

    mutating func endLine() {
        read()
        line.removeAll(keepingCapacity: true)
        firstValue = nil
    }

    /// The document, once the whole letter is rendered.
    mutating func finish() -> LetterDocument {
        endLine()
        flush()
        return document
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// Reads the finished line.
    private mutating func read() {
        let utf8 = line.utf8
        let first = utf8.firstIndex { !Self.isBlank($0) }
        // A line is blank when it has no value and no text; a value that cleaned to nothing still counts.
        if first == nil, firstValue == nil { return flush() }
        if case .block(let name, var lines) = open {
            open = .none  // so the lines are appended in place, not copied
            lines.append(first.map { LetterMarkup.trim(line[$0...]) } ?? "")
            open = .block(name, lines)
            return
        }
        guard let start = first else { return add(text: "") }
        // The template text that opens the line, up to its first value or its trailing blanks.
        let literalEnd: String.Index
        if let firstValue {
            literalEnd = utf8.index(utf8.startIndex, offsetBy: firstValue)
        } else {
            literalEnd = utf8.index(after: utf8.lastIndex(where: { !Self.isBlank($0) })!)
        }
        let literal = start < literalEnd ? line[start..<literalEnd] : line[start..<start]
        if literal.first == "@" {
            if firstValue == nil, LetterMarkup.blockDirectives.contains(String(literal)) {
                flush()
                open = .block(String(literal), [])
                return
            }
            if let space = literal.firstIndex(of: " "), LetterMarkup.lineDirectives.contains(String(literal[..<space]))
            {
                flush()
                let value = LetterMarkup.trim(line[line.index(after: space)...])
                switch literal[..<space] {
                case "@date": document.date = value
                case "@reference": document.reference = value
                case "@salutation": document.salutation = value
                default: document.closing = value
                }
                return
            }
        }
        if literal.hasPrefix("# ") {
            flush()
            let heading = LetterMarkup.trim(line[utf8.index(start, offsetBy: 2)...])
            if !heading.isEmpty { document.blocks.append(.heading(heading)) }
            return
        }
        if literal.hasPrefix("- ") {
            let item = LetterMarkup.trim(line[utf8.index(start, offsetBy: 2)...])
            if case .list(var items) = open {
                open = .none  // so the items are appended in place, not copied
                items.append(item)
                open = .list(items)
            } else {
                flush()
                open = .list([item])
            }
            return
        }
        add(text: LetterMarkup.trim(line[start...]))
    }

    /// Adds a line of running text: it continues a list item or a paragraph, or starts a paragraph.
    private mutating func add(text: String) {
        switch open {
        case .list(var items):
            open = .none  // so the item is extended in place, not copied
            items[items.count - 1] += (items[items.count - 1].isEmpty ? "" : " ") + text
            open = .list(items)
        case .paragraph(var lines):
            open = .none  // so the lines are appended in place, not copied
            lines.append(text)
            open = .paragraph(lines)
        default:
            open = .paragraph([text])
        }
    }

    private mutating func flush() {
        switch open {
        case .none: break
        case .paragraph(let lines):
            let joined = lines.joined(separator: " ")
            if !joined.isEmpty { document.blocks.append(.paragraph(joined)) }
        case .list(let items):
            let items = items.filter { !$0.isEmpty }
            if !items.isEmpty { document.blocks.append(.list(items)) }
        case .block(let name, let lines):
            let lines = lines.filter { !$0.isEmpty }
            switch name {
            case "@letterhead": document.letterhead += lines
            case "@address": document.address += lines
            case "@lines": if !lines.isEmpty { document.blocks.append(.lines(lines)) }
            default: document.signature += lines
            }
        }
        open = .none
    }
}
