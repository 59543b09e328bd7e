package import Casework

extension Language {
    /// The template languages a letter in this language is merged in, in the order they appear: Welsh then
    /// English for a bilingual letter.
    package var letterLanguages: [LetterLanguage] {
        switch self {
        case .en: [.english]
        case .cy: [.welsh]
        case .bilingual: [.welsh, .english]
        }
    }

    /// Whether letters in this language have a Welsh part (Welsh, or bilingual), and so need Welsh templates and
    /// the Welsh forms of configured texts.
    package var includesWelsh: Bool { letterLanguages.contains(.welsh) }
}

extension MergedLetter {
    /// One bilingual letter made of a Welsh and an English merge of the same case: the Welsh first, then the
    /// English, with one subject ("Welsh / English"), one text, one HTML document and one PDF.
    ///
    /// - Important: both letters must be merged from the same case with the same inputs; the result keeps the
    ///   Welsh kind, automatic flag and document, and its ``language`` is Welsh (the language it opens in).
    package static func bilingual(welsh: MergedLetter, english: MergedLetter) -> MergedLetter {
        let subject = "\(welsh.subject) / \(english.subject)"
        var document = welsh.document
        document.title = subject  // the PDF's and the HTML's title
        var letter = MergedLetter(
            kind: welsh.kind, language: .welsh, subject: subject, isAutomatic: welsh.isAutomatic, document: document)
        letter.english = english.document
        return letter
    }

    /// Whether the letter is bilingual: Welsh, then English.
    package var isBilingual: Bool { english != nil }

    /// The bilingual composition, when the letter is bilingual.
    var bilingual: BilingualLetter? { english.map { BilingualLetter(welsh: document, english: $0) } }
}

/// A Welsh letter and its English version as one letter: the Welsh part keeps the letterhead and the address (it
/// is what shows in the envelope window), then each part opens with its heading ("Fersiwn Gymraeg", "English
/// version") followed by its date, reference and salutation, so a reader of either language finds their part.
/// The PDF starts the English on a new page; the HTML marks each part with its language.
struct BilingualLetter {
    /// The heading of the Welsh part.
    static let welshHeading = "Fersiwn Gymraeg"
    /// The heading of the English part.
    static let englishHeading = "English version"
    /// The line, in both languages, that opens the email's text and HTML so an English reader knows to read on.
    static let notice = (welsh: "Mae'r fersiwn Saesneg yn dilyn.", english: "The English version follows.")

    let welsh: LetterDocument
    let english: LetterDocument

    /// The two parts as documents, Welsh first, each opening with its heading when `headed` (the HTML writes its
    /// own, one level above the letters' headings).
    func parts(headed: Bool = true) -> [LetterDocument] {
        [
            Self.part(welsh, heading: headed ? Self.welshHeading : nil, keepHead: true),
            Self.part(english, heading: headed ? Self.englishHeading : nil),
        ]
    }

    /// The parts as documents, Welsh first.
    var parts: [LetterDocument] { parts() }

    /// A part of the letter: its heading, then the date, reference and salutation as the opening paragraphs; the
    /// letterhead and address only in the first part.
    static func part(_ document: LetterDocument, heading: String?, keepHead: Bool = false) -> LetterDocument {
        var part = document
        if !keepHead {
            part.letterhead = []
            part.address = []
        }
        let opening = [part.date, part.reference, part.salutation].compactMap { $0 }.map(LetterDocument.Block.paragraph)
        part.blocks = (heading.map { [.heading($0)] } ?? []) + opening + part.blocks
        (part.date, part.reference, part.salutation) = (nil, nil, nil)
        return part
    }

    /// Plain text: the notice, the Welsh part, a rule, then the English part.
    var text: String {
        let renderer = TextRenderer()
        let parts = parts
        let rule = String(repeating: "=", count: renderer.width)
        return "\(Self.notice.welsh) \(Self.notice.english)\n\n" + renderer.render(parts[0]) + "\n\(rule)\n\n"
            + renderer.render(parts[1])
    }

    /// One HTML document in Welsh (`lang="cy"`), whose English part is marked `lang="en-GB"`.
    var html: String {
        let renderer = HTMLRenderer()
        let parts = parts(headed: false)
        var html = renderer.prologue(welsh)
        html +=
            "<p>\(renderer.escape(Self.notice.welsh)) "
            + "<a href=\"#english\" lang=\"en-GB\">\(renderer.escape(Self.notice.english))</a></p>\n"
        html += renderer.letterhead(parts[0]) + "<main>\n"
        html += "<article lang=\"\(LetterLanguage.welsh.bcp47)\" id=\"cymraeg\">\n"
        html += "<h1>\(Self.welshHeading)</h1>\n" + renderer.content(parts[0]) + "</article>\n<hr>\n"
        html += "<article lang=\"\(LetterLanguage.english.bcp47)\" id=\"english\">\n"
        html += "<h1>\(Self.englishHeading)</h1>\n" + renderer.content(parts[1])
        html += "</article>\n</main>\n" + renderer.epilogue
        return html
    }
}
