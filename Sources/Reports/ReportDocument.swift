/// A report as a sequence of blocks (headings, paragraphs, tables, charts), with no case knowledge: Engine builds
/// it from the measures, ``ReportPDFRenderer`` and ``ReportHTMLRenderer`` print it.
package struct ReportDocument: Sendable, Equatable {
    /// The title (the PDF's metadata and first heading, the HTML `<title>`).
    package var title: String
    /// The organisation that publishes it (the PDF author, the running footer).
    package var organisation: String
    /// The document's language as a BCP 47 tag (`en-GB`).
    package var language: String
    /// The content, in reading order.
    package var blocks: [ReportBlock]

    package init(title: String, organisation: String, language: String = "en-GB", blocks: [ReportBlock]) {
        self.title = title
        self.organisation = organisation
        self.language = language
        self.blocks = blocks
    }

    /// Every chart in the document, in order.
    package var charts: [Chart] {
        blocks.compactMap { if case .chart(let chart) = $0 { chart } else { nil } }
    }
}

/// One block of a report.
package enum ReportBlock: Sendable, Equatable {
    /// A heading: level 1 is the document's title, 2 a section, 3 a subsection.
    case heading(level: Int, text: String)
    /// A paragraph of plain text.
    case paragraph(String)
    /// A list of short items.
    case bullets([String])
    /// A table of figures.
    case table(ReportTable)
    /// A chart, printed with its data table (its text alternative).
    case chart(Chart)
    /// Starts a new page in print (ignored in HTML).
    case pageBreak
}

/// A table: a caption, a header row and rows of text; numbers are already formatted.
package struct ReportTable: Sendable, Equatable {
    package var caption: String
    package var header: [String]
    package var rows: [[String]]

    package init(caption: String, header: [String], rows: [[String]]) {
        self.caption = caption
        self.header = header
        self.rows = rows.map { row in
            header.indices.map { $0 < row.count ? row[$0] : "" }
        }
    }
}
