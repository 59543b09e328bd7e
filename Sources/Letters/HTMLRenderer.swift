/// Renders a ``LetterDocument`` as a complete, simple and accessible HTML document (for an email's
/// HTML part): the language is declared, the subject line is the page's one `<h1>` and the template's headings
/// are `<h2>`s, lists are lists, and every piece of text is escaped. Large print and easy read set the body's
/// font size in points, as on paper.
package struct HTMLRenderer: Sendable {
    /// The body text size in points for large print or easy read; nil for the reader's own size.
    package var fontSize: Int?
    /// Easy read: wider line spacing and more space between ideas.
    package var easyRead: Bool

    /// Makes a renderer.
    package init(fontSize: Int? = nil, easyRead: Bool = false) {
        self.fontSize = fontSize
        self.easyRead = easyRead
    }

    /// The style rules that make the letter large print or easy read (none for a standard letter).
    var accessibleStyle: String {
        var rules: [String] = []
        if let fontSize { rules.append("body { font-size: \(fontSize)pt; }") }
        if easyRead { rules.append("body { line-height: 1.8; } p, li { margin: 0 0 1.2em; }") }
        return rules.map { $0 + "\n" }.joined()
    }

    /// The document as HTML, ending with a newline.
    package func render(_ document: LetterDocument) -> String {
        prologue(document) + letterhead(document) + "<main>\n" + content(document) + "</main>\n" + epilogue
    }

    /// The end of every HTML document.
    let epilogue = "</body>\n</html>\n"

    /// The start of an HTML document, up to and including `<body>`: its language and title are the document's.
    func prologue(_ document: LetterDocument) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(document.language.bcp47)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(document.title))</title>
        <style>
        body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: #1a1a1a; background: #ffffff; max-width: 40em; margin: 1em auto; padding: 0 1em; }
        .letterhead { text-align: right; }
        h1 { font-size: 1.3rem; margin: 1.5em 0 1em; }
        h2 { font-size: 1.15rem; margin: 1.5em 0 0.5em; }
        \(accessibleStyle)</style>
        </head>
        <body>

        """
    }

    /// The letterhead as a `<header>`, or nothing when the document has none.
    func letterhead(_ document: LetterDocument) -> String {
        guard !document.letterhead.isEmpty else { return "" }
        var lines = document.letterhead.map(escape)
        lines[0] = "<strong>\(lines[0])</strong>"
        return "<header>\n<p class=\"letterhead\">\(lines.joined(separator: "<br>\n"))</p>\n</header>\n"
    }

    /// The letter from the address to the signature, the content of its `<main>`.
    func content(_ document: LetterDocument) -> String {
        var html = ""
        if !document.address.isEmpty {
            html += "<p class=\"address\">\(document.address.map(escape).joined(separator: "<br>\n"))</p>\n"
        }
        if let date = document.date { html += "<p class=\"date\">\(escape(date))</p>\n" }
        if let reference = document.reference { html += "<p class=\"reference\">\(escape(reference))</p>\n" }
        if !document.title.isEmpty { html += "<h1>\(escape(document.title))</h1>\n" }
        if let salutation = document.salutation { html += "<p>\(escape(salutation))</p>\n" }
        for block in document.blocks {
            switch block {
            case .heading(let text): html += "<h2>\(escape(text))</h2>\n"
            case .paragraph(let text): html += "<p>\(escape(text))</p>\n"
            case .lines(let lines): html += "<p>\(lines.map(escape).joined(separator: "<br>\n"))</p>\n"
            case .list(let items):
                html += "<ul>\n" + items.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
            }
        }
        if let closing = document.closing { html += "<p class=\"closing\">\(escape(closing))</p>\n" }
        if !document.signature.isEmpty {
            html += "<p class=\"signature\">\(document.signature.map(escape).joined(separator: "<br>\n"))</p>\n"
        }
        return html
    }

    /// Escapes text for HTML content and attribute values.
    func escape(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: bytes += Array("&amp;".utf8)
            case 0x3C: bytes += Array("&lt;".utf8)
            case 0x3E: bytes += Array("&gt;".utf8)
            case 0x22: bytes += Array("&quot;".utf8)
            case 0x27: bytes += Array("&#39;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
