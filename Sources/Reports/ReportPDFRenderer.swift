import CPangoCairo
package import Foundation

/// Prints a ``ReportDocument`` as a tagged A4 PDF with cairo and pango: headings, paragraphs, tables and charts
/// are marked as `H1`/`H2`/`H3`, `P`, `L`/`LI`, `Table`/`TR`/`TH`/`TD` and `Figure` inside `Document` (cairo 1.16
/// structure tags), so a screen reader reads it in order and `pdfinfo` says "Tagged: yes". Every page has a footer
/// with the organisation, the title and "Page n of N".
package struct ReportPDFRenderer: Sendable {
    /// The PDF's creation date; `nil` lets cairo stamp the current time.
    package var creationDate: Date?

    package init(creationDate: Date? = nil) { self.creationDate = creationDate }

    static let pageWidth = 595.2756
    static let pageHeight = 841.8898
    static let mm = 72.0 / 25.4

    /// The document as PDF bytes.
    /// - Throws: ``ReportError`` when cairo reports an error.
    package func render(_ document: ReportDocument) throws(ReportError) -> Data {
        let sink = ReportPDFSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        guard
            let surface = cairo_pdf_surface_create_for_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<ReportPDFSink>.fromOpaque(closure).takeUnretainedValue().data.append(
                        data, count: Int(length))
                    return CAIRO_STATUS_SUCCESS
                }, unmanaged.toOpaque(), Self.pageWidth, Self.pageHeight)
        else { throw ReportError(.pdfRendering, note: "no surface") }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, document.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, document.organisation)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "pals")
        if let creationDate {
            let stamp = Self.pdfDate(creationDate)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, stamp)
        }
        guard let cr = cairo_create(surface) else { throw ReportError(.pdfRendering, note: "no cairo context") }
        defer { cairo_destroy(cr) }
        guard let pango = pango_cairo_create_context(cr) else {
            throw ReportError(.pdfRendering, note: "no pango context")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(pango)) }
        // Without this pango assumes 96 dpi and 10 pt comes out as 13.3 pt.
        pango_cairo_context_set_resolution(pango, 72)

        var composer = ReportComposer(pango: pango)
        defer { composer.release() }
        composer.compose(document)
        composer.draw(on: cr, document: document)

        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ReportError(.pdfRendering, note: String(cString: cairo_status_to_string(status)))
        }
        return sink.data
    }

    /// An ISO 8601 UTC time as cairo's metadata wants it.
    static func pdfDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Pango's units per point (PANGO_SCALE, a macro Swift does not import).
private let pangoScale = 1024.0

/// Collects the bytes cairo writes.
private final class ReportPDFSink {
    var data = Data()
}

/// Lays the blocks out on pages (a first pass that decides every position and page), then draws them in order
/// with their structure tags.
private struct ReportComposer {
    enum Operation {
        case begin(String)
        case end(String)
        case text(OpaquePointer, x: Double, y: Double)
        case fill(x: Double, y: Double, width: Double, height: Double)
        case rule(x1: Double, y1: Double, x2: Double, y2: Double)
        case chart(ChartLayout, x: Double, y: Double)
    }

    let pango: OpaquePointer
    private(set) var layouts: [OpaquePointer] = []
    private(set) var operations: [(page: Int, operation: Operation)] = []
    private(set) var pageCount = 1
    var page = 1
    var y = 0.0

    let mm = ReportPDFRenderer.mm
    var left: Double { 20 * mm }
    var right: Double { ReportPDFRenderer.pageWidth - 20 * mm }
    var width: Double { right - left }
    var top: Double { 20 * mm }
    var bottom: Double { ReportPDFRenderer.pageHeight - 22 * mm }

    init(pango: OpaquePointer) {
        self.pango = pango
        y = top
    }

    mutating func release() {
        for layout in layouts { g_object_unref(UnsafeMutableRawPointer(layout)) }
        layouts = []
    }

    /// A wrapped layout of `text` at `size` points, `width` wide.
    mutating func layout(
        _ text: String, size: Double, width: Double, bold: Bool = false, italic: Bool = false,
        align: PangoAlignment = PANGO_ALIGN_LEFT
    ) -> OpaquePointer {
        let layout = pango_layout_new(pango)!
        layouts.append(layout)
        let font = pango_font_description_new()
        defer { pango_font_description_free(font) }
        pango_font_description_set_family(font, "DejaVu Sans")
        pango_font_description_set_size(font, Int32((size * pangoScale).rounded()))
        if bold { pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD) }
        if italic { pango_font_description_set_style(font, PANGO_STYLE_ITALIC) }
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Int32(width * pangoScale))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, align)
        pango_layout_set_text(layout, text, -1)
        return layout
    }

    func height(_ layout: OpaquePointer) -> Double {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        return Double(logical.height) / pangoScale
    }

    mutating func emit(_ operation: Operation) { operations.append((page, operation)) }

    mutating func newPage() {
        page += 1
        pageCount = max(pageCount, page)
        y = top
    }

    /// Starts a new page unless `needed` points fit below `y`.
    mutating func ensure(_ needed: Double) {
        if y + needed > bottom, y > top { newPage() }
    }

    mutating func compose(_ document: ReportDocument) {
        emit(.begin("Document"))
        var index = 0
        let blocks = document.blocks
        while index < blocks.count {
            let block = blocks[index]
            switch block {
            case .heading(let level, let text):
                let size = level <= 1 ? 20.0 : level == 2 ? 14 : 11.5
                let heading = layout(text, size: size, width: width, bold: true)
                let headingHeight = height(heading)
                // Keep a heading with what follows it, up to and including the next chart or table.
                ensure(headingHeight + (level <= 1 ? 0 : keepTogether(after: index, in: blocks)))
                if level > 1, y > top { y += 8 }
                emit(.begin("H\(min(max(level, 1), 6))"))
                emit(.text(heading, x: left, y: y))
                emit(.end("H\(min(max(level, 1), 6))"))
                y += headingHeight + (level <= 1 ? 10 : 5)
            case .paragraph(let text):
                paragraph(text, size: 10.5)
            case .bullets(let items):
                emit(.begin("L"))
                for item in items {
                    let body = layout(item, size: 10.5, width: width - 14)
                    let bullet = layout("•", size: 10.5, width: 10)
                    ensure(height(body))
                    emit(.begin("LI"))
                    emit(.text(bullet, x: left + 2, y: y))
                    emit(.text(body, x: left + 14, y: y))
                    emit(.end("LI"))
                    y += height(body) + 3
                }
                emit(.end("L"))
                y += 5
            case .table(let table):
                self.table(table)
            case .chart(let chart):
                let chartHeight = ChartLayout.preferredHeight(of: chart, width: width)
                let caption = layout(chart.summary, size: 8.5, width: width, italic: true)
                ensure(chartHeight + height(caption) + 8)
                emit(.begin("Figure"))
                emit(.chart(ChartLayout(chart, width: width, height: chartHeight), x: left, y: y))
                emit(.end("Figure"))
                y += chartHeight + 6
                emit(.begin("Caption"))
                emit(.text(caption, x: left, y: y))
                emit(.end("Caption"))
                y += height(caption) + 14
            case .pageBreak:
                if y > top { newPage() }
            }
            index += 1
        }
        emit(.end("Document"))
    }

    /// The height of the blocks after a heading up to and including the first chart or table (at most two thirds
    /// of a page), so a heading and its introduction are not left at the foot of a page without their chart.
    mutating func keepTogether(after index: Int, in blocks: [ReportBlock]) -> Double {
        var needed = 0.0
        for block in blocks.dropFirst(index + 1) {
            switch block {
            case .paragraph(let text): needed += height(layout(text, size: 10.5, width: width)) + 7
            case .chart(let chart):
                let caption = layout(chart.summary, size: 8.5, width: width, italic: true)
                needed += ChartLayout.preferredHeight(of: chart, width: width) + height(caption) + 20
                return min(needed, (bottom - top) * 2 / 3)
            case .table: return min(needed + 80, (bottom - top) * 2 / 3)
            default: return min(max(needed, 80), (bottom - top) * 2 / 3)
            }
        }
        return min(max(needed, 80), (bottom - top) * 2 / 3)
    }

    mutating func paragraph(_ text: String, size: Double) {
        let body = layout(text, size: size, width: width)
        ensure(height(body))
        emit(.begin("P"))
        emit(.text(body, x: left, y: y))
        emit(.end("P"))
        y += height(body) + 7
    }

    /// A table: the first column takes what its longest cell needs (at most 45 %), the others share the rest.
    mutating func table(_ table: ReportTable) {
        let columns = max(table.header.count, 1)
        let firstShare = columns == 1 ? 1.0 : 0.45
        let firstWidth = width * firstShare
        let otherWidth = columns == 1 ? 0 : (width - firstWidth) / Double(columns - 1)
        func cells(_ row: [String], bold: Bool) -> [OpaquePointer] {
            row.enumerated().map { column, text in
                let cellWidth = column == 0 ? firstWidth : otherWidth
                return layout(
                    text, size: 9.5, width: cellWidth - 8, bold: bold,
                    align: column == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT)
            }
        }
        func x(of column: Int) -> Double { column == 0 ? left : left + firstWidth + Double(column - 1) * otherWidth }
        let caption = layout(table.caption, size: 10, width: width, bold: true)
        let header = cells(table.header, bold: true)
        let headerHeight = (header.map(height).max() ?? 12) + 6
        let rows = table.rows.map { cells($0, bold: false) }
        let rowHeights = rows.map { ($0.map(height).max() ?? 12) + 5 }
        // Keep a short table on one page, and the caption and header with the first row in any case.
        let whole = height(caption) + 4 + headerHeight + rowHeights.reduce(0, +)
        ensure(whole < bottom - top ? whole : height(caption) + headerHeight + (rowHeights.first ?? 0) + 8)
        emit(.begin("Table"))
        emit(.begin("Caption"))
        emit(.text(caption, x: left, y: y))
        emit(.end("Caption"))
        y += height(caption) + 4
        func placeHeader() {
            emit(.fill(x: left, y: y, width: width, height: headerHeight))
            emit(.begin("TR"))
            for (column, cell) in header.enumerated() {
                emit(.begin("TH"))
                emit(.text(cell, x: x(of: column) + 4, y: y + 3))
                emit(.end("TH"))
            }
            emit(.end("TR"))
            y += headerHeight
            emit(.rule(x1: left, y1: y, x2: right, y2: y))
        }
        placeHeader()
        for (row, rowHeight) in zip(rows, rowHeights) {
            if y + rowHeight > bottom {
                newPage()
                placeHeader()
            }
            emit(.begin("TR"))
            for (column, cell) in row.enumerated() {
                emit(.begin("TD"))
                emit(.text(cell, x: x(of: column) + 4, y: y + 2.5))
                emit(.end("TD"))
            }
            emit(.end("TR"))
            y += rowHeight
            emit(.rule(x1: left, y1: y, x2: right, y2: y))
        }
        emit(.end("Table"))
        y += 12
    }

    mutating func draw(on cr: OpaquePointer, document: ReportDocument) {
        var current = 1
        for (page, operation) in operations {
            while page > current {
                footer(on: cr, page: current, document: document)
                cairo_show_page(cr)
                current += 1
            }
            switch operation {
            case .begin(let tag): cairo_tag_begin(cr, tag, "")
            case .end(let tag): cairo_tag_end(cr, tag)
            case .text(let layout, let x, let y):
                ink(cr)
                cairo_move_to(cr, x, y)
                pango_cairo_show_layout(cr, layout)
            case .fill(let x, let y, let width, let height):
                set(cr, ChartPalette.track)
                cairo_rectangle(cr, x, y, width, height)
                cairo_fill(cr)
            case .rule(let x1, let y1, let x2, let y2):
                set(cr, ChartPalette.grid)
                cairo_set_line_width(cr, 0.6)
                cairo_move_to(cr, x1, y1)
                cairo_line_to(cr, x2, y2)
                cairo_stroke(cr)
            case .chart(let chart, let x, let y):
                paint(chart, on: cr, x: x, y: y)
            }
        }
        footer(on: cr, page: current, document: document)
        cairo_show_page(cr)
    }

    func ink(_ cr: OpaquePointer) { set(cr, ChartPalette.ink) }

    func set(_ cr: OpaquePointer, _ colour: (red: Double, green: Double, blue: Double)) {
        cairo_set_source_rgb(cr, colour.red, colour.green, colour.blue)
    }

    /// The running footer: organisation and title on the left, "Page n of N" on the right.
    mutating func footer(on cr: OpaquePointer, page: Int, document: ReportDocument) {
        let size = 8.5
        let where_ = layout("\(document.organisation) · \(document.title)", size: size, width: width * 0.78)
        // One line: a long organisation name is shortened with an ellipsis rather than wrapped into the margin.
        pango_layout_set_ellipsize(where_, PANGO_ELLIPSIZE_END)
        let number = layout("Page \(page) of \(pageCount)", size: size, width: width * 0.22, align: PANGO_ALIGN_RIGHT)
        let baseline = ReportPDFRenderer.pageHeight - 13 * mm
        ink(cr)
        cairo_move_to(cr, left, baseline)
        pango_cairo_show_layout(cr, where_)
        cairo_move_to(cr, left + width * 0.78, baseline)
        pango_cairo_show_layout(cr, number)
    }

    /// Draws a chart's marks with its top left at (`x`, `y`).
    mutating func paint(_ chart: ChartLayout, on cr: OpaquePointer, x: Double, y: Double) {
        cairo_save(cr)
        cairo_translate(cr, x, y)
        for mark in chart.marks {
            switch mark {
            case .rect(let rx, let ry, let w, let h, let fill):
                switch fill {
                case .series(.solid):
                    set(cr, ChartPalette.dark)
                    cairo_rectangle(cr, rx, ry, w, h)
                    cairo_fill(cr)
                case .series(.hatched):
                    set(cr, ChartPalette.light)
                    cairo_rectangle(cr, rx, ry, w, h)
                    cairo_fill(cr)
                    cairo_save(cr)
                    cairo_rectangle(cr, rx, ry, w, h)
                    cairo_clip(cr)
                    set(cr, ChartPalette.hatch)
                    cairo_set_line_width(cr, 1.1)
                    var offset = -h
                    while offset < w {
                        cairo_move_to(cr, rx + offset, ry + h)
                        cairo_line_to(cr, rx + offset + h, ry)
                        offset += 3.6
                    }
                    cairo_stroke(cr)
                    cairo_restore(cr)
                    outline(cr, rx, ry, w, h, ChartPalette.hatch)
                case .track:
                    set(cr, ChartPalette.track)
                    cairo_rectangle(cr, rx, ry, w, h)
                    cairo_fill(cr)
                    outline(cr, rx, ry, w, h, ChartPalette.ink)
                }
            case .line(let x1, let y1, let x2, let y2, let stroke):
                set(cr, stroke == .axis ? ChartPalette.ink : ChartPalette.grid)
                cairo_set_line_width(cr, stroke == .axis ? 0.8 : 0.5)
                cairo_move_to(cr, x1, y1)
                cairo_line_to(cr, x2, y2)
                cairo_stroke(cr)
            case .text(let text, let tx, let ty, let size, let anchor, let bold):
                let line = layout(text, size: size, width: chart.width + 200, bold: bold)
                pango_layout_set_width(line, -1)
                var logical = PangoRectangle()
                pango_layout_get_extents(line, nil, &logical)
                let textWidth = Double(logical.width) / pangoScale
                let baseline = Double(pango_layout_get_baseline(line)) / pangoScale
                let left = anchor == .start ? tx : anchor == .middle ? tx - textWidth / 2 : tx - textWidth
                ink(cr)
                cairo_move_to(cr, left, ty - baseline)
                pango_cairo_show_layout(cr, line)
            }
        }
        cairo_restore(cr)
    }

    func outline(
        _ cr: OpaquePointer, _ x: Double, _ y: Double, _ w: Double, _ h: Double,
        _ colour: (red: Double, green: Double, blue: Double)
    ) {
        set(cr, colour)
        cairo_set_line_width(cr, 0.6)
        cairo_rectangle(cr, x, y, w, h)
        cairo_stroke(cr)
    }
}
