import Foundation
import Mustache

/// Walks a template the way Mustache will render it against a context, and collects every field
/// that would be rendered while missing, empty or not text. Sections that would be skipped are skipped.
struct StrictChecker {
    let partials: [String: TemplateFile]
    private(set) var problems: [LetterProblem] = []
    private var seen = Set<LetterProblem>()

    init(partials: [String: TemplateFile]) { self.partials = partials }

    mutating func check(_ nodes: [TemplateNode], in template: String, root: MergeValue) {
        walk(nodes, template: template, stack: [root], depth: 0)
    }

    /// Mustache's name resolution: the first component is looked up from the innermost context outwards;
    /// the rest is resolved from there only.
    static func lookup(_ name: String, stack: [MergeValue]) -> MergeValue? {
        if name == "." { return stack.last }
        let components = name.split(separator: ".").map(String.init)
        guard let first = components.first else { return nil }
        if name.hasPrefix(".") {
            var value = stack.last
            for component in components { value = value?[component] }
            return value
        }
        for context in stack.reversed() {
            if let found = context[first] {
                var value: MergeValue? = found
                for component in components.dropFirst() { value = value?[component] }
                return value
            }
        }
        return nil
    }

    /// The line a node starts on.
    static func line(_ node: TemplateNode) -> Int {
        switch node {
        case .variable(_, let line), .section(_, let line, _, _), .partial(_, let line): line
        }
    }

    /// Whether a value counts as false for a section (`{{#x}}` skipped, `{{^x}}` rendered).
    static func isFalsy(_ value: MergeValue?) -> Bool {
        switch value {
        case .none: true
        case .bool(let flag): !flag
        case .list(let items): items.isEmpty
        case .string(let text): text.isEmpty
        case .object: false
        }
    }

    private mutating func add(
        _ code: LetterError.Code, _ template: String, _ line: Int, _ name: String, _ detail: String? = nil
    ) {
        let problem = LetterProblem(code: code, template: template, line: line, name: name, detail: detail)
        if seen.insert(problem).inserted { problems.append(problem) }
    }

    private mutating func walk(_ nodes: [TemplateNode], template: String, stack: [MergeValue], depth: Int) {
        // The library refuses deeper templates when it loads; should one get here, fail closed, never skip.
        guard depth <= LetterLibrary.maximumNesting else {
            add(
                .nestedTooDeep, template, nodes.first.map(Self.line) ?? 1, "",
                "nested more than \(LetterLibrary.maximumNesting) deep; nothing below was checked")
            return
        }
        for node in nodes {
            switch node {
            case .variable(let name, let line):
                switch Self.lookup(name, stack: stack) {
                case .none: add(.missingField, template, line, name)
                case .string(let text):
                    if text.allSatisfy({ $0.isWhitespace }) { add(.emptyField, template, line, name) }
                case .list(let items) where items.isEmpty: add(.emptyField, template, line, name)
                case .bool: add(.notText, template, line, name, "a flag; use it as a section {{#\(name)}}…{{/\(name)}}")
                case .list:
                    add(.notText, template, line, name, "a list; use it as a section {{#\(name)}}{{.}}{{/\(name)}}")
                case .object: add(.notText, template, line, name, "an object; name one of its fields")
                }
            case .section(let name, _, let inverted, let children):
                let value = Self.lookup(name, stack: stack)
                if inverted {
                    if Self.isFalsy(value) { walk(children, template: template, stack: stack, depth: depth + 1) }
                    continue
                }
                switch value {
                case .none, .bool(false): break
                case .bool(true): walk(children, template: template, stack: stack, depth: depth + 1)
                case .list(let items):
                    for item in items { walk(children, template: template, stack: stack + [item], depth: depth + 1) }
                case .string(let text):
                    if !text.isEmpty {
                        walk(children, template: template, stack: stack + [.string(text)], depth: depth + 1)
                    }
                case .object(let fields):
                    walk(children, template: template, stack: stack + [.object(fields)], depth: depth + 1)
                }
            case .partial(let name, _):
                // Unknown partials are refused when the library loads.
                if let partial = partials[name] {
                    walk(partial.nodes, template: partial.path, stack: stack, depth: depth + 1)
                }
            }
        }
    }
}

/// A text value as Mustache sees it during a merge: it renders as an opaque placeholder that the
/// markup reader later swaps for the text, so no value can ever become markup or be escaped twice.
struct ValuePlaceholder: MustacheCustomRenderable, MustacheParent {
    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"
    let index: Int
    let isNull: Bool
    var renderText: String { "\u{E000}\(index)\u{E001}" }
    func child(named: String) -> Any? { nil }
}

/// Turns a ``MergeValue`` tree into what swift-mustache renders, keeping the texts in a table.
final class ValueTable {
    private(set) var texts: [String] = []

    func convert(_ value: MergeValue) -> Any {
        switch value {
        case .string(let text):
            texts.append(text)
            return ValuePlaceholder(index: texts.count - 1, isNull: text.isEmpty)
        case .bool(let flag): return flag
        case .list(let items): return items.map { convert($0) } as [Any]
        case .object(let fields): return fields.mapValues { convert($0) } as [String: Any]
        }
    }

    /// Replaces placeholders in rendered text by the texts they stand for, passing each through `transform`.
    func resolve(_ text: Substring, transform: (String) -> String = { $0 }) -> String {
        // U+E000 and U+E001 are EE 80 80 and EE 80 81 in UTF-8; scan bytes, not Characters.
        let utf8 = text.utf8
        guard utf8.contains(0xEE) else { return String(text) }
        var result = ""
        var copyFrom = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            guard utf8[index] == 0xEE, let open = marker(utf8, at: index), open == 0x80 else {
                index = utf8.index(after: index)
                continue
            }
            var cursor = utf8.index(index, offsetBy: 3)
            var number = 0
            var digits = 0
            while cursor < utf8.endIndex, utf8[cursor] >= 0x30, utf8[cursor] <= 0x39, digits < 9 {
                number = number * 10 + Int(utf8[cursor] - 0x30)
                digits += 1
                cursor = utf8.index(after: cursor)
            }
            guard digits > 0, cursor < utf8.endIndex, marker(utf8, at: cursor) == 0x81, texts.indices.contains(number)
            else {
                index = utf8.index(after: index)
                continue
            }
            result += Substring(utf8[copyFrom..<index])
            result += transform(texts[number])
            index = utf8.index(cursor, offsetBy: 3)
            copyFrom = index
        }
        result += Substring(utf8[copyFrom..<utf8.endIndex])
        return result
    }

    /// The last byte of a U+E000/U+E001 marker starting at `index`, if one starts there.
    private func marker(_ utf8: Substring.UTF8View, at index: Substring.UTF8View.Index) -> UInt8? {
        guard utf8[index] == 0xEE else { return nil }
        let second = utf8.index(after: index)
        guard second < utf8.endIndex, utf8[second] == 0x80 else { return nil }
        let third = utf8.index(after: second)
        guard third < utf8.endIndex, utf8[third] == 0x80 || utf8[third] == 0x81 else { return nil }
        return utf8[third]
    }
}
