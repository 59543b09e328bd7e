import CPangoCairo
package import Foundation

/// Renders a ``LetterDocument`` as an A4 PDF through cairo and pango.
///
/// Page 1 has the letterhead at the top right and the recipient's address where the left window of a
/// DL envelope shows it (about 25 mm from the left edge, 50 mm from the top, for a window 20 mm from the
/// left and 45 mm from the top). Pages 2 onwards are numbered "Page 2 of 3" ("Tudalen 2 o 3" in Welsh).
/// Text is DejaVu Sans at 11 pt, or 16, 20 or 24 pt for large print, and 16 pt with wider spacing for easy read;
/// pango is set to 72 dpi so a point is a point.
///
/// The PDF is tagged for screen readers (PDF/UA-style structure through cairo's tags): a `Document` holding the
/// subject line as `H1`, the template's headings as `H2`, every other block as `P`, and lists as `L` / `LI` /
/// `Lbl` / `LBody`; page numbers are left out of the structure. Its title is the subject line (the reference,
/// never a name), its author the organisation, and its language (`/Lang`, which cairo 1.16 has no call for) is
/// added by an incremental update of the catalog (``PDFCatalog``).
package struct PDFRenderer: Sendable {
    /// How the PDF is laid out.
    package struct Options: Sendable, Hashable {
        /// Large print: body text (and nothing smaller) at ``largePrintSize`` instead of 11 pt.
        package var largePrint: Bool
        /// The large-print size in points: 16, 20 or 24 (``LargePrintSize``).
        package var largePrintSize: LargePrintSize
        /// Easy read: at least 16 pt, with wide line spacing and a wide gap between ideas.
        package var easyRead: Bool
        /// The font family; DejaVu Sans covers Welsh ŵ ŷ and the rest of Latin Extended.
        package var fontFamily: String
        /// The PDF's creation date. When nil cairo stamps the current time, and two renders differ;
        /// pass the letter's date to make a preview byte-for-byte what is sent.
        package var creationDate: Date?

        /// Makes options.
        package init(
            largePrint: Bool = false, largePrintSize: LargePrintSize = .default, easyRead: Bool = false,
            fontFamily: String = "DejaVu Sans", creationDate: Date? = nil
        ) {
            self.largePrint = largePrint
            self.largePrintSize = largePrintSize
            self.easyRead = easyRead
            self.fontFamily = fontFamily
            self.creationDate = creationDate
        }

        /// The body text size in points.
        package var fontSize: Double {
            if largePrint { return Double(largePrintSize.rawValue) }
            return easyRead ? 16 : 11
        }

        /// Whether no text may be smaller than the body text (page numbers included).
        var nothingSmaller: Bool { largePrint || easyRead }

        /// The space between the lines of a block, as a share of the font size.
        var lineSpacing: Double { easyRead ? 0.5 : 0.2 }

        /// The space between blocks, as a share of the font size.
        var blockGap: Double { easyRead ? 1.25 : 0.75 }
    }

    /// The layout options.
    package var options: Options

    /// Makes a renderer.
    package init(options: Options = .init()) { self.options = options }

    /// A4 in points.
    static let pageWidth = 595.2756
    static let pageHeight = 841.8898
    static let mm = 72.0 / 25.4

    /// An ISO 8601 UTC time as cairo's metadata wants it.
    static func pdfDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// The document as PDF bytes.
    /// - Throws: ``LetterError/Code/pdfRendering`` if cairo reports an error.
    package func render(_ document: LetterDocument) throws(LetterError) -> Data {
        try render([document])
    }

    /// Documents one after another in one PDF, each starting on a new page with its own page numbers (a
    /// bilingual letter: the Welsh, then the English). The title, author and language come from the first.
    package func render(_ documents: [LetterDocument]) throws(LetterError) -> Data {
        guard let document = documents.first else { throw LetterError(.pdfRendering, note: "no document") }
        let sink = PDFSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        guard
            let surface = cairo_pdf_surface_create_for_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
                    return CAIRO_STATUS_SUCCESS
                }, unmanaged.toOpaque(), Self.pageWidth, Self.pageHeight)
        else { throw LetterError(.pdfRendering, note: "no surface") }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "pals")
        if let date = options.creationDate {
            let stamp = Self.pdfDate(date)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, stamp)
        }
        if let organisation = document.letterhead.first {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, organisation)
        }
        guard let cr = cairo_create(surface) else { throw LetterError(.pdfRendering, note: "no cairo context") }
        defer { cairo_destroy(cr) }
        guard let pango = pango_cairo_create_context(cr) else {
            throw LetterError(.pdfRendering, note: "no pango context")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(pango)) }
        // Without this pango assumes 96 dpi and 11 pt comes out as 14.7 pt.
        pango_cairo_context_set_resolution(pango, 72)

        for part in documents {
            var page = PageComposer(pango: pango, options: options, language: part.language)
            defer { page.releaseLayouts() }
            page.compose(part)
            page.draw(on: cr)
        }

        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw LetterError(.pdfRendering, note: String(cString: cairo_status_to_string(status)))
        }
        guard let stamped = PDFCatalog.addingLanguage(document.language.bcp47, to: sink.data) else {
            throw LetterError(.pdfRendering, note: "cairo wrote no catalog to declare the language in")
        }
        return stamped
    }
}

/// Collects the bytes cairo writes.
private final class PDFSink {
    var data = Data()
}

/// Lays the document out on pages (a first pass that places every line) and then draws it.
private struct PageComposer {
    struct Placed {
        let layout: OpaquePointer
        let line: Int32
        let x: Double
        let baseline: Double
        let page: Int
    }
    /// One element of the structure tree: its role (`P`, `H1`, `LI`…) and a number telling two elements apart.
    struct Element: Equatable {
        let role: String
        let id: Int
    }
    struct Line {
        let index: Int32
        let height: Double
        let ascent: Double
        let xOffset: Double
    }

    let pango: OpaquePointer
    let options: PDFRenderer.Options
    let language: LetterLanguage
    private(set) var layouts: [OpaquePointer] = []
    private(set) var placed: [Placed] = []
    /// Where each layout sits in the structure tree, outermost element first (under `Document`); a layout with
    /// no path (a page number) is left out of the structure.
    private(set) var structure: [OpaquePointer: [Element]] = [:]
    private var elementCount = 0
    private(set) var pageCount = 1
    var y = 0.0
    var page = 1

    let mm = PDFRenderer.mm
    var size: Double { options.fontSize }
    var left: Double { 25 * mm }
    var right: Double { PDFRenderer.pageWidth - 20 * mm }
    var width: Double { right - left }
    var top: Double { 20 * mm }
    var bottom: Double { PDFRenderer.pageHeight - (size >= 20 ? 30 : 25) * mm }
    var gap: Double { size * options.blockGap }
    /// The recipient's address stays at most 16 pt, so it fits the envelope window in every print size; so does the
    /// letterhead beside it, so a telephone number or an address line is not broken over lines in its column.
    var addressSize: Double { min(size, 16) }

    init(pango: OpaquePointer, options: PDFRenderer.Options, language: LetterLanguage) {
        self.pango = pango
        self.options = options
        self.language = language
    }

    mutating func releaseLayouts() {
        for layout in layouts { g_object_unref(UnsafeMutableRawPointer(layout)) }
        layouts = []
    }

    /// A new element of the structure tree.
    mutating func element(_ role: String) -> Element {
        elementCount += 1
        return Element(role: role, id: elementCount)
    }

    /// A layout that is one block of the structure: a `P`, `H1` or `H2` of its own.
    mutating func block(
        _ role: String, _ text: String, size: Double, bold: Bool = false, width: Double,
        align: PangoAlignment = PANGO_ALIGN_LEFT
    ) -> OpaquePointer {
        let made = layout(text, size: size, bold: bold, width: width, align: align)
        structure[made] = [element(role)]
        return made
    }

    mutating func layout(
        _ text: String, size: Double, bold: Bool = false, width: Double, align: PangoAlignment = PANGO_ALIGN_LEFT
    )
        -> OpaquePointer
    {
        let layout = pango_layout_new(pango)!
        let font = pango_font_description_new()
        pango_font_description_set_family(font, options.fontFamily)
        pango_font_description_set_size(font, Int32((size * 1024).rounded()))
        pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_width(layout, Int32((width * 1024).rounded()))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, align)
        pango_layout_set_spacing(layout, Int32((size * options.lineSpacing * 1024).rounded()))
        // Plain text, never pango markup: nothing in a value can change the formatting.
        pango_layout_set_text(layout, text, -1)
        layouts.append(layout)
        return layout
    }

    func lines(of layout: OpaquePointer) -> [Line] {
        var result: [Line] = []
        guard let iterator = pango_layout_get_iter(layout) else { return result }
        defer { pango_layout_iter_free(iterator) }
        var index: Int32 = 0
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iterator, nil, &logical)
            let baseline = Double(pango_layout_iter_get_baseline(iterator)) / 1024
            let lineTop = Double(logical.y) / 1024
            let spacing = Double(pango_layout_get_spacing(layout)) / 1024
            result.append(
                Line(
                    index: index, height: Double(logical.height) / 1024 + spacing, ascent: baseline - lineTop,
                    xOffset: Double(logical.x) / 1024))
            index += 1
        } while pango_layout_iter_next_line(iterator) != 0
        return result
    }

    /// Places a layout's lines at `x` from the cursor, breaking pages between lines.
    /// Returns the page and baseline of the first line.
    @discardableResult
    mutating func flow(_ layout: OpaquePointer, x: Double) -> (page: Int, baseline: Double) {
        var first: (Int, Double)?
        for line in lines(of: layout) {
            if y + line.height > bottom, y > top { newPage() }
            let baseline = y + line.ascent
            placed.append(Placed(layout: layout, line: line.index, x: x + line.xOffset, baseline: baseline, page: page))
            if first == nil { first = (page, baseline) }
            y += line.height
        }
        return first ?? (page, y)
    }

    /// Places a layout at a fixed position on page 1; returns its bottom.
    mutating func place(_ layout: OpaquePointer, x: Double, top: Double) -> Double {
        var y = top
        for line in lines(of: layout) {
            placed.append(
                Placed(layout: layout, line: line.index, x: x + line.xOffset, baseline: y + line.ascent, page: 1))
            y += line.height
        }
        return y
    }

    func height(_ layout: OpaquePointer, lines count: Int = .max) -> Double {
        lines(of: layout).prefix(count).reduce(0) { $0 + $1.height }
    }

    mutating func newPage() {
        page += 1
        pageCount = max(pageCount, page)
        y = top
    }

    mutating func ensure(_ needed: Double) {
        if y + needed > bottom, y > top { newPage() }
    }

    mutating func compose(_ document: LetterDocument) {
        var headerBottom = 0.0
        // Letterhead: top right.
        let letterheadWidth = 85 * mm
        let letterheadX = right - letterheadWidth
        if let name = document.letterhead.first {
            let letterhead = element("P")
            let nameLayout = layout(
                name, size: addressSize + 1, bold: true, width: letterheadWidth, align: PANGO_ALIGN_RIGHT)
            structure[nameLayout] = [letterhead]
            var bottom = place(nameLayout, x: letterheadX, top: 15 * mm)
            let rest = document.letterhead.dropFirst().joined(separator: "\n")
            if !rest.isEmpty {
                let restLayout = layout(rest, size: addressSize, width: letterheadWidth, align: PANGO_ALIGN_RIGHT)
                structure[restLayout] = [letterhead]
                bottom = place(restLayout, x: letterheadX, top: bottom)
            }
            headerBottom = bottom
        }
        // Address: in the DL envelope window.
        if !document.address.isEmpty {
            let text = document.address.joined(separator: "\n")
            headerBottom = max(
                headerBottom, place(block("P", text, size: addressSize, width: 80 * mm), x: left, top: 50 * mm))
        }
        y = max(headerBottom + gap * 2, document.address.isEmpty ? 0 : 100 * mm, document.letterhead.isEmpty ? top : 0)

        for line in [document.date, document.reference].compactMap({ $0 }) {
            flow(block("P", line, size: size, width: width), x: left)
        }
        if document.date != nil || document.reference != nil { y += gap }
        // The subject line is the letter's title: its one H1.
        if !document.title.isEmpty {
            let title = block("H1", document.title, size: size + 2, bold: true, width: width)
            ensure(height(title) + gap + size * 2)
            flow(title, x: left)
            y += gap
        }
        if let salutation = document.salutation {
            flow(block("P", salutation, size: size, width: width), x: left)
            y += gap
        }
        var pendingHeading: OpaquePointer?
        for block in document.blocks {
            switch block {
            case .heading(let text):
                if let heading = pendingHeading {
                    flow(heading, x: left)
                    y += gap / 2
                }
                pendingHeading = self.block("H2", text, size: size + 1, bold: true, width: width)
            case .paragraph(let text):
                let paragraph = self.block("P", text, size: size, width: width)
                flowKeepingHeading(&pendingHeading, with: paragraph)
                flow(paragraph, x: left)
                y += gap
            case .lines(let lines):
                let paragraph = self.block("P", lines.joined(separator: "\n"), size: size, width: width)
                flowKeepingHeading(&pendingHeading, with: paragraph)
                flow(paragraph, x: left)
                y += gap
            case .list(let items):
                let indent = size * 1.4
                let list = element("L")
                for (number, item) in items.enumerated() {
                    let entry = element("LI")
                    let text = layout(item, size: size, width: width - indent)
                    structure[text] = [list, entry, element("LBody")]
                    if number == 0 {
                        flowKeepingHeading(&pendingHeading, with: text)
                    } else {
                        ensure(height(text, lines: 1))
                    }
                    let start = placed.count
                    let first = flow(text, x: left + indent)
                    let bullet = layout("•", size: size, width: indent)
                    structure[bullet] = [list, entry, element("Lbl")]
                    if let line = lines(of: bullet).first {
                        // Before the item's text, so the label comes first in the structure and the reading order.
                        placed.insert(
                            Placed(
                                layout: bullet, line: 0, x: left + line.xOffset, baseline: first.baseline,
                                page: first.page),
                            at: start)
                    }
                    y += gap / 3
                }
                y += gap * 2 / 3
            }
        }
        if let heading = pendingHeading {
            flow(heading, x: left)
            y += gap
        }
        // Closing and signature stay together.
        var tail: [OpaquePointer] = []
        if let closing = document.closing { tail.append(block("P", closing, size: size, width: width)) }
        if !document.signature.isEmpty {
            tail.append(block("P", document.signature.joined(separator: "\n"), size: size, width: width))
        }
        let tailHeight = tail.reduce(0) { $0 + height($1) } + gap * 2.5
        ensure(tailHeight)
        for (index, part) in tail.enumerated() {
            flow(part, x: left)
            if index == 0 { y += gap * 2.5 }
        }
    }

    /// Keeps a heading on the same page as the first two lines of what follows it.
    mutating func flowKeepingHeading(_ heading: inout OpaquePointer?, with next: OpaquePointer) {
        guard let pending = heading else {
            ensure(height(next, lines: 2))
            return
        }
        ensure(height(pending) + gap / 2 + height(next, lines: 2))
        flow(pending, x: left)
        y += gap / 2
        heading = nil
    }

    /// Draws every page, tagging each line with its place in the structure tree.
    ///
    /// Each page's number is drawn first, outside every element but `Document`, and every element still open at the
    /// end of a page is closed there (a paragraph that runs on is continued by a second element of its role on the
    /// next page): cairo would otherwise put the next page's number inside the open element.
    mutating func draw(on cr: OpaquePointer) {
        let footerSize = options.nothingSmaller ? options.fontSize : 9
        var footers: [Int: OpaquePointer] = [:]
        if pageCount > 1 {
            for number in 2...pageCount {
                footers[number] = layout(
                    language.pageLabel(number, of: pageCount), size: footerSize, width: width, align: PANGO_ALIGN_CENTER
                )
            }
        }
        let byPage = Dictionary(grouping: placed, by: \.page)
        cairo_tag_begin(cr, "Document", "")
        for number in 1...pageCount {
            cairo_set_source_rgb(cr, 0.05, 0.05, 0.05)
            if let footer = footers[number], let line = pango_layout_get_line_readonly(footer, 0) {
                let x = left + Double(lines(of: footer).first?.xOffset ?? 0)
                cairo_move_to(cr, x, PDFRenderer.pageHeight - 12 * mm)
                pango_cairo_show_layout_line(cr, line)
            }
            var open: [Element] = []
            for item in byPage[number] ?? [] {
                guard let line = pango_layout_get_line_readonly(item.layout, item.line) else { continue }
                let path = structure[item.layout] ?? []
                var shared = 0
                while shared < open.count, shared < path.count, open[shared] == path[shared] { shared += 1 }
                for element in open[shared...].reversed() { cairo_tag_end(cr, element.role) }
                for element in path[shared...] { cairo_tag_begin(cr, element.role, "") }
                open = path
                cairo_move_to(cr, item.x, item.baseline)
                pango_cairo_show_layout_line(cr, line)
            }
            for element in open.reversed() { cairo_tag_end(cr, element.role) }
            if number == pageCount { cairo_tag_end(cr, "Document") }
            cairo_show_page(cr)
        }
    }
}
