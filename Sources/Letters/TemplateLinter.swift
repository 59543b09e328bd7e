package import Foundation

/// A finding of ``TemplateLinter``: what is wrong, where, and what to do about it.
package struct LintFinding: Sendable, Hashable, CustomStringConvertible {
    /// The kind of finding, comparable with `==`.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, e.g. `unknownField`.
        package let description: String
        private init(_ name: String) { description = name }

        /// The template is not valid (Mustache syntax, an unsupported tag, a partial that includes itself).
        package static let syntax = Code("syntax")
        /// The front matter is malformed or has no subject.
        package static let frontMatter = Code("frontMatter")
        /// A field that is not in the ``MergeFieldCatalog``.
        package static let unknownField = Code("unknownField")
        /// A partial that does not exist.
        package static let unknownPartial = Code("unknownPartial")
        /// A subject line that names a personal field: subjects carry the reference only.
        package static let personalSubject = Code("personalSubject")
        /// A letter that lacks what the law or DESIGN requires of it.
        package static let missingContent = Code("missingContent")
        /// A Welsh template whose inputs or automatic flag differ from the English one.
        package static let inputsDiffer = Code("inputsDiffer")
        /// A Welsh template for a kind that has no English template.
        package static let translationWithoutEnglish = Code("translationWithoutEnglish")
        /// An `inputs.<name>` field that the letter's front matter does not declare.
        package static let undeclaredInput = Code("undeclaredInput")
        /// A flag, list or object rendered as text.
        package static let notText = Code("notText")
        /// Sections and partials nested deeper than ``LetterLibrary/maximumNesting``.
        package static let nestedTooDeep = Code("nestedTooDeep")
        /// A line starting with `@` that is not a known directive.
        package static let unknownDirective = Code("unknownDirective")
    }

    /// What is wrong.
    package let code: Code
    /// The template file, relative to the templates folder.
    package let template: String
    /// The 1-based line, when known.
    package let line: Int?
    /// The field, partial or input concerned.
    package let name: String?
    /// What to do, in words.
    package let message: String

    /// E.g. `en/holding.mustache:12: unknownField: …`.
    package var description: String {
        "\(template)\(line.map { ":\($0)" } ?? ""): \(code): \(message)"
    }
}

/// Checks a templates folder against the ``MergeFieldCatalog`` and the rules of each letter: unknown
/// fields and partials, personal data in subject lines, letters missing what they must say, and Welsh
/// templates that ask for different inputs from the English ones. Used by `pals templates check`.
package struct TemplateLinter: Sendable {
    /// The catalog fields are checked against.
    package var catalog: MergeFieldCatalog

    /// Makes a linter.
    package init(catalog: MergeFieldCatalog = .standard) { self.catalog = catalog }

    /// All findings for the templates under `folder`, in a stable order; empty when the library is clean.
    package func lint(folder: URL) -> [LintFinding] {
        let set: TemplateSet
        do {
            set = try TemplateSet.read(folder: folder)
        } catch {
            return [LintFinding(code: .syntax, template: folder.path, line: nil, name: nil, message: error.description)]
        }
        var findings: [LintFinding] = []
        var seen = Set<LintFinding>()
        func add(_ finding: LintFinding) { if seen.insert(finding).inserted { findings.append(finding) } }

        for problem in set.problems + set.partialProblems() {
            let code: LintFinding.Code =
                switch problem.code {
                case .frontMatter: .frontMatter
                case .unknownPartial: .unknownPartial
                case .nestedTooDeep: .nestedTooDeep
                default: .syntax
                }
            add(
                LintFinding(
                    code: code, template: problem.template, line: problem.line, name: problem.name,
                    message: problem.description))
        }

        // Letters that reach a partial including itself, or expand too far, are reported above and not walked.
        let unwalkable = set.unwalkableLetters()
        for language in LetterLanguage.allCases {
            let partials = set.partials(for: language)
            for (kind, file) in (set.letters[language] ?? [:]).sorted(by: { $0.key < $1.key })
            where !unwalkable.contains(file.path) {
                lintLetter(kind: kind, file: file, partials: partials, add: add)
            }
            for (_, partial) in partials.sorted(by: { $0.key < $1.key }) {
                lintMarkup(partial, add: add)
            }
        }

        // Welsh templates must ask for what the English ones ask for.
        for (kind, welsh) in (set.letters[.welsh] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let english = set.letters[.english]?[kind] else {
                add(
                    LintFinding(
                        code: .translationWithoutEnglish, template: welsh.path, line: 1, name: kind.rawValue,
                        message:
                            "there is no en/\(kind.rawValue).mustache for this Welsh template; add the English letter"))
                continue
            }
            let (en, cy) = (english.frontMatter, welsh.frontMatter)
            if Set(en.inputs) != Set(cy.inputs) || Set(en.optionalInputs) != Set(cy.optionalInputs) {
                add(
                    LintFinding(
                        code: .inputsDiffer, template: welsh.path, line: 1, name: kind.rawValue,
                        message:
                            "inputs \(cy.inputs) / optional \(cy.optionalInputs) differ from \(english.path): \(en.inputs) / optional \(en.optionalInputs)"
                    ))
            }
            if en.automatic != cy.automatic {
                add(
                    LintFinding(
                        code: .inputsDiffer, template: welsh.path, line: 1, name: "automatic",
                        message: "automatic is \(cy.automatic) here but \(en.automatic) in \(english.path)"))
            }
        }
        return findings
    }

    private struct Scope {
        let prefix: String
        let allowsDot: Bool
    }

    private struct Usage {
        var fields = Set<String>()
        var partials = Set<String>()
    }

    private func lintLetter(
        kind: LetterKind, file: TemplateFile, partials: [String: TemplateFile], add: (LintFinding) -> Void
    ) {
        let matter = file.frontMatter
        if matter.subject == nil {
            add(
                LintFinding(
                    code: .frontMatter, template: file.path, line: 1, name: "subject",
                    message: "a letter needs front matter with `subject: …` (the reference only)"))
        }
        let declared = Set(matter.inputs + matter.optionalInputs)
        var usage = Usage()
        walk(
            file.nodes, file: file.path, scopes: [Scope(prefix: "", allowsDot: false)], partials: partials,
            declared: declared,
            usage: &usage, depth: 0, add: add)

        // Subject lines carry the reference only.
        var subjectUsage = Usage()
        walk(
            file.subjectNodes, file: file.path, scopes: [Scope(prefix: "", allowsDot: false)], partials: [:],
            declared: declared,
            usage: &subjectUsage, depth: 0, add: add)
        for field in subjectUsage.fields.sorted() where catalog.isPersonal(field) || field.hasPrefix("inputs.") {
            add(
                LintFinding(
                    code: .personalSubject, template: file.path, line: matter.subjectLine, name: field,
                    message:
                        "the subject names \(field); a subject may carry the case reference only, never a name or clinical detail"
                ))
        }

        func require(_ condition: Bool, _ name: String, _ message: String) {
            if !condition {
                add(LintFinding(code: .missingContent, template: file.path, line: nil, name: name, message: message))
            }
        }
        switch kind {
        case .acknowledgement:
            require(
                usage.fields.contains("deadlines.respondBy"), "deadlines.respondBy",
                "an acknowledgement must give the target response date {{deadlines.respondBy}}")
            require(
                usage.partials.contains("advocacy") || usage.fields.contains("advocacy.name"), "advocacy",
                "an acknowledgement must offer independent advocacy: include {{> advocacy}}")
            require(
                usage.fields.contains("case.reference"), "case.reference", "an acknowledgement must give the reference")
            require(usage.fields.contains("officer.name"), "officer.name", "an acknowledgement must name a contact")
        case .holding:
            for input in ["reason", "newDate"] {
                require(
                    usage.fields.contains("inputs.\(input)") && matter.inputs.contains(input), "inputs.\(input)",
                    "a holding letter must give inputs.\(input) and require it in its front matter (inputs: reason, newDate)"
                )
            }
        case .resolution:
            require(
                usage.partials.contains("ombudsman"), "ombudsman",
                "a resolution must tell the person of their right to go to the ombudsman: include {{> ombudsman}}")
            for input in ["consideration", "findings", "actions"] {
                require(
                    usage.fields.contains("inputs.\(input)") && matter.inputs.contains(input), "inputs.\(input)",
                    "a resolution must give inputs.\(input) and require it in its front matter")
            }
        case .update, .lateResponse, .stage1Response:
            let inputs: [String] =
                switch kind {
                case .update: ["progress", "nextSteps"]
                case .lateResponse: ["reason", "expectedDate"]
                default: ["decision"]
                }
            for input in inputs {
                require(
                    usage.fields.contains("inputs.\(input)") && matter.inputs.contains(input), "inputs.\(input)",
                    "a \(kind.rawValue) letter must give inputs.\(input) and require it in its front matter")
            }
            if kind == .update {
                require(
                    usage.fields.contains("deadlines.respondBy"), "deadlines.respondBy",
                    "an update letter must give the unchanged response date {{deadlines.respondBy}}")
            }
            if kind == .stage1Response {
                require(
                    usage.fields.contains("deadlines.stage2RequestBy"), "deadlines.stage2RequestBy",
                    "a stage-1 response must say by when stage 2 can be asked for {{deadlines.stage2RequestBy}}")
                require(
                    !usage.partials.contains("ombudsman"), "ombudsman",
                    "a stage-1 response offers stage 2, not the ombudsman: leave out {{> ombudsman}}")
            }
        default: break
        }
        lintMarkup(file, add: add)
    }

    private func lintMarkup(_ file: TemplateFile, add: (LintFinding) -> Void) {
        for (number, text) in file.bodyLines {
            let line = text.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("@") else { continue }
            let word = String(line.prefix { !$0.isWhitespace })
            let isBlock = LetterMarkup.blockDirectives.contains(word) && word == line
            let isLine = LetterMarkup.lineDirectives.contains(word) && word != line
            if !isBlock && !isLine {
                add(
                    LintFinding(
                        code: .unknownDirective, template: file.path, line: number, name: word,
                        message:
                            "\(word) is not a directive; use @letterhead, @address, @signature on their own line, or @date, @reference, @salutation, @closing followed by text"
                    ))
            }
        }
    }

    private func walk(
        _ nodes: [TemplateNode], file: String, scopes: [Scope], partials: [String: TemplateFile], declared: Set<String>,
        usage: inout Usage, depth: Int, add: (LintFinding) -> Void
    ) {
        // Deeper templates are reported as nestedTooDeep (from the template set's problems) and not walked further.
        guard depth <= LetterLibrary.maximumNesting else { return }
        func resolve(_ name: String, line: Int) -> String? {
            if name == "." {
                if let scope = scopes.last(where: \.allowsDot) { return scope.prefix }
                add(
                    LintFinding(
                        code: .unknownField, template: file, line: line, name: name,
                        message: "{{.}} is used outside a list section"))
                return nil
            }
            let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
            for scope in scopes.reversed() {
                let candidate = scope.prefix.isEmpty ? bare : scope.prefix + "." + bare
                if catalog.isKnown(candidate) {
                    if candidate.hasPrefix("inputs."), !declared.contains(String(candidate.dropFirst("inputs.".count)))
                    {
                        add(
                            LintFinding(
                                code: .undeclaredInput, template: file, line: line, name: candidate,
                                message:
                                    "\(candidate) is not declared in the letter's front matter (inputs: or optional-inputs:)"
                            ))
                    }
                    return candidate
                }
            }
            add(
                LintFinding(
                    code: .unknownField, template: file, line: line, name: name,
                    message: "\(name) is not a known merge field (see MergeFieldCatalog); check its spelling"))
            return nil
        }
        for node in nodes {
            switch node {
            case .text: continue
            case .variable(let field, let line):
                let name = field.text
                guard let path = resolve(name, line: line) else { continue }
                usage.fields.insert(path)
                let type = catalog.field(path)?.type
                let isDot = name == "."
                if !isDot, type != .text {
                    add(
                        LintFinding(
                            code: .notText, template: file, line: line, name: name,
                            message:
                                "\(name) is \(type.map { "\($0)" } ?? "an object") and cannot be printed as text; use a section"
                        ))
                }
            case .section(let field, let line, let inverted, let children):
                guard let path = resolve(field.text, line: line) else { continue }
                usage.fields.insert(path)
                var inner = scopes
                if !inverted {
                    switch catalog.field(path)?.type {
                    case .flag: break
                    case .textList, .text: inner.append(Scope(prefix: path, allowsDot: true))
                    case .objectList, .none: inner.append(Scope(prefix: path, allowsDot: false))
                    }
                }
                walk(
                    children, file: file, scopes: inner, partials: partials, declared: declared, usage: &usage,
                    depth: depth + 1, add: add)
            case .partial(let name, _):
                usage.partials.insert(name)
                if let partial = partials[name] {
                    walk(
                        partial.nodes, file: partial.path, scopes: scopes, partials: partials, declared: declared,
                        usage: &usage,
                        depth: depth + 1, add: add)
                }
            }
        }
    }
}
