import Foundation

/// The front matter of a letter template: subject line, officer inputs and whether it is sent
/// automatically.
///
/// ```
/// ---
/// subject: Your complaint {{case.reference}}
/// inputs: reason, newDate
/// optional-inputs: apology
/// automatic: false
/// ---
/// ```
package struct LetterTemplateInfo: Sendable, Hashable {
    /// The kind of letter.
    package let kind: LetterKind
    /// The language of the template.
    package let language: LetterLanguage
    /// The subject line as written in the template (a Mustache template itself).
    package let subjectTemplate: String
    /// Officer inputs the letter requires, as `inputs.<name>` names without the prefix.
    package let requiredInputs: [String]
    /// Officer inputs the letter uses when given.
    package let optionalInputs: [String]
    /// Whether the letter is sent by pals itself (no officer involved).
    package let isAutomatic: Bool
    /// A one-line description of the letter, if the template gives one.
    package let summary: String?

    /// The letter's inputs in one line, e.g. `Its inputs: reason, newDate (required); apology (optional).`
    package var inputsLine: String {
        var parts: [String] = []
        if !requiredInputs.isEmpty { parts.append("\(requiredInputs.joined(separator: ", ")) (required)") }
        if !optionalInputs.isEmpty { parts.append("\(optionalInputs.joined(separator: ", ")) (optional)") }
        if parts.isEmpty { return "The \(kind.rawValue) letter takes no inputs." }
        return "The \(kind.rawValue) letter's inputs: \(parts.joined(separator: "; "))."
    }
}

/// A field named by a tag, split once when the template is parsed: `case.reference`, `.` (the item a
/// section is on) or `.name` (looked up in that item only).
struct FieldName: Sendable, Hashable {
    /// The name as written in the tag.
    let text: String
    /// The dot-separated parts of the name; empty for `.`.
    let components: [String]
    /// `.`: the innermost value itself.
    let isCurrent: Bool
    /// A leading dot: the first part is looked up in the innermost value only, not in the values around it.
    let isAnchored: Bool

    init(_ text: String) {
        self.text = text
        components = text.split(separator: ".").map(String.init)
        isCurrent = text == "."
        isAnchored = text.hasPrefix(".")
    }
}

/// A node of a parsed template, with its line in the file: what the renderer prints and what the linter,
/// the field usage and the nesting check walk. Each template and partial is parsed into these once, when
/// the library loads.
indirect enum TemplateNode: Sendable {
    /// Template text printed as it stands. It never holds a line break: `endsLine` says one follows it.
    case text(String, endsLine: Bool)
    /// `{{name}}`, `{{{name}}}` or `{{& name}}`: a merge value printed as text (escaping is the renderers' job).
    case variable(FieldName, line: Int)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when inverted.
    case section(FieldName, line: Int, inverted: Bool, children: [TemplateNode])
    /// `{{> name}}`: a partial, resolved by name when the letter is merged.
    case partial(name: String, line: Int)
}

/// Parsed front matter, before it is tied to a kind.
struct FrontMatter: Sendable {
    var subject: String?
    var subjectLine: Int = 0
    var inputs: [String] = []
    var optionalInputs: [String] = []
    var automatic = false
    var summary: String?
    var present = false
}

/// One template file: its front matter, body and the parsed nodes of both.
struct TemplateFile: Sendable {
    /// Path relative to the templates folder, e.g. `en/holding.mustache`.
    let path: String
    let frontMatter: FrontMatter
    let body: String
    /// Line number (1-based) of the body's first line in the file.
    let bodyFirstLine: Int
    let nodes: [TemplateNode]
    let subjectNodes: [TemplateNode]
    /// Lines of the body with their line numbers, for the linter's markup checks.
    var bodyLines: [(number: Int, text: String)] {
        body.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            (bodyFirstLine + $0.offset, String($0.element))
        }
    }

    /// A file the library refused to read (see ``TemplateSet/maximumFileBytes``): known by its path, so
    /// that the letter or partial is not also reported missing, with nothing in it.
    static func refused(path: String) -> TemplateFile {
        var matter = FrontMatter()
        matter.subject = ""
        matter.present = true
        return TemplateFile(
            path: path, frontMatter: matter, body: "", bodyFirstLine: 1, nodes: [], subjectNodes: [])
    }

    /// Reads and parses a file's text; syntax and front-matter problems are appended to `problems`.
    static func parse(path: String, text rawText: String, problems: inout [LetterProblem]) -> TemplateFile {
        let text = rawText.replacingOccurrences(of: "\r\n", with: "\n")
        var frontMatter = FrontMatter()
        var body = text
        var bodyFirstLine = 1
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first.map({ $0.trimmingCharacters(in: .whitespaces) == "---" }) == true {
            if let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) {
                frontMatter.present = true
                for index in 1..<end {
                    parseFrontMatterLine(
                        String(lines[index]), number: index + 1, path: path, into: &frontMatter, problems: &problems)
                }
                body = lines[(end + 1)...].joined(separator: "\n")
                bodyFirstLine = end + 2
            } else {
                problems.append(
                    .init(
                        code: .frontMatter, template: path, line: 1, name: nil,
                        detail: "front matter opened with --- is never closed"))
            }
        }
        let nodes = TagScanner.scan(body, firstLine: bodyFirstLine, path: path, problems: &problems)
        var subjectNodes: [TemplateNode] = []
        if let subject = frontMatter.subject {
            subjectNodes = TagScanner.scan(subject, firstLine: frontMatter.subjectLine, path: path, problems: &problems)
        }
        return TemplateFile(
            path: path, frontMatter: frontMatter, body: body, bodyFirstLine: bodyFirstLine, nodes: nodes,
            subjectNodes: subjectNodes)
    }

    private static func parseFrontMatterLine(
        _ line: String, number: Int, path: String, into matter: inout FrontMatter, problems: inout [LetterProblem]
    ) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
        guard let colon = trimmed.firstIndex(of: ":") else {
            problems.append(
                .init(code: .frontMatter, template: path, line: number, name: nil, detail: "expected `key: value`"))
            return
        }
        let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        func names(_ text: String) -> [String] {
            let inner = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
            return inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map { $0.hasPrefix("inputs.") ? String($0.dropFirst("inputs.".count)) : $0 }
        }
        switch key {
        case "subject":
            matter.subject = value
            matter.subjectLine = number
        case "inputs": matter.inputs = names(value)
        case "optional-inputs": matter.optionalInputs = names(value)
        case "description": matter.summary = value
        case "automatic":
            switch value.lowercased() {
            case "true", "yes": matter.automatic = true
            case "false", "no": matter.automatic = false
            default:
                problems.append(
                    .init(
                        code: .frontMatter, template: path, line: number, name: "automatic",
                        detail: "expected true or false"))
            }
        default:
            problems.append(
                .init(
                    code: .frontMatter, template: path, line: number, name: key,
                    detail: "unknown key; expected subject, inputs, optional-inputs, automatic or description"))
        }
    }
}

/// Parses Mustache text into ``TemplateNode``s with line numbers, reporting every fault it finds. Only the
/// subset of Mustache that letters need is accepted: variables, sections, inverted sections, partials and
/// comments.
///
/// Whitespace follows the rules the shipped letters (and their golden files) were written against, those of
/// swift-mustache 2.1: a section, inverted section, closing, comment or partial tag that stands alone on its
/// line ("standalone": only spaces or tabs around it, and the line started fresh) removes that line, line
/// break included; so does a tag that ends a line right after a line that was removed (`{{/a}}{{^a}}` after
/// a standalone `{{#a}}`). Indentation is kept as text; a partial's later lines are not re-indented, which
/// cannot show in a letter because the markup reader trims every line.
enum TagScanner {
    private struct Frame {
        var name: String
        var line: Int
        var inverted: Bool
        /// Whether the opening tag stood alone on its line (the line after the section's end starts fresh then).
        var standalone: Bool
        var children: [TemplateNode] = []
    }

    static func scan(_ text: String, firstLine: Int, path: String, problems: inout [LetterProblem]) -> [TemplateNode] {
        let bytes = Array(text.utf8)
        var index = 0
        var line = firstLine
        // Open sections, innermost last; the first frame holds the template's top level.
        var stack = [Frame(name: "", line: firstLine, inverted: false, standalone: false)]
        // Sections opened beyond the nesting limit: counted (so their closing tags match) but not nested, so a
        // hostile template cannot make the tree, or the walks over it, deeper than the limit.
        var overflow = 0
        // Whether the scan is at the start of a line, so that a tag there may stand alone.
        var atLineStart = true
        // The spaces and tabs that started the current line, not yet printed (a standalone tag drops them).
        var indent = 0..<0
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        let newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")

        func report(_ code: LetterError.Code, _ line: Int, _ name: String?, _ detail: String) {
            problems.append(.init(code: code, template: path, line: line, name: name.map(shown), detail: detail))
        }
        // Template text of the current line not yet made a node: pieces between comments and standalone tags
        // are gathered here and joined once, so a long line of many tags costs time in step with its length.
        var pendingText: [UInt8] = []
        /// Makes the gathered text a node of the innermost open section (always, when a line break ends it).
        func flushText(endsLine: Bool) {
            if !pendingText.isEmpty || endsLine {
                stack[stack.count - 1].children.append(
                    .text(String(decoding: pendingText, as: UTF8.self), endsLine: endsLine))
                pendingText.removeAll(keepingCapacity: true)
            }
        }
        func append(_ node: TemplateNode) {
            flushText(endsLine: false)
            stack[stack.count - 1].children.append(node)
        }
        /// Adds template text, joined to the text before it when no line break came between.
        func appendText(_ pieces: Range<Int>..., endsLine: Bool) {
            for piece in pieces where !piece.isEmpty { pendingText.append(contentsOf: bytes[piece]) }
            if endsLine { flushText(endsLine: true) }
        }
        /// Prints the pending indentation before a tag that does not stand alone.
        func printIndent() {
            if !indent.isEmpty { appendText(indent, endsLine: false) }
            indent = 0..<0
        }
        /// Whether the tag just read stands alone on its line; if so, the rest of the line is skipped.
        func standsAlone() -> Bool {
            guard atLineStart else { return false }
            guard index < bytes.count else { return true }
            var probe = index
            while probe < bytes.count, bytes[probe] == space || bytes[probe] == tab { probe += 1 }
            guard let width = lineBreakWidth(bytes, at: probe) else { return false }
            if bytes[probe] == newline { line += 1 }
            index = probe + width
            return true
        }

        while index < bytes.count {
            if atLineStart {
                let start = index
                while index < bytes.count, bytes[index] == space || bytes[index] == tab { index += 1 }
                indent = start..<index
            }
            let textStart = index
            while index < bytes.count, bytes[index] != newline,
                !(bytes[index] == open && index + 1 < bytes.count && bytes[index + 1] == open)
            {
                index += 1
            }
            if index < bytes.count, bytes[index] == newline {
                appendText(indent, textStart..<index, endsLine: true)
                indent = 0..<0
                atLineStart = true
                index += 1
                line += 1
                continue
            }
            if index > textStart {
                appendText(indent, textStart..<index, endsLine: false)
                indent = 0..<0
                atLineStart = false
            }
            guard index < bytes.count else { break }

            let tagLine = line
            var start = index + 2
            var triple = false
            if start < bytes.count, bytes[start] == open {
                triple = true
                start += 1
            }
            // Find the closing braces.
            var end = start
            while end + 1 < bytes.count, !(bytes[end] == close && bytes[end + 1] == close) { end += 1 }
            guard end + 1 < bytes.count else {
                report(.templateSyntax, tagLine, nil, "a tag opened with {{ is never closed")
                break
            }
            var content = String(decoding: bytes[start..<end], as: UTF8.self)
            line += content.utf8.filter { $0 == newline }.count
            index = end + 2
            if triple {
                if index < bytes.count, bytes[index] == close {
                    index += 1
                } else {
                    report(.templateSyntax, tagLine, nil, "a tag opened with {{{ must close with }}}")
                }
            }
            content = content.trimmingCharacters(in: .whitespacesAndNewlines)
            // `{{{name}}}` holds a field name and nothing else.
            let sigil = triple ? nil : content.first
            func name(dropping count: Int) -> String {
                String(content.dropFirst(count)).trimmingCharacters(in: .whitespaces)
            }
            func validName(_ name: String) -> Bool {
                !name.isEmpty
                    && (name == "."
                        || name.allSatisfy {
                            $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-")
                        })
                    && !name.contains("..")
            }
            switch sigil {
            case "!":
                atLineStart = standsAlone()
            case "#", "^":
                let n = name(dropping: 1)
                guard validName(n) else {
                    report(.templateSyntax, tagLine, n, "invalid section name")
                    continue
                }
                guard stack.count <= LetterLibrary.maximumNesting else {
                    if overflow == 0 {
                        report(
                            .nestedTooDeep, tagLine, n,
                            "sections are nested more than \(LetterLibrary.maximumNesting) deep; letters allow at most \(LetterLibrary.maximumNesting)"
                        )
                    }
                    overflow += 1
                    continue
                }
                let alone = standsAlone()
                if !alone { printIndent() }
                flushText(endsLine: false)
                stack.append(Frame(name: n, line: tagLine, inverted: sigil == "^", standalone: alone))
                atLineStart = alone
            case "/":
                let n = name(dropping: 1)
                if overflow > 0 {
                    overflow -= 1
                    continue
                }
                guard stack.count > 1 else {
                    report(.templateSyntax, tagLine, n, "closes a section that was never opened")
                    continue
                }
                if !standsAlone() { printIndent() }
                flushText(endsLine: false)
                let section = stack.removeLast()
                if section.name != n {
                    report(
                        .templateSyntax, tagLine, n,
                        "closes \(shown(n)) but the open section is \(section.name) (line \(section.line))")
                }
                append(
                    .section(
                        FieldName(section.name), line: section.line, inverted: section.inverted,
                        children: section.children))
                indent = 0..<0
                atLineStart = section.standalone
            case ">":
                let n = name(dropping: 1)
                if n.hasPrefix("*") {
                    report(.unsupportedTag, tagLine, n, "dynamic partials are not allowed")
                    continue
                }
                guard validName(n) || n.contains("/") else {
                    report(.templateSyntax, tagLine, n, "invalid partial name")
                    continue
                }
                printIndent()
                atLineStart = standsAlone()
                append(.partial(name: n, line: tagLine))
            case "=", "<", "$", "%":
                report(
                    .unsupportedTag, tagLine, nil,
                    "{{\(sigil!)…}} (delimiters, inheritance or pragmas) is not allowed in letters")
            case "&":
                let n = name(dropping: 1)
                guard validName(n) else {
                    report(.templateSyntax, tagLine, n, "invalid field name")
                    continue
                }
                printIndent()
                append(.variable(FieldName(n), line: tagLine))
                atLineStart = false
            default:
                let n = content
                if n.contains("(") {
                    report(.unsupportedTag, tagLine, n, "transforms are not allowed in letters")
                    continue
                }
                guard validName(n) else {
                    report(.templateSyntax, tagLine, n, "invalid field name")
                    continue
                }
                printIndent()
                append(.variable(FieldName(n), line: tagLine))
                atLineStart = false
            }
        }
        flushText(endsLine: false)
        while stack.count > 1 {
            let section = stack.removeLast()
            report(.templateSyntax, section.line, section.name, "section \(section.name) is never closed")
            append(
                .section(
                    FieldName(section.name), line: section.line, inverted: section.inverted,
                    children: section.children))
        }
        return stack[0].children
    }

    /// The longest name a problem repeats from a tag; a longer one is cut short with an ellipsis.
    static let longestShownName = 64

    /// A name from a tag as a problem may show it: control and invisible format characters written as
    /// `\u{1B}` (so a hostile template cannot move the terminal's cursor or hide text when the problem is
    /// printed), and cut to ``longestShownName`` characters.
    static func shown(_ name: String) -> String {
        var result = ""
        var count = 0
        for scalar in name.unicodeScalars {
            guard count < longestShownName else { return result + "…" }
            count += 1
            let props = scalar.properties
            if props.generalCategory == .control || props.generalCategory == .format
                || props.generalCategory == .lineSeparator || props.generalCategory == .paragraphSeparator
            {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The width in bytes of the line break at `index` (LF, CR, VT, FF, NEL, LS or PS), if one starts there.
    private static func lineBreakWidth(_ bytes: [UInt8], at index: Int) -> Int? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x0A, 0x0B, 0x0C, 0x0D: return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85: return 2
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] & 0xFE) == 0xA8:
            return 3
        default: return nil
        }
    }

    /// Every partial name referenced by these nodes, with its line.
    static func partials(in nodes: [TemplateNode]) -> [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        func walk(_ nodes: [TemplateNode]) {
            for node in nodes {
                switch node {
                case .partial(let name, let line): found.append((name, line))
                case .section(_, _, _, let children): walk(children)
                case .variable, .text: break
                }
            }
        }
        walk(nodes)
        return found
    }
}
