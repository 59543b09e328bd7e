/// A merge field a letter prints, and the first place it does.
package struct PrintedField: Sendable, Hashable, CustomStringConvertible {
    /// The catalogued path, e.g. `officer.phone`.
    package let path: String
    /// The template file that prints it, relative to the templates folder, e.g. `partials/en/contact.mustache`.
    package let template: String
    /// The 1-based line of the tag.
    package let line: Int

    /// E.g. `partials/en/contact.mustache line 1`.
    package var description: String { "\(template) line \(line)" }
}

extension LetterLibrary {
    /// The catalogued fields a letter of `kind` (in `language`, or English when it has no template in that
    /// language) prints without first testing them: the fields the strict merge refuses to find missing or
    /// empty. A field printed inside a section on itself (`{{#advocacy.email}}…{{advocacy.email}}…`) is
    /// optional and left out; a field printed inside a section on anything else (a jurisdiction, the
    /// consent state) is included, because some case prints it.
    ///
    /// `pals config check` uses this to find the settings every letter needs (an officer's phone, the
    /// organisation's email) from the templates themselves, not from a list kept by hand.
    package func printedFields(
        kind: LetterKind, language: LetterLanguage, catalog: MergeFieldCatalog = .standard
    ) -> [PrintedField] {
        guard let used = effectiveLanguage(kind: kind, requested: language), let file = set.letters[used]?[kind]
        else { return [] }
        var walker = FieldWalker(catalog: catalog, partials: set.partials(for: used))
        walker.walk(file.subjectNodes, file: file.path, scopes: [.root], guards: [], depth: 0)
        walker.walk(file.nodes, file: file.path, scopes: [.root], guards: [], depth: 0)
        return walker.found
    }
}

/// Walks a template as Mustache resolves names, collecting the catalogued fields printed unguarded.
private struct FieldWalker {
    struct Scope {
        let prefix: String
        let allowsDot: Bool
        static let root = Scope(prefix: "", allowsDot: false)
    }

    let catalog: MergeFieldCatalog
    let partials: [String: TemplateFile]
    private(set) var found: [PrintedField] = []
    private var seen = Set<String>()

    init(catalog: MergeFieldCatalog, partials: [String: TemplateFile]) {
        self.catalog = catalog
        self.partials = partials
    }

    /// The catalogued path a name stands for in these scopes (innermost first), if any.
    func resolve(_ name: String, scopes: [Scope]) -> String? {
        if name == "." { return scopes.last(where: \.allowsDot)?.prefix }
        let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
        for scope in scopes.reversed() {
            let candidate = scope.prefix.isEmpty ? bare : scope.prefix + "." + bare
            if catalog.isKnown(candidate) { return candidate }
        }
        return nil
    }

    mutating func walk(_ nodes: [TemplateNode], file: String, scopes: [Scope], guards: Set<String>, depth: Int) {
        // The library refuses templates nested deeper than this when it loads.
        guard depth <= LetterLibrary.maximumNesting else { return }
        for node in nodes {
            switch node {
            case .text: continue
            case .variable(let field, let line):
                guard let path = resolve(field.text, scopes: scopes), !guards.contains(path) else { continue }
                if seen.insert(path).inserted { found.append(PrintedField(path: path, template: file, line: line)) }
            case .section(let field, _, let inverted, let children):
                var inner = scopes
                var innerGuards = guards
                if !inverted, let path = resolve(field.text, scopes: scopes) {
                    innerGuards.insert(path)
                    switch catalog.field(path)?.type {
                    case .flag: break
                    case .textList, .text: inner.append(Scope(prefix: path, allowsDot: true))
                    case .objectList, .none: inner.append(Scope(prefix: path, allowsDot: false))
                    }
                }
                walk(children, file: file, scopes: inner, guards: innerGuards, depth: depth + 1)
            case .partial(let name, _):
                if let partial = partials[name] {
                    walk(partial.nodes, file: partial.path, scopes: scopes, guards: guards, depth: depth + 1)
                }
            }
        }
    }
}
