import Foundation
import PalsTestKit
import Testing

@testable import Reports

/// A report prints as a tagged A4 PDF with page numbers, and as HTML with each chart's text alternatives.
@Suite("Report rendering")
struct ReportRenderingTests {
    static let document = ReportDocument(
        title: "Annual complaints report 2026-27", organisation: "Invented NHS Trust",
        blocks: [
            .heading(level: 1, text: "Annual complaints report 2026-27"),
            .paragraph("This report covers complaints received from 1 April 2026 to 31 March 2027."),
            .bullets(["One", "Two"]),
            .table(ReportTable(caption: "Figures", header: ["Measure", "Count"], rows: [["Received", "12"]])),
            .chart(ChartTests.monthly(received: [3, 0, 5], responded: [1, 2, 0])),
            .pageBreak,
            .heading(level: 2, text: "Subjects"),
            .chart(
                .bars(
                    BarChart(
                        title: "Complaints by subject", summary: "Subjects.", categoryHeading: "Subject",
                        categories: ["Communication", "Clinical treatment"],
                        series: [ChartSeries(name: "Complaints", values: [4, 2], pattern: .solid)]))),
        ])

    @Test("the PDF is tagged, A4, two pages long, numbered, and carries every chart title as text")
    func pdf() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.appending("report.pdf")
        try ReportPDFRenderer(creationDate: Date(timeIntervalSince1970: 1_800_000_000)).render(Self.document)
            .write(to: file)
        let info = try await ProcessRunner.runOffPool("/usr/bin/pdfinfo", [file.path])
        #expect(info.stdout.contains("Tagged:          yes"))
        #expect(info.stdout.contains("Pages:           2"))
        #expect(info.stdout.contains("595.276 x 841.89 pts (A4)"))
        #expect(info.stdout.contains("Author:          Invented NHS Trust"))
        let text = try await ProcessRunner.runOffPool("/usr/bin/pdftotext", ["-layout", file.path, "-"])
        for chart in Self.document.charts { #expect(text.stdout.contains(chart.title)) }
        #expect(text.stdout.contains("Page 1 of 2"))
        #expect(text.stdout.contains("Page 2 of 2"))
    }

    @Test("the HTML has a language, headings, and each chart with its title, description and data table")
    func html() {
        let html = ReportHTMLRenderer.render(Self.document)
        #expect(html.contains("<html lang=\"en-GB\">"))
        #expect(html.contains("<h1>Annual complaints report 2026-27</h1>"))
        #expect(html.contains("<title id=\"title-c1\">"))
        #expect(html.contains("<title id=\"title-c2\">Complaints by subject</title>"))
        #expect(html.contains("<caption>Complaints by subject</caption>"))
        #expect(html.contains("<th scope=\"row\">Communication</th><td class=\"n\">4</td>"))
        #expect(!html.contains("<script"))
    }

    @Test("text that looks like markup is shown as text in the HTML")
    func hostileText() {
        let document = ReportDocument(
            title: "<script>alert(1)</script>", organisation: "A & B \"Trust\"",
            blocks: [.paragraph("<img src=x onerror=alert(1)>")])
        let html = ReportHTMLRenderer.render(document)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img"))
        #expect(html.contains("A &amp; B &quot;Trust&quot;"))
    }
}
