import Foundation
import PalsTestKit
import Testing

/// `pals report annual` and `pals report performance` through the real binary: files written safely, careless and
/// hostile arguments refused with words to act on.
@Suite("pals report annual and performance, run as a real binary", .serialized)
struct ReportAnnualCommandTests {
    @Test("annual writes a tagged PDF and an HTML page into the workspace's Reports folder, naming no one")
    func annual() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let result = try await ws.pals(["report", "annual", "--year", "2026-27"])
        #expect(result.status == 0, "\(result)")
        let pdf = ws.workspace + "/Reports/annual-report-2026-27.pdf"
        let html = ws.workspace + "/Reports/annual-report-2026-27.html"
        #expect(result.stdout == pdf + "\n" + html + "\n")
        let info = try await ProcessRunner.runOffPool("/usr/bin/pdfinfo", [pdf])
        #expect(info.stdout.contains("Tagged:          yes"), "\(info)")
        let text = try await ProcessRunner.runOffPool("/usr/bin/pdftotext", [pdf, "-"]).stdout
        #expect(text.contains("Annual complaints report 2026-27"))
        #expect(text.contains("Complaints received and responded to, by month"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        for hidden in [reference, "Eira", "Emergency Department"] {
            #expect(!text.contains(hidden), "the PDF shows \(hidden)")
            #expect(!page.contains(hidden), "the HTML shows \(hidden)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: pdf)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("a year that is not a financial year, or a backwards period, is a usage error saying what is expected")
    func carelessArguments() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let year = try await ws.pals(["report", "annual", "--year", "2026-28"])
        #expect(year.status == 64, "\(year)")
        #expect(year.stderr.contains("2026-27"), "\(year.stderr)")
        let words = try await ws.pals(["report", "annual", "--year", "last year"])
        #expect(words.status == 64, "\(words)")
        let backwards = try await ws.pals(["report", "performance", "--from", "2026-09-30", "--to", "2026-07-01"])
        #expect(backwards.status == 64, "\(backwards)")
        #expect(backwards.stderr.contains("before it starts"), "\(backwards.stderr)")
        let notADate = try await ws.pals(["report", "performance", "--from", "1/7/2026", "--to", "2026-07-01"])
        #expect(notADate.status == 64, "\(notADate)")
        #expect(!FileManager.default.fileExists(atPath: ws.workspace + "/Reports"))
    }

    @Test(
        "an output folder that is a symbolic link, or a link where the PDF would go, is refused; nothing goes through"
    )
    func hostileOutput() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let target = ws.folder.appending("elsewhere")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let link = ws.folder.appending("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let linked = try await ws.pals(["report", "annual", "--year", "2026-27", "--output", link.path])
        #expect(linked.status == 1, "\(linked)")
        #expect(linked.stderr.contains("symbolic link"), "\(linked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)

        let out = ws.folder.appending("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let victim = ws.folder.appending("victim.txt")
        try Data("keep me".utf8).write(to: victim)
        try FileManager.default.createSymbolicLink(
            at: out.appending(path: "annual-report-2026-27.pdf"), withDestinationURL: victim)
        let planted = try await ws.pals(["report", "annual", "--year", "2026-27", "--output", out.path])
        #expect(planted.status == 1, "\(planted)")
        #expect(planted.stderr.contains("symbolic link"), "\(planted.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me")
    }

    @Test("performance prints its figures as text or JSON with the previous period beside them")
    func performance() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        _ = try await ws.logExample()
        let text = try await ws.pals([
            "report", "performance", "--from", "2026-10-01", "--to", "2026-12-31", "--format", "text",
        ])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("previous: 2026-07-01 to 2026-09-30"), "\(text.stdout)")
        #expect(text.stdout.contains("Complaints received"), "\(text.stdout)")
        let json = try await ws.pals([
            "report", "performance", "--from", "2026-10-01", "--to", "2026-12-31", "--format", "json",
        ])
        #expect(json.status == 0, "\(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let current = object?["current"] as? [String: Any]
        #expect(current?["complaintsReceived"] as? Int == 1)
        let previous = object?["previous"] as? [String: Any]
        #expect(previous?["complaintsReceived"] as? Int == 0)
        let files = try await ws.pals(["report", "performance", "--from", "2026-10-01", "--to", "2026-12-31"])
        #expect(files.status == 0, "\(files)")
        #expect(files.stdout.contains("performance-2026-10-01-to-2026-12-31.pdf"))
    }
}
