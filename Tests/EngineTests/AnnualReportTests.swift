import Casework
import Foundation
import PalsTestKit
import Primitives
import Reports
import Testing

@testable import Engine

/// The annual report of the invented two-year register, as the files a complaints manager publishes.
@Suite("The annual complaints report", .serialized)
struct AnnualReportTests {
    @Test("the PDF of two years of cases is tagged, A4, four pages, shows every chart's title and names no one")
    func annualPDF() async throws {
        let plans = ComplaintMeasuresTests.plans()
        let ws = try await ComplaintMeasuresTests.register(plans)
        defer { ws.folder.remove() }
        let out = ws.folder.appending("out")
        let (files, document) = try await offPool {
            let book = try ws.casebook()
            let inputs = try book.reportInputs(generalImportance: [
                "INVENTED: complaints about discharge letters led to a new checklist on every ward."
            ])
            let document = AnnualReport.annual(
                year: try FinancialYear(parsing: "2026-27"), edition: .england, inputs: inputs,
                asOf: CivilDate(iso: "2027-05-01")!)
            let files = try ReportFiles.write(
                document, baseName: "annual-report-2026-27", folder: out, creationDate: book.clock.now())
            return (files, document)
        }
        // To look at the report (pdftoppm), set PALS_KEEP_REPORT to a folder and the files are copied there.
        if let keep = ProcessInfo.processInfo.environment["PALS_KEEP_REPORT"], !keep.isEmpty {
            for file in files {
                let copy = URL(filePath: keep).appending(path: file.lastPathComponent)
                try? FileManager.default.removeItem(at: copy)
                try FileManager.default.copyItem(at: file, to: copy)
            }
        }
        #expect(files.map(\.lastPathComponent) == ["annual-report-2026-27.pdf", "annual-report-2026-27.html"])
        let info = try await ProcessRunner.runOffPool("/usr/bin/pdfinfo", [files[0].path]).stdout
        #expect(info.contains("Tagged:          yes"), "\(info)")
        #expect(info.contains("(A4)"), "\(info)")
        #expect(info.contains("Pages:           4"), "\(info)")
        let text = try await ProcessRunner.runOffPool("/usr/bin/pdftotext", [files[0].path, "-"]).stdout
        #expect(document.charts.count == 6)
        for chart in document.charts { #expect(text.contains(chart.title), "missing chart \(chart.title)") }
        #expect(text.contains("Page 4 of 4"))
        #expect(text.contains("INVENTED: complaints about discharge letters"))
        let html = try String(contentsOf: files[1], encoding: .utf8)
        for hidden in ["PALS-20", "Eira", "INVENTED: a long wait", "Emergency Department"] {
            #expect(!text.contains(hidden), "the PDF shows \(hidden)")
            #expect(!html.contains(hidden), "the HTML shows \(hidden)")
        }
        // The figures printed are the measured ones.
        let measures = ComplaintMeasures.measure(
            try await offPool { try ws.casebook().measuredCases().cases },
            period: ReportPeriod(year: try FinancialYear(parsing: "2026-27")), asOf: CivilDate(iso: "2027-05-01")!)
        #expect(text.contains("\(measures.complaintsReceived) complaints were received in 2026-27"))
    }

    @Test("each nation's edition has its own title and sections")
    func editions() throws {
        let inputs = AnnualReport.Inputs(organisation: "Invented Health Board", cases: [])
        let year = try FinancialYear(parsing: "2026-27")
        let asOf = CivilDate(iso: "2027-05-01")!
        func headings(_ edition: ReportEdition) -> [String] {
            AnnualReport.annual(year: year, edition: edition, inputs: inputs, asOf: asOf).blocks.compactMap {
                if case .heading(_, let text) = $0 { text } else { nil }
            }
        }
        #expect(headings(.england).first == "Annual complaints report 2026-27")
        #expect(headings(.england).contains("Referrals to the Parliamentary and Health Service Ombudsman"))
        #expect(headings(.england).contains("Matters of general importance and action taken"))
        #expect(headings(.wales).first == "Annual report on concerns 2026-27")
        #expect(headings(.wales).contains("Lessons learned and action taken"))
        #expect(headings(.wales).contains("Referrals to the Public Services Ombudsman for Wales"))
        #expect(headings(.scotland).first == "Annual complaints performance report 2026-27")
        #expect(headings(.scotland).contains("Performance at each stage (SPSO model indicators)"))
        #expect(headings(.northernIrelandModel).contains("Performance at each stage (NIPSO model indicators)"))
        #expect(headings(.northernIreland).contains("Referrals to the Northern Ireland Public Services Ombudsman"))
        #expect(!headings(.northernIreland).contains { $0.hasPrefix("Performance at each stage") })
    }

    @Test("a year with no cases prints zeros and 'none due', never a division by zero")
    func emptyYear() async throws {
        let inputs = AnnualReport.Inputs(organisation: "Invented NHS Trust", cases: [])
        let document = AnnualReport.annual(
            year: try FinancialYear(parsing: "2026-27"), edition: .england, inputs: inputs,
            asOf: CivilDate(iso: "2027-05-01")!)
        let pdf = try ReportPDFRenderer().render(document)
        #expect(pdf.count > 1000)
        let html = ReportHTMLRenderer.render(document)
        #expect(html.contains("none due"))
        #expect(!html.contains("NaN") && !html.contains("\"nan\"") && !html.contains("\"inf\""))
    }

    @Test("the general-importance file is read as paragraphs; a link or an over-long file is refused")
    func generalImportanceFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.appending("matters.txt")
        try Data("First line\nwraps here.\n\nSecond \u{1B}[31m paragraph.\n".utf8).write(to: file)
        let paragraphs = try ReportFiles.paragraphs(fromFile: file)
        #expect(paragraphs.count == 2)
        #expect(paragraphs[0] == "First line wraps here.")
        #expect(!paragraphs[1].contains("\u{1B}"))
        let link = folder.appending("link.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        #expect(throws: ReportPeriodError.self) { try ReportFiles.paragraphs(fromFile: link) }
        let big = folder.appending("big.txt")
        try Data(repeating: 65, count: 70_000).write(to: big)
        #expect(throws: ReportPeriodError.self) { try ReportFiles.paragraphs(fromFile: big) }
    }
}
