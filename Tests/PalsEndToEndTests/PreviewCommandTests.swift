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

    @Test("the PDF form is an A4 letter")
    func pdf() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let file = ws.folder.appending("ack.pdf")
        let result = try await ws.pals([
            "preview", "acknowledgement", reference, "--format", "pdf", "--output", file.path,
        ])
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
        try text.replacingOccurrences(of: "{{case.received}}", with: "{{case.recieved}}").write(
            to: file, atomically: true, encoding: .utf8)
        let broken = try await ws.pals(["templates", "check"])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("case.recieved"))
    }

}
