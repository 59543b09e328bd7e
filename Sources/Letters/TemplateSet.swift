import Foundation

/// The raw contents of a templates folder: letter templates per language and partials, shared
/// (`partials/*.mustache`) or per language (`partials/<lang>/*.mustache`, which win over shared ones).
struct TemplateSet: Sendable {
    var letters: [LetterLanguage: [LetterKind: TemplateFile]] = [:]
    var sharedPartials: [String: TemplateFile] = [:]
    var languagePartials: [LetterLanguage: [String: TemplateFile]] = [:]
    /// Syntax and front-matter problems found while reading.
    var problems: [LetterProblem] = []

    static let fileExtension = "mustache"

    /// The largest template file the library reads: about 500 times the longest shipped letter, so a real
    /// template never meets it, while a file that was never meant to be a template (a pasted log, a PDF
    /// renamed) is refused with its size instead of being parsed and merged into a letter.
    static let maximumFileBytes = 1 << 20

    /// The most template text a letter may come to with its partials written out where they are included
    /// (a partial included twice counts twice). Partials that each include the next several times would
    /// otherwise make a small library expand past any memory: refused when the library loads.
    static let maximumExpandedBytes = 1 << 20

    /// Reads every template under `folder`.
    static func read(folder: URL) throws(LetterError) -> TemplateSet {
        var set = TemplateSet()
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LetterError(.templateFolder, note: "\(folder.path) is not a folder")
        }
        func files(in relative: String) -> [String] {
            let url = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            let names = (try? manager.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix("." + fileExtension) }.sorted()
        }
        func load(_ relative: String) throws(LetterError) -> TemplateFile {
            let url = folder.appendingPathComponent(relative)
            guard let data = manager.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw LetterError(.templateFolder, note: "cannot read \(relative) as UTF-8")
            }
            guard data.count <= maximumFileBytes else {
                set.problems.append(
                    .init(
                        code: .templateTooLarge, template: relative, line: nil, name: nil,
                        detail:
                            "\(Self.megabytes(data.count)); a template may be at most \(Self.megabytes(maximumFileBytes))"
                    ))
                return TemplateFile.refused(path: relative)
            }
            return TemplateFile.parse(path: relative, text: text, problems: &set.problems)
        }
        for language in LetterLanguage.allCases {
            for file in files(in: language.rawValue) {
                let kind = LetterKind(rawValue: String(file.dropLast(fileExtension.count + 1)))
                set.letters[language, default: [:]][kind] = try load("\(language.rawValue)/\(file)")
            }
            for file in files(in: "partials/\(language.rawValue)") {
                let name = String(file.dropLast(fileExtension.count + 1))
                set.languagePartials[language, default: [:]][name] = try load("partials/\(language.rawValue)/\(file)")
            }
        }
        for file in files(in: "partials") {
            set.sharedPartials[String(file.dropLast(fileExtension.count + 1))] = try load("partials/\(file)")
        }
        return set
    }

    /// The partials a template of this language sees, by name.
    func partials(for language: LetterLanguage) -> [String: TemplateFile] {
        sharedPartials.merging(languagePartials[language] ?? [:]) { _, own in own }
    }

    /// "1.0 MB", for a size in a problem.
    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// What a template comes to with its partials written out, found once per partial.
    struct Expansion {
        /// Template bytes with each included partial counted each time it is included, capped just past
        /// ``TemplateSet/maximumExpandedBytes``.
        var bytes: Int
        /// Whether a partial on the way includes itself, directly or through others.
        var isCyclic: Bool
    }

    /// Works out, once per partial, what templates expand to and how deep they nest, for one language.
    private struct Measure {
        let available: [String: TemplateFile]
        private var expansions: [String: Expansion] = [:]
        private var heights: [String: Int] = [:]
        /// Partials being measured, so that a cycle ends instead of recursing.
        private var open = Set<String>()

        init(available: [String: TemplateFile]) { self.available = available }

        mutating func expansion(_ file: TemplateFile) -> Expansion {
            var result = Expansion(
                bytes: file.body.utf8.count + (file.frontMatter.subject?.utf8.count ?? 0), isCyclic: false)
            for reference in TagScanner.partials(in: file.nodes) {
                let inner = expansion(partial: reference.name)
                result.bytes = min(result.bytes + inner.bytes, TemplateSet.maximumExpandedBytes + 1)
                result.isCyclic = result.isCyclic || inner.isCyclic
            }
            return result
        }

        mutating func expansion(partial name: String) -> Expansion {
            if let known = expansions[name] { return known }
            guard let file = available[name] else { return Expansion(bytes: 0, isCyclic: false) }
            guard open.insert(name).inserted else { return Expansion(bytes: 0, isCyclic: true) }
            let result = expansion(file)
            open.remove(name)
            expansions[name] = result
            return result
        }

        /// How many sections and partials deep `nodes` go, through the partials they include (a partial
        /// already being measured counts nothing: cycles are reported on their own).
        mutating func height(_ nodes: [TemplateNode]) -> Int {
            var deepest = 0
            for node in nodes {
                switch node {
                case .text, .variable: continue
                case .section(_, _, _, let children): deepest = max(deepest, 1 + height(children))
                case .partial(let name, _):
                    if let known = heights[name] {
                        deepest = max(deepest, 1 + known)
                    } else if let file = available[name], open.insert(name).inserted {
                        let inner = height(file.nodes)
                        open.remove(name)
                        heights[name] = inner
                        deepest = max(deepest, 1 + inner)
                    }
                }
            }
            return deepest
        }
    }

    /// Letters whose sections and partials, followed through the partials they include, are nested deeper than
    /// ``LetterLibrary/maximumNesting``: one problem per letter, at the tag that goes past the limit. Letters
    /// that reach a partial including itself, or that expand past ``maximumExpandedBytes``, are left to
    /// ``partialProblems()``.
    func nestingProblems() -> [LetterProblem] {
        let limit = LetterLibrary.maximumNesting
        var problems: [LetterProblem] = []
        for language in LetterLanguage.allCases {
            var measure = Measure(available: partials(for: language))
            for (kind, letter) in (letters[language] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let expansion = measure.expansion(letter)
                guard !expansion.isCyclic, expansion.bytes <= Self.maximumExpandedBytes else { continue }
                var found: LetterProblem?
                // Goes only where the measured height says the limit is passed, so each letter costs about
                // its own length however its partials fan out.
                func walk(_ nodes: [TemplateNode], file: String, depth: Int) {
                    for node in nodes where found == nil {
                        let line: Int
                        let inner: (nodes: [TemplateNode], file: String)
                        switch node {
                        case .variable, .text: continue
                        case .section(_, let at, _, let children): (line, inner) = (at, (children, file))
                        case .partial(let name, let at):
                            guard let partial = measure.available[name] else { continue }
                            (line, inner) = (at, (partial.nodes, partial.path))
                        }
                        guard depth < limit else {
                            found = LetterProblem(
                                code: .nestedTooDeep, template: file, line: line, name: nil,
                                detail:
                                    "the \(language.rawValue)/\(kind.rawValue) letter nests sections and partials more than \(limit) deep here; letters allow at most \(limit)"
                            )
                            return
                        }
                        guard depth + 1 + measure.height(inner.nodes) > limit else { continue }
                        walk(inner.nodes, file: inner.file, depth: depth + 1)
                    }
                }
                walk(letter.nodes, file: letter.path, depth: 0)
                if let found { problems.append(found) }
            }
        }
        return problems
    }

    /// The letters (by path) that no walk may follow through their partials: those that reach a partial
    /// including itself and those that expand past ``maximumExpandedBytes``. The library refuses them.
    func unwalkableLetters() -> Set<String> {
        var paths = Set<String>()
        for language in LetterLanguage.allCases {
            var measure = Measure(available: partials(for: language))
            for letter in (letters[language] ?? [:]).values {
                let expansion = measure.expansion(letter)
                if expansion.isCyclic || expansion.bytes > Self.maximumExpandedBytes { paths.insert(letter.path) }
            }
        }
        return paths
    }

    /// Unknown partials, partials that include themselves, letters that expand too far and letters nested
    /// too deep, for every letter of every language. Each partial is followed once per language.
    func partialProblems() -> [LetterProblem] {
        var problems: [LetterProblem] = []
        var seen = Set<LetterProblem>()
        func add(_ problem: LetterProblem) { if seen.insert(problem).inserted { problems.append(problem) } }
        for language in LetterLanguage.allCases {
            let available = partials(for: language)
            var roots = (letters[language] ?? [:]).values.sorted { $0.path < $1.path }
            roots += available.values.sorted { $0.path < $1.path }
            // Partials followed to the end already: what lies below them has been reported.
            var done = Set<String>()
            for root in roots {
                var path: [String] = []
                func visit(_ file: TemplateFile) {
                    for reference in TagScanner.partials(in: file.nodes) {
                        guard let partial = available[reference.name] else {
                            let name = TagScanner.shown(reference.name)
                            add(
                                .init(
                                    code: .unknownPartial, template: file.path, line: reference.line, name: name,
                                    detail:
                                        "no partials/\(name).\(Self.fileExtension) or partials/\(language.rawValue)/\(name).\(Self.fileExtension)"
                                ))
                            continue
                        }
                        if path.contains(reference.name) {
                            add(
                                .init(
                                    code: .templateSyntax, template: file.path, line: reference.line,
                                    name: reference.name,
                                    detail: "partial \(reference.name) includes itself"))
                            continue
                        }
                        guard !done.contains(reference.name) else { continue }
                        path.append(reference.name)
                        visit(partial)
                        path.removeLast()
                        done.insert(reference.name)
                    }
                }
                visit(root)
            }
            var measure = Measure(available: available)
            for letter in (letters[language] ?? [:]).values.sorted(by: { $0.path < $1.path }) {
                let expansion = measure.expansion(letter)
                guard !expansion.isCyclic, expansion.bytes > Self.maximumExpandedBytes else { continue }
                add(
                    .init(
                        code: .templateTooLarge, template: letter.path, line: nil, name: nil,
                        detail:
                            "with its partials written out where they are included, the letter comes to more than \(Self.megabytes(Self.maximumExpandedBytes)) of template; include fewer partials, or include them fewer times"
                    ))
            }
        }
        for problem in nestingProblems() { add(problem) }
        return problems
    }
}
