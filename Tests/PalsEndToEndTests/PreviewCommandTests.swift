import Foundation
import PalsTestKit
import Testing

@Suite("pals preview and pals templates, run as a real binary", .serialized)
struct PreviewCommandTests {
    @Test("the acknowledgement of the example case shows its subject, recipient and deadlines")
    func acknowledgement() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let result = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Subject: Your complaint \(reference)")
        #expect(lines.dropFirst().first == "To: Ms Eira Example <eira.example@example.org>")
        #expect(result.stdout.contains("which we received on 23 November 2026"))
        // 25 working days after Monday 23 November 2026, skipping Christmas and the substitute Boxing Day.
        #expect(result.stdout.contains("response by 30 December 2026"))
        #expect(result.stdout.contains("no later than 23 May 2027"))
        #expect(result.stdout.contains("Bryn Example"), "the consent paragraph names the patient")
    }

    @Test("a Welsh complainant gets the Welsh letter")
    func welsh() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        #expect(try await ws.pals(["case", "update", reference, "--language", "cy"]).status == 0)
        let result = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Tachwedd"))
        #expect(result.stdout.contains("Annwyl"))
    }

    @Test("a holding letter needs its officer inputs and a later date")
    func holdingInputs() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let missing = try await ws.pals(["preview", "holding", reference, "--set", "newDate=2027-01-20"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("reason"))
        #expect(missing.stdout.isEmpty)
        let earlier = try await ws.pals(["preview", "holding", reference, "--set", "reason=Waiting for a statement.",
                                   "--set", "newDate=2026-12-01"])
        #expect(earlier.status != 0)
        #expect(earlier.stderr.contains("not later"))
        let good = try await ws.pals(["preview", "holding", reference, "--set", "reason=Waiting for a statement.",
                                "--set", "newDate=2027-01-20"])
        #expect(good.status == 0, "\(good)")
        #expect(good.stdout.contains("20 January 2027"))
        #expect(good.stdout.contains("Waiting for a statement."))
    }

    @Test("the PDF form is an A4 letter")
    func pdf() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let file = ws.folder.appending("ack.pdf")
        let result = try await ws.pals(["preview", "acknowledgement", reference, "--format", "pdf", "--output", file.path])
        #expect(result.status == 0, "\(result)")
        let info = try await ProcessRunner.runOffPool(URL(filePath: "/usr/bin/pdfinfo"), [file.path])
        #expect(info.stdout.contains("595.276 x 841.89") || info.stdout.contains("595 x 842"), "\(info.stdout)")
    }

    @Test("templates check passes on the defaults and names a misspelt field")
    func templatesCheck() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        #expect(try await ws.pals(["templates", "check"]).status == 0)
        let file = URL(filePath: ws.workspace).appending(path: "Templates/en/acknowledgement.mustache")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "{{case.received}}", with: "{{case.recieved}}").write(to: file, atomically: true, encoding: .utf8)
        let broken = try await ws.pals(["templates", "check"])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("case.recieved"))
    }

    @Test("a Welsh letter names the organisation and the ombudsman in Welsh when the configuration has the names")
    func welshNames() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let configuration = URL(filePath: ws.workspace).appending(path: "pals.yaml")
        let yaml = try String(contentsOf: configuration, encoding: .utf8).replacingOccurrences(
            of: "  name: Example Valley NHS Trust (INVENTED - replace)\n",
            with: "  name: Example Valley NHS Trust (INVENTED - replace)\n  nameCy: Ymddiriedolaeth GIG Cwm Enghraifft\n")
        try yaml.write(to: configuration, atomically: true, encoding: .utf8)
        #expect(try await ws.pals(["config", "check"]).status == 0)
        let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
            .replacingOccurrences(of: #""complexity": "standard""#, with: #""profile": "wales""#)
            .replacingOccurrences(of: #""language": "en""#, with: #""language": "cy""#)
        let reference = try await ws.pals(["case", "new", "--file", "-"], input: Data(text.utf8)).stdout
            .trimmingCharacters(in: .newlines)
        let inputs = ["--set", "consideration=Adolygwyd y cofnodion.", "--set", "findings=Roedd oedi.",
                      "--set", "actions=Bydd y tîm yn newid y drefn."]
        let welsh = try await ws.pals(["preview", "resolution", reference] + inputs)
        #expect(welsh.status == 0, "\(welsh)")
        let flat = welsh.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Ombwdsmon Gwasanaethau Cyhoeddus Cymru (OGCC)"))
        #expect(flat.contains("Ymddiriedolaeth GIG Cwm Enghraifft"))
        #expect(try await ws.pals(["case", "update", reference, "--language", "en"]).status == 0)
        let english = try await ws.pals(["preview", "resolution", reference] + inputs)
        let flatEnglish = english.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flatEnglish.contains("Public Services Ombudsman for Wales (PSOW)"))
        #expect(flatEnglish.contains("Example Valley NHS Trust"))
    }
}
