/// Where a template renders to, piece by piece in order: template text, line breaks and merge values.
///
/// The values arrive apart from the text, so a sink can keep them from ever being read as markup.
protocol RenderSink {
    /// Template text; it never holds a line break.
    mutating func text(_ text: String)
    /// A line break of the template.
    mutating func endLine()
    /// A merge value printed by a tag: text, never blank (the renderer has checked it).
    mutating func value(_ text: String)
}

/// Renders parsed templates over a merge context and merges strictly in the same walk (invariant 1).
///
/// Every field a rendered tag names must be there and be non-blank text; sections that are skipped are not
/// looked into. Each fault is recorded with its template and line, the walk goes on to find the others, and
/// from the first fault on nothing more reaches the sink: the caller throws ``problems`` instead of a letter.
///
/// Names resolve as Mustache resolves them: the first part of `a.b.c` is looked up from the innermost value
/// outwards and the rest from there only; `.name` looks in the innermost value only; `.` is that value.
struct StrictRenderer {
    /// The partials the templates may include, by name (refused at load when one is missing).
    let partials: [String: TemplateFile]
    /// Every fault found so far, in the order met, each once.
    private(set) var problems: [LetterProblem] = []
    private var seen = Set<LetterProblem>()
    /// The values sections have entered, innermost last; the first is the context's root.
    private var stack: [MergeValue]

    init(root: MergeValue, partials: [String: TemplateFile]) {
        self.partials = partials
        stack = [root]
    }

    /// Renders `nodes` of the file `template` into `sink`.
    mutating func render<Sink: RenderSink>(_ nodes: [TemplateNode], template: String, into sink: inout Sink) {
        walk(nodes, template: template, depth: 0, sink: &sink)
    }

    /// The value a name stands for in the current stack of values, if any.
    func lookup(_ field: FieldName) -> MergeValue? {
        if field.isCurrent { return stack.last }
        guard let first = field.components.first else { return nil }
        var found: MergeValue?
        if field.isAnchored {
            found = stack.last?[first]
        } else {
            for context in stack.reversed() {
                if let value = context[first] {
                    found = value
                    break
                }
            }
        }
        for component in field.components.dropFirst() {
            guard let value = found else { return nil }
            found = value[component]
        }
        return found
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

    /// Whether a text prints as nothing: empty or only whitespace.
    private static func isBlank(_ text: String) -> Bool {
        // Most values start with a printable ASCII character: no need to look further.
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.allSatisfy(\.isWhitespace)
    }

    private mutating func add(
        _ code: LetterError.Code, _ template: String, _ line: Int, _ name: String, _ detail: String? = nil
    ) {
        let problem = LetterProblem(code: code, template: template, line: line, name: name, detail: detail)
        if seen.insert(problem).inserted { problems.append(problem) }
    }

    /// The line a node starts on (text has none of its own: the line of the tag after it, or 1).
    private static func line(_ nodes: [TemplateNode]) -> Int {
        for node in nodes {
            switch node {
            case .variable(_, let line), .section(_, let line, _, _), .partial(_, let line): return line
            case .text: continue
            }
        }
        return 1
    }

    private mutating func walk<Sink: RenderSink>(
        _ nodes: [TemplateNode], template: String, depth: Int, sink: inout Sink
    ) {
        // The library refuses deeper templates when it loads; should one get here, fail closed, never skip.
        guard depth <= LetterLibrary.maximumNesting else {
            add(
                .nestedTooDeep, template, Self.line(nodes), "",
                "nested more than \(LetterLibrary.maximumNesting) deep; nothing below was checked")
            return
        }
        for node in nodes {
            switch node {
            case .text(let text, let endsLine):
                guard problems.isEmpty else { continue }
                if !text.isEmpty { sink.text(text) }
                if endsLine { sink.endLine() }
            case .variable(let field, let line):
                switch lookup(field) {
                case .none: add(.missingField, template, line, field.text)
                case .string(let text):
                    if Self.isBlank(text) {
                        add(.emptyField, template, line, field.text)
                    } else if problems.isEmpty {
                        sink.value(text)
                    }
                case .list(let items) where items.isEmpty: add(.emptyField, template, line, field.text)
                case .bool:
                    add(
                        .notText, template, line, field.text,
                        "a flag; use it as a section {{#\(field.text)}}…{{/\(field.text)}}")
                case .list:
                    add(
                        .notText, template, line, field.text,
                        "a list; use it as a section {{#\(field.text)}}{{.}}{{/\(field.text)}}")
                case .object: add(.notText, template, line, field.text, "an object; name one of its fields")
                }
            case .section(let field, _, let inverted, let children):
                let value = lookup(field)
                if inverted {
                    if Self.isFalsy(value) { walk(children, template: template, depth: depth + 1, sink: &sink) }
                    continue
                }
                switch value {
                case .none, .bool(false): break
                case .bool(true): walk(children, template: template, depth: depth + 1, sink: &sink)
                case .list(let items):
                    for item in items { enter(item, children, template: template, depth: depth + 1, sink: &sink) }
                case .string(let text):
                    if !text.isEmpty {
                        enter(.string(text), children, template: template, depth: depth + 1, sink: &sink)
                    }
                case .object(let fields):
                    enter(.object(fields), children, template: template, depth: depth + 1, sink: &sink)
                }
            case .partial(let name, _):
                // Unknown partials are refused when the library loads.
                if let partial = partials[name] {
                    walk(partial.nodes, template: partial.path, depth: depth + 1, sink: &sink)
                }
            }
        }
    }

    /// Renders a section's children with `value` as the innermost value.
    private mutating func enter<Sink: RenderSink>(
        _ value: MergeValue, _ children: [TemplateNode], template: String, depth: Int, sink: inout Sink
    ) {
        stack.append(value)
        walk(children, template: template, depth: depth, sink: &sink)
        stack.removeLast()
    }
}

/// Collects a rendered subject line: values cleaned to one line each (``LetterMarkup/cleanValue(_:)``).
struct SubjectWriter: RenderSink {
    private(set) var rendered = ""

    mutating func text(_ text: String) { rendered += text }
    mutating func endLine() { rendered += "\n" }
    mutating func value(_ text: String) { rendered += LetterMarkup.cleanValue(text) }
}
