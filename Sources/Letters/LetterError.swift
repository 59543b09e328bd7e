package import Foundation
package import Primitives

/// An error of the letter library: a template library that cannot be loaded, a letter that cannot
/// be merged strictly, or a PDF that cannot be drawn.
///
/// Each error carries every ``LetterProblem`` found (all missing fields, all unknown partials), not
/// just the first. Messages name templates, lines and field names, never the values of a case.
package struct LetterError: PalsError, Hashable {
    /// What went wrong, comparable with `==` or `~=`.
    package typealias Code = ErrorCode<LetterError>

    /// What went wrong overall.
    package let code: Code
    /// Every problem found, each with its template, line and field or partial name.
    package let problems: [LetterProblem]
    /// The kind of letter concerned, if any.
    package let kind: LetterKind?
    /// The language of the template concerned, if any.
    package let language: LetterLanguage?
    /// A short note for codes without problems (e.g. the folder that could not be read).
    package let note: String?

    init(
        _ code: Code, problems: [LetterProblem] = [], kind: LetterKind? = nil, language: LetterLanguage? = nil,
        note: String? = nil
    ) {
        self.code = code
        self.problems = problems
        self.kind = kind
        self.language = language
        self.note = note
    }

    /// The field names (or partial names) of all problems, in order.
    package var names: [String] { problems.compactMap(\.name) }

    /// The log form's reason: the whole message, which names templates, lines and fields, never a case's values.
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { message }

    /// The same message, for the CLI.
    package var errorDescription: String? { message }

    /// A message a person can act on, listing every problem on its own line.
    private var message: String {
        var head: String
        switch code {
        case .mergeFailed:
            head =
                "The \(kind.map { "\($0.rawValue) " } ?? "")letter\(language.map { " (\($0.rawValue))" } ?? "") cannot be merged"
            head += ": fill in or correct the fields below; nothing was produced."
        case .invalidLibrary: head = "The letter templates cannot be loaded: correct the templates below."
        case .unknownKind:
            head =
                "There is no template for the \(kind?.rawValue ?? "?") letter\(language.map { " in \($0.rawValue)" } ?? "")."
        case .badInputs:
            // The officer reads this: name each input, not the template file it is declared in.
            let lines = problems.map { problem in
                let name = problem.name ?? "?"
                return problem.code == .unknownInput
                    ? "  - \(name) is not an input of this letter" : "  - \(name) is required but was not given"
            }
            var text = "The \(kind.map { "\($0.rawValue) " } ?? "")letter cannot be prepared: nothing was produced."
            text += "\n" + lines.joined(separator: "\n")
            if let note { text += "\n" + note }
            return text
        case .templateFolder: head = "The templates folder cannot be read"
        case .pdfRendering: head = "The PDF could not be drawn"
        default: head = "Letter error (\(code))"
        }
        if let note { head += code == .unknownKind ? " \(note)" : " (\(note))" }
        return ([head] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}

extension ErrorCode where Domain == LetterError {
    /// Matches an error against a code: `catch LetterError.Code.x { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// A letter could not be merged: see the problems.
    package static let mergeFailed = Self("mergeFailed")
    /// The template library is broken (bad syntax, unknown partial, bad front matter): see the problems.
    package static let invalidLibrary = Self("invalidLibrary")
    /// There is no template for this kind of letter.
    package static let unknownKind = Self("unknownKind")
    /// The templates folder cannot be read.
    package static let templateFolder = Self("templateFolder")
    /// cairo or pango failed to make the PDF.
    package static let pdfRendering = Self("pdfRendering")
    /// A field the template renders is not in the merge context.
    package static let missingField = Self("missingField")
    /// A field the template renders is empty (empty text or an empty list).
    package static let emptyField = Self("emptyField")
    /// A field rendered as text holds a flag, a list or an object.
    package static let notText = Self("notText")
    /// An officer input the template requires (front matter `inputs:`) is missing or empty.
    package static let missingInput = Self("missingInput")
    /// The officer inputs given for a letter are wrong: some required ones are missing, or some are not
    /// inputs of that letter at all. See the problems (``missingInput``, ``unknownInput``).
    package static let badInputs = Self("badInputs")
    /// An officer input was given that the letter does not take (a misspelling, usually).
    package static let unknownInput = Self("unknownInput")
    /// Sections and partials are nested deeper than ``LetterLibrary/maximumNesting`` allows.
    package static let nestedTooDeep = Self("nestedTooDeep")
    /// A template includes a partial that does not exist.
    package static let unknownPartial = Self("unknownPartial")
    /// A template is not valid Mustache.
    package static let templateSyntax = Self("templateSyntax")
    /// A template's front matter is malformed.
    package static let frontMatter = Self("frontMatter")
    /// A template file, or a letter with its partials written out, is larger than letters allow.
    package static let templateTooLarge = Self("templateTooLarge")
    /// A template uses a Mustache feature letters do not allow (delimiters, inheritance, lambdas…).
    package static let unsupportedTag = Self("unsupportedTag")
}

/// One problem in a template or a merge: its code, where it is, and the name concerned.
package struct LetterProblem: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. ``LetterError/Code/missingField``.
    package let code: LetterError.Code
    /// The template file, relative to the templates folder, e.g. `en/holding.mustache`.
    package let template: String
    /// The 1-based line in that file, when known.
    package let line: Int?
    /// The field, partial or input concerned, e.g. `recipient.salutation`.
    package let name: String?
    /// More detail, never a value from a case.
    package let detail: String?

    /// Makes a problem.
    package init(code: LetterError.Code, template: String, line: Int?, name: String?, detail: String? = nil) {
        self.code = code
        self.template = template
        self.line = line
        self.name = name
        self.detail = detail
    }

    /// E.g. `en/holding.mustache line 12: the field inputs.reason is missing`.
    package var description: String {
        let place = template + (line.map { " line \($0)" } ?? "")
        let name = self.name ?? "?"
        let what: String
        switch code {
        case .missingField: what = "the field \(name) is missing"
        case .emptyField: what = "the field \(name) is empty"
        case .notText: what = "the field \(name) is not text and cannot be printed"
        case .missingInput: what = "the officer input \(name) is required but was not given"
        case .unknownInput: what = "\(name) is not an input of this letter"
        case .nestedTooDeep: what = "sections and partials are nested too deep"
        case .unknownPartial: what = "the partial \(name) does not exist"
        case .templateSyntax: what = "invalid template syntax"
        case .frontMatter: what = "invalid front matter"
        case .templateTooLarge: what = "the template is too large"
        case .unsupportedTag: what = "a Mustache feature letters do not allow"
        default: what = code.description
        }
        return "\(place): \(what)" + (detail.map { " (\($0))" } ?? "")
    }
}
