import CPangoCairo
package import Foundation

/// Renders a ``LetterDocument`` as an A4 PDF through cairo and pango.
///
/// Page 1 has the letterhead at the top right and the recipient's address where the left window of a
/// DL envelope shows it (about 25 mm from the left edge, 50 mm from the top, for a window 20 mm from the
/// left and 45 mm from the top). Pages 2 onwards are numbered "Page 2 of 3" ("Tudalen 2 o 3" in Welsh).
/// Text is DejaVu Sans at 11 pt, or 16 pt for large print; pango is set to 72 dpi so a point is a point.
package struct PDFRenderer: Sendable {
    /// How the PDF is laid out.
    package struct Options: Sendable, Hashable {
        /// Large print: 16 pt body text (and nothing smaller) instead of 11 pt.
        package var largePrint: Bool
        /// The font family; DejaVu Sans covers Welsh ŵ ŷ and the rest of Latin Extended.
        package var fontFamily: String
        /// The PDF's creation date. When nil cairo stamps the current time, and two renders differ;
        /// pass the letter's date to make a preview byte-for-byte what is sent.
        package var creationDate: Date?

        /// Makes options.
        package init(largePrint: Bool = false, fontFamily: String = "DejaVu Sans", creationDate: Date? = nil) {
            self.largePrint = largePrint
            self.fontFamily = fontFamily
            self.creationDate = creationDate
        }

        /// The body text size in points.
        package var fontSize: Double { largePrint ? 16 : 11 }
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
        return sink.data
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
    private(set) var pageCount = 1
    var y = 0.0
    var page = 1

    let mm = PDFRenderer.mm
    var size: Double { options.fontSize }
    var left: Double { 25 * mm }
    var right: Double { PDFRenderer.pageWidth - 20 * mm }
    var width: Double { right - left }
    var top: Double { 20 * mm }
    var bottom: Double { PDFRenderer.pageHeight - 25 * mm }
    var gap: Double { size * 0.75 }

    init(pango: OpaquePointer, options: PDFRenderer.Options, language: LetterLanguage) {
        self.pango = pango
        self.options = options
        self.language = language
    }

    mutating func releaseLayouts() {
        for layout in layouts { g_object_unref(UnsafeMutableRawPointer(layout)) }
        layouts = []
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
        pango_layout_set_spacing(layout, Int32((size * 0.2 * 1024).rounded()))
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
            var bottom = place(
                layout(name, size: size + 1, bold: true, width: letterheadWidth, align: PANGO_ALIGN_RIGHT),
                x: letterheadX, top: 15 * mm)
            let rest = document.letterhead.dropFirst().joined(separator: "\n")
            if !rest.isEmpty {
                bottom = place(
                    layout(rest, size: size, width: letterheadWidth, align: PANGO_ALIGN_RIGHT), x: letterheadX,
                    top: bottom)
            }
            headerBottom = bottom
        }
        // Address: in the DL envelope window.
        if !document.address.isEmpty {
            let text = document.address.joined(separator: "\n")
            headerBottom = max(headerBottom, place(layout(text, size: size, width: 80 * mm), x: left, top: 50 * mm))
        }
        y = max(headerBottom + gap * 2, document.address.isEmpty ? 0 : 100 * mm, document.letterhead.isEmpty ? top : 0)

        for line in [document.date, document.reference].compactMap({ $0 }) {
            flow(layout(line, size: size, width: width), x: left)
        }
        if document.date != nil || document.reference != nil { y += gap }
        if let salutation = document.salutation {
            flow(layout(salutation, size: size, width: width), x: left)
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
                pendingHeading = layout(text, size: size + 1, bold: true, width: width)
            case .paragraph(let text):
                let paragraph = layout(text, size: size, width: width)
                flowKeepingHeading(&pendingHeading, with: paragraph)
                flow(paragraph, x: left)
                y += gap
            case .lines(let lines):
                let paragraph = layout(lines.joined(separator: "\n"), size: size, width: width)
                flowKeepingHeading(&pendingHeading, with: paragraph)
                flow(paragraph, x: left)
                y += gap
            case .list(let items):
                let indent = size * 1.4
                for (number, item) in items.enumerated() {
                    let text = layout(item, size: size, width: width - indent)
                    if number == 0 {
                        flowKeepingHeading(&pendingHeading, with: text)
                    } else {
                        ensure(height(text, lines: 1))
                    }
                    let first = flow(text, x: left + indent)
                    let bullet = layout("•", size: size, width: indent)
                    if let line = lines(of: bullet).first {
                        placed.append(
                            Placed(
                                layout: bullet, line: 0, x: left + line.xOffset, baseline: first.baseline,
                                page: first.page))
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
        if let closing = document.closing { tail.append(layout(closing, size: size, width: width)) }
        if !document.signature.isEmpty {
            var lines = document.signature
            lines[0] = lines[0]
            tail.append(layout(lines.joined(separator: "\n"), size: size, width: width))
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

    mutating func draw(on cr: OpaquePointer) {
        let footerSize = options.largePrint ? options.fontSize : 9
        var footers: [Int: OpaquePointer] = [:]
        if pageCount > 1 {
            for number in 2...pageCount {
                footers[number] = layout(
                    language.pageLabel(number, of: pageCount), size: footerSize, width: width, align: PANGO_ALIGN_CENTER
                )
            }
        }
        let byPage = Dictionary(grouping: placed, by: \.page)
        for number in 1...pageCount {
            cairo_set_source_rgb(cr, 0.05, 0.05, 0.05)
            for item in byPage[number] ?? [] {
                guard let line = pango_layout_get_line_readonly(item.layout, item.line) else { continue }
                cairo_move_to(cr, item.x, item.baseline)
                pango_cairo_show_layout_line(cr, line)
            }
            if let footer = footers[number], let line = pango_layout_get_line_readonly(footer, 0) {
                var logical = PangoRectangle()
                pango_layout_line_get_extents(line, nil, &logical)
                let x = left + Double(lines(of: footer).first?.xOffset ?? 0)
                cairo_move_to(cr, x, PDFRenderer.pageHeight - 12 * mm)
                pango_cairo_show_layout_line(cr, line)
            }
            cairo_show_page(cr)
        }
    }
}
