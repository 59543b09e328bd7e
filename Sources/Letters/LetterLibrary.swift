import Casework
package import Foundation

/// The letter templates of a workspace, loaded and checked: the one entry point the Engine uses to
/// merge a case's context into a letter.
///
/// ```swift
/// let library = try LetterLibrary.load(from: workspace.appendingPathComponent("Templates"))
/// let letter = try library.merge(kind: .acknowledgement, language: .welsh, context: context)
/// letter.subject; letter.text; letter.html; try letter.pdf(largePrint: true)
/// ```
///
/// Folder layout: `en/<kind>.mustache`, `cy/<kind>.mustache`, `partials/<name>.mustache` (shared) and
/// `partials/<lang>/<name>.mustache` (per language, preferred over a shared one). A Welsh letter of a kind
/// that has no `cy` template falls back to the English one (see ``effectiveLanguage(kind:requested:)``).
package struct LetterLibrary: Sendable {
    /// The deepest a letter may nest sections and partials (each section or partial inclusion is one level,
    /// followed from the letter through its partials). Deeper templates are refused when the library loads,
    /// so the strict merge checks every level of every letter it merges.
    package static let maximumNesting = 32

    let set: TemplateSet
    /// The partials each language's letters see, parsed once when the library loads.
    private let partialFiles: [LetterLanguage: [String: TemplateFile]]

    /// Loads and checks every template under `folder`.
    ///
    /// - Throws: ``LetterError`` with code ``LetterError/Code/invalidLibrary`` listing every syntax error,
    ///   front-matter error and unknown partial (with template and line), or ``LetterError/Code/templateFolder``.
    package static func load(from folder: URL) throws(LetterError) -> LetterLibrary {
        let set = try TemplateSet.read(folder: folder)
        let problems = set.problems + set.partialProblems() + Self.frontMatterProblems(set)
        guard problems.isEmpty else { throw LetterError(.invalidLibrary, problems: problems) }
        return LetterLibrary(set: set)
    }

    private init(set: TemplateSet) {
        self.set = set
        var partialFiles: [LetterLanguage: [String: TemplateFile]] = [:]
        for language in LetterLanguage.allCases { partialFiles[language] = set.partials(for: language) }
        self.partialFiles = partialFiles
    }

    private static func frontMatterProblems(_ set: TemplateSet) -> [LetterProblem] {
        var problems: [LetterProblem] = []
        for language in LetterLanguage.allCases {
            for (_, file) in (set.letters[language] ?? [:]).sorted(by: { $0.key < $1.key })
            where file.frontMatter.subject == nil {
                problems.append(
                    .init(
                        code: .frontMatter, template: file.path, line: 1, name: "subject",
                        detail: "a letter template needs front matter with a subject line"))
            }
        }
        return problems
    }

    /// The kinds of letter the library has (English templates, plus any Welsh-only ones), sorted; enclosures
    /// (the consent form) are not letters and are left out.
    package var kinds: [LetterKind] {
        Set(set.letters.values.flatMap(\.keys)).filter { !$0.isEnclosure }.sorted()
    }

    /// The kinds an officer can write for a case: every kind but those that go to staff (the reminder digest).
    package var caseLetterKinds: [LetterKind] { kinds.filter { $0.purpose != .staff } }

    /// The error for a kind the library has no template for, listing the kinds it has.
    package func unknownKind(_ kind: LetterKind) -> LetterError {
        let known = caseLetterKinds.map(\.rawValue).joined(separator: ", ")
        return LetterError(
            .unknownKind, kind: kind, language: nil,
            note: known.isEmpty ? "The templates folder has no letters." : "The letters are: \(known).")
    }

    /// Checks the officer inputs given for a letter against its front matter, all at once: every required
    /// input that is missing or blank, and every given input the letter does not take.
    ///
    /// - Throws: ``LetterError/Code/badInputs`` whose problems are ``LetterError/Code/missingInput`` and
    ///   ``LetterError/Code/unknownInput`` (in that order), with a note listing the letter's inputs; or
    ///   ``LetterError/Code/unknownKind`` listing the kinds there are.
    package func checkInputs(kind: LetterKind, language: LetterLanguage, given: [String: String]) throws(LetterError) {
        guard let info = info(kind: kind, language: language), let file = set.letters[info.language]?[kind] else {
            throw unknownKind(kind)
        }
        var problems: [LetterProblem] = []
        for input in info.requiredInputs where given[input]?.allSatisfy(\.isWhitespace) ?? true {
            problems.append(.init(code: .missingInput, template: file.path, line: 1, name: input))
        }
        let known = Set(info.requiredInputs + info.optionalInputs)
        for name in given.keys.sorted() where !known.contains(name) {
            problems.append(.init(code: .unknownInput, template: file.path, line: 1, name: name))
        }
        guard problems.isEmpty else {
            throw LetterError(
                .badInputs, problems: problems, kind: kind, language: info.language, note: info.inputsLine)
        }
    }

    /// The languages that have their own template for `kind`.
    package func languages(for kind: LetterKind) -> [LetterLanguage] {
        LetterLanguage.allCases.filter { set.letters[$0]?[kind] != nil }
    }

    /// The language a letter of `kind` requested in `requested` is actually written in: the requested one
    /// when it has a template, else English. Nil when there is no template at all.
    ///
    /// - Important: build the merge context (dates, labels) in this language.
    package func effectiveLanguage(kind: LetterKind, requested: LetterLanguage) -> LetterLanguage? {
        if set.letters[requested]?[kind] != nil { return requested }
        if set.letters[.english]?[kind] != nil { return .english }
        return nil
    }

    /// The front matter of the template used for `kind` in `language` (after falling back to English).
    package func info(kind: LetterKind, language: LetterLanguage = .english) -> LetterTemplateInfo? {
        guard let language = effectiveLanguage(kind: kind, requested: language),
            let file = set.letters[language]?[kind]
        else { return nil }
        let matter = file.frontMatter
        return LetterTemplateInfo(
            kind: kind, language: language, subjectTemplate: matter.subject ?? "", requiredInputs: matter.inputs,
            optionalInputs: matter.optionalInputs, isAutomatic: matter.automatic, summary: matter.summary)
    }

    /// The officer inputs (`inputs.<name>`, given without the prefix) that `kind` requires.
    ///
    /// - Throws: ``LetterError/Code/unknownKind`` if there is no such letter.
    package func requiredInputs(kind: LetterKind, language: LetterLanguage = .english) throws(LetterError) -> [String] {
        guard let info = info(kind: kind, language: language) else { throw unknownKind(kind) }
        return info.requiredInputs
    }

    /// Merges `context` into the letter of `kind` strictly and reads it into a document.
    ///
    /// Every field the template (or its partials) renders outside skipped sections must be present and
    /// non-empty text, and every required officer input must be given; otherwise nothing is produced.
    /// - Throws: ``LetterError`` with ``LetterError/Code/mergeFailed`` listing every problem with template and
    ///   line, or ``LetterError/Code/unknownKind``.
    package func merge(kind: LetterKind, language: LetterLanguage, context: MergeContext) throws(LetterError)
        -> MergedLetter
    {
        guard let used = effectiveLanguage(kind: kind, requested: language), let file = set.letters[used]?[kind],
            let partials = partialFiles[used]
        else { throw unknownKind(kind) }

        let root = MergeValue.object(context.root)
        var problems: [LetterProblem] = []
        for input in file.frontMatter.inputs {
            let value = context["inputs.\(input)"]
            let blank: Bool
            switch value {
            case .string(let text): blank = text.allSatisfy(\.isWhitespace)
            case .list(let items): blank = items.isEmpty
            case .none: blank = true
            default: blank = false
            }
            if blank {
                problems.append(
                    .init(
                        code: .missingInput, template: file.path, line: 1, name: "inputs.\(input)",
                        detail: "required by the front matter of this letter"))
            }
        }
        // One walk per template renders and checks: the subject first (the document's title), then the body,
        // read into the document line by line as it renders.
        var renderer = StrictRenderer(root: root, partials: partials)
        var subject = SubjectWriter()
        renderer.render(file.subjectNodes, template: file.path, into: &subject)
        let title = LetterMarkup.cleanValue(subject.rendered)
        var reader = MarkupReader(language: used, title: title)
        renderer.render(file.nodes, template: file.path, into: &reader)
        problems += renderer.problems
        guard problems.isEmpty else { throw LetterError(.mergeFailed, problems: problems, kind: kind, language: used) }
        let document = reader.finish()
        return MergedLetter(
            kind: kind, language: used, subject: title, isAutomatic: file.frontMatter.automatic, document: document)
    }
}

/// A letter merged from a case: its subject and document, ready to render as text, HTML or PDF.
package struct MergedLetter: Sendable, Hashable {
    /// The kind of letter.
    package let kind: LetterKind
    /// The language it is written in (English when a Welsh template was missing).
    package let language: LetterLanguage
    /// The subject line: the case reference only, never a name or clinical detail.
    package let subject: String
    /// Whether pals sends this kind of letter by itself.
    package let isAutomatic: Bool
    /// The letter as a document.
    package let document: LetterDocument
    /// For a bilingual letter, the English letter that follows the Welsh ``document`` (see BilingualLetter.swift).
    package internal(set) var english: LetterDocument? = nil

    /// The letter as plain text wrapped at 72 columns, for an email's text part.
    package var text: String { bilingual.map { $0.text } ?? TextRenderer().render(document) }

    /// The letter as a complete HTML document, for an email's HTML part; every value is escaped.
    package var html: String { bilingual.map { $0.html } ?? HTMLRenderer().render(document) }

    /// The letter as an A4 PDF, with the address placed for a DL window envelope.
    /// - Parameters:
    ///   - largePrint: 16 pt text (for an accessible-information need) instead of 11 pt.
    ///   - creationDate: the date stamped in the PDF; give one (e.g. when the letter was queued) so that
    ///     rendering again gives the same bytes, else cairo stamps the current time.
    package func pdf(largePrint: Bool = false, creationDate: Date? = nil) throws(LetterError) -> Data {
        let renderer = PDFRenderer(options: .init(largePrint: largePrint, creationDate: creationDate))
        if let bilingual { return try renderer.render(bilingual.parts) }
        return try renderer.render(document)
    }

    /// The letter as an A4 PDF laid out with `options` (large print in a chosen size, easy read).
    package func pdf(options: PDFRenderer.Options) throws(LetterError) -> Data {
        try PDFRenderer(options: options).render(document)
    }

    /// The letter as HTML laid out by `renderer` (large print, easy read).
    package func html(_ renderer: HTMLRenderer) -> String { renderer.render(document) }
}
