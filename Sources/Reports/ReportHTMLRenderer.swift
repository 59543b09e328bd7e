/// Prints a ``ReportDocument`` as one self-contained HTML page: no scripts, no outside files, each chart as inline
/// SVG with its title and description, and its data table beside it.
package enum ReportHTMLRenderer {
    /// The page's markup.
    package static func render(_ document: ReportDocument) -> String {
        let e = ChartSVG.escape
        var out = """
            <!DOCTYPE html>
            <html lang="\(e(document.language))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="author" content="\(e(document.organisation))">
            <title>\(e(document.title))</title>
            <style>
            body { font-family: "DejaVu Sans", Verdana, sans-serif; line-height: 1.5; color: #262626; max-width: 60rem;
              margin: 2rem auto; padding: 0 1rem; }
            table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
            caption { text-align: left; font-weight: bold; padding-bottom: 0.25rem; }
            th, td { border: 1px solid #7f7f7f; padding: 0.2rem 0.6rem; text-align: left; }
            td.n { text-align: right; }
            figure { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; margin: 1rem 0 2rem; }
            figure svg { max-width: 100%; height: auto; }
            figcaption { flex-basis: 100%; font-style: italic; }
            </style>
            </head>
            <body>

            """
        var chartNumber = 0
        for block in document.blocks {
            switch block {
            case .heading(let level, let text):
                let tag = "h\(min(max(level, 1), 6))"
                out += "<\(tag)>\(e(text))</\(tag)>\n"
            case .paragraph(let text):
                out += "<p>\(e(text))</p>\n"
            case .bullets(let items):
                out += "<ul>\n" + items.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
            case .table(let table):
                out += self.table(table)
            case .chart(let chart):
                chartNumber += 1
                out += "<figure>\n" + ChartSVG.svg(chart, id: "c\(chartNumber)") + "\n"
                out += self.table(chart.table)
                out += "<figcaption>\(e(chart.summary))</figcaption>\n</figure>\n"
            case .pageBreak:
                continue
            }
        }
        return out + "</body>\n</html>\n"
    }

    /// A table with its caption and header cells scoped to their columns; numeric cells right-aligned.
    static func table(_ table: ReportTable) -> String {
        let e = ChartSVG.escape
        var out = "<table>\n<caption>\(e(table.caption))</caption>\n<thead><tr>"
        out += table.header.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                if index == 0 {
                    out += "<th scope=\"row\">\(e(cell))</th>"
                } else {
                    out += isNumeric(cell) ? "<td class=\"n\">\(e(cell))</td>" : "<td>\(e(cell))</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// Whether a cell holds a figure (digits, with an optional % or decimal point).
    static func isNumeric(_ cell: String) -> Bool {
        !cell.isEmpty && cell.allSatisfy { $0.isNumber || $0 == "." || $0 == "%" || $0 == "-" || $0 == "," }
    }
}
