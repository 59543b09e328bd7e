import Foundation
import Mustache

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
public struct LetterTemplateInfo: Sendable, Hashable {
    /// The kind of letter.
    public let kind: LetterKind
    /// The language of the template.
    public let language: LetterLanguage
    /// The subject line as written in the template (a Mustache template itself).
    public let subjectTemplate: String
    /// Officer inputs the letter requires, as `inputs.<name>` names without the prefix.
    public let requiredInputs: [String]
    /// Officer inputs the letter uses when given.
    public let optionalInputs: [String]
    /// Whether the letter is sent by pals itself (no officer involved).
    public let isAutomatic: Bool
    /// A one-line description of the letter, if the template gives one.
    public let summary: String?

    /// The letter's inputs in one line, e.g. `Its inputs: reason, newDate (required); apology (optional).`
    public var inputsLine: String {
        var parts: [String] = []
        if !requiredInputs.isEmpty { parts.append("\(requiredInputs.joined(separator: ", ")) (required)") }
        if !optionalInputs.isEmpty { parts.append("\(optionalInputs.joined(separator: ", ")) (optional)") }
        if parts.isEmpty { return "The \(kind.rawValue) letter takes no inputs." }
        return "The \(kind.rawValue) letter's inputs: \(parts.joined(separator: "; ")). Give each with --set NAME=VALUE."
    }
}

/// A node of a template as the strict merge and the linter see it, with its line in the file.
indirect enum TemplateNode: Sendable {
    case variable(name: String, line: Int)
    case section(name: String, line: Int, inverted: Bool, children: [TemplateNode])
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

/// One template file: its front matter, body, the nodes of both and the compiled Mustache template.
struct TemplateFile: Sendable {
    /// Path relative to the templates folder, e.g. `en/holding.mustache`.
    let path: String
    let frontMatter: FrontMatter
    let body: String
    /// Line number (1-based) of the body's first line in the file.
    let bodyFirstLine: Int
    let nodes: [TemplateNode]
    let subjectNodes: [TemplateNode]
    let compiled: MustacheTemplate?
    let compiledSubject: MustacheTemplate?
    /// Lines of the body with their line numbers, for the linter's markup checks.
    var bodyLines: [(number: Int, text: String)] {
        body.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            (bodyFirstLine + $0.offset, String($0.element))
        }
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
        var compiledSubject: MustacheTemplate?
        if let subject = frontMatter.subject {
            subjectNodes = TagScanner.scan(subject, firstLine: frontMatter.subjectLine, path: path, problems: &problems)
            compiledSubject = compile(subject, path: path, firstLine: frontMatter.subjectLine, problems: &problems)
        }
        // swift-mustache parses and renders nested sections recursively: never hand it a template too deep.
        let tooDeep = problems.contains { $0.template == path && $0.code == .nestedTooDeep }
        let compiled = tooDeep ? nil : compile(body, path: path, firstLine: bodyFirstLine, problems: &problems)
        return TemplateFile(
            path: path, frontMatter: frontMatter, body: body, bodyFirstLine: bodyFirstLine, nodes: nodes,
            subjectNodes: subjectNodes, compiled: compiled, compiledSubject: compiledSubject
        )
    }

    private static func compile(_ text: String, path: String, firstLine: Int, problems: inout [LetterProblem])
        -> MustacheTemplate?
    {
        do {
            return try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            // Our own scanner usually reports the same fault first; add Mustache's only if it found one we did not.
            let line = firstLine + error.context.lineNumber - 1
            if !problems.contains(where: { $0.template == path && $0.code == .templateSyntax }) {
                problems.append(
                    .init(code: .templateSyntax, template: path, line: line, name: nil, detail: "\(error.error)"))
            }
        } catch {
            problems.append(
                .init(code: .templateSyntax, template: path, line: firstLine, name: nil, detail: "\(error)"))
        }
        return nil
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

/// Scans Mustache text into ``TemplateNode``s with line numbers. Only the subset of Mustache that letters
/// need is accepted: variables, sections, inverted sections, partials and comments.
enum TagScanner {
    static func scan(_ text: String, firstLine: Int, path: String, problems: inout [LetterProblem]) -> [TemplateNode] {
        let bytes = Array(text.utf8)
        var index = 0
        var line = firstLine
        // Stack of open sections: (name, line, inverted, children so far).
        var stack: [(name: String, line: Int, inverted: Bool, children: [TemplateNode])] = [("", firstLine, false, [])]
        // Sections opened beyond the nesting limit: counted (so their closing tags match) but not nested, so a
        // hostile template cannot make the tree, or the walks over it, deeper than the limit.
        var overflow = 0
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        let newline = UInt8(ascii: "\n")

        func report(_ code: LetterError.Code, _ line: Int, _ name: String?, _ detail: String) {
            problems.append(.init(code: code, template: path, line: line, name: name, detail: detail))
        }

        while index < bytes.count {
            if bytes[index] == newline {
                line += 1
                index += 1
                continue
            }
            guard bytes[index] == open, index + 1 < bytes.count, bytes[index + 1] == open else {
                index += 1
                continue
            }
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
            let sigil = content.first
            func name(dropping count: Int) -> String {
                String(content.dropFirst(count)).trimmingCharacters(in: .whitespaces)
            }
            func validName(_ name: String) -> Bool {
                !name.isEmpty
                    && (name == "."
                        || name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" })
                    && !name.contains("..")
            }
            switch sigil {
            case "!": continue
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
                stack.append((n, tagLine, sigil == "^", []))
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
                let section = stack.removeLast()
                if section.name != n {
                    report(
                        .templateSyntax, tagLine, n,
                        "closes \(n) but the open section is \(section.name) (line \(section.line))")
                }
                stack[stack.count - 1].children.append(
                    .section(
                        name: section.name, line: section.line, inverted: section.inverted, children: section.children))
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
                stack[stack.count - 1].children.append(.partial(name: n, line: tagLine))
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
                stack[stack.count - 1].children.append(.variable(name: n, line: tagLine))
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
                stack[stack.count - 1].children.append(.variable(name: n, line: tagLine))
            }
        }
        while stack.count > 1 {
            let section = stack.removeLast()
            report(.templateSyntax, section.line, section.name, "section \(section.name) is never closed")
            stack[stack.count - 1].children.append(
                .section(name: section.name, line: section.line, inverted: section.inverted, children: section.children)
            )
        }
        return stack[0].children
    }

    /// Every partial name referenced by these nodes, with its line.
    static func partials(in nodes: [TemplateNode]) -> [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        func walk(_ nodes: [TemplateNode]) {
            for node in nodes {
                switch node {
                case .partial(let name, let line): found.append((name, line))
                case .section(_, _, _, let children): walk(children)
                case .variable: break
                }
            }
        }
        walk(nodes)
        return found
    }
}
