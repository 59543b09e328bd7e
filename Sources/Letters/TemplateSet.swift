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

    /// Letters whose sections and partials, followed through the partials they include, are nested deeper than
    /// ``LetterLibrary/maximumNesting``: one problem per letter, at the tag that goes past the limit.
    func nestingProblems() -> [LetterProblem] {
        let limit = LetterLibrary.maximumNesting
        var problems: [LetterProblem] = []
        for language in LetterLanguage.allCases {
            let available = partials(for: language)
            for (kind, letter) in (letters[language] ?? [:]).sorted(by: { $0.key < $1.key }) {
                var found: LetterProblem?
                func walk(_ nodes: [TemplateNode], file: String, depth: Int, path: [String]) {
                    for node in nodes where found == nil {
                        let line: Int
                        let inner: (nodes: [TemplateNode], file: String, path: [String])
                        switch node {
                        case .variable, .text: continue
                        case .section(_, let at, _, let children): (line, inner) = (at, (children, file, path))
                        case .partial(let name, let at):
                            // A partial that includes itself is reported by partialProblems().
                            guard let partial = available[name], !path.contains(name) else { continue }
                            (line, inner) = (at, (partial.nodes, partial.path, path + [name]))
                        }
                        guard depth < limit else {
                            found = LetterProblem(
                                code: .nestedTooDeep, template: file, line: line, name: nil,
                                detail:
                                    "the \(language.rawValue)/\(kind.rawValue) letter nests sections and partials more than \(limit) deep here; letters allow at most \(limit)"
                            )
                            return
                        }
                        walk(inner.nodes, file: inner.file, depth: depth + 1, path: inner.path)
                    }
                }
                walk(letter.nodes, file: letter.path, depth: 0, path: [])
                if let found { problems.append(found) }
            }
        }
        return problems
    }

    /// Unknown partials and partials that include themselves, for every letter of every language.
    func partialProblems() -> [LetterProblem] {
        var problems: [LetterProblem] = []
        var seen = Set<LetterProblem>()
        func add(_ problem: LetterProblem) { if seen.insert(problem).inserted { problems.append(problem) } }
        for language in LetterLanguage.allCases {
            let available = partials(for: language)
            var roots = (letters[language] ?? [:]).values.sorted { $0.path < $1.path }
            roots += available.values.sorted { $0.path < $1.path }
            for root in roots {
                var path: [String] = []
                func visit(_ file: TemplateFile) {
                    for reference in TagScanner.partials(in: file.nodes) {
                        guard let partial = available[reference.name] else {
                            add(
                                .init(
                                    code: .unknownPartial, template: file.path, line: reference.line,
                                    name: reference.name,
                                    detail:
                                        "no partials/\(reference.name).\(Self.fileExtension) or partials/\(language.rawValue)/\(reference.name).\(Self.fileExtension)"
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
                        path.append(reference.name)
                        visit(partial)
                        path.removeLast()
                    }
                }
                visit(root)
            }
        }
        for problem in nestingProblems() { add(problem) }
        return problems
    }
}
