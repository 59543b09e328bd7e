import Foundation
import PalsTestKit
import Testing

@Suite("Bilingual letters through pals case update and pals preview, run as a real binary", .serialized)
struct BilingualCommandTests {
    @Test(
        "--language cy-en makes the next letter bilingual; a missing Welsh form is named until the English may stand in"
    )
    func bilingualPreview() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let bad = try await ws.pals(["case", "update", reference, "--language", "welsh"])
        #expect(bad.status != 0 && bad.stderr.contains("cy-en"), "\(bad)")
        let update = try await ws.pals(["case", "update", reference, "--language", "cy-en"])
        #expect(update.status == 0, "\(update)")
        let refused = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("organisation.nameCy"), "\(refused.stderr)")
        let file = ws.folder.appending("ws/pals.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "letters:\n", with: "letters:\n  welshFallbackToEnglish: true\n").utf8)
            .write(to: file)
        let preview = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(preview.status == 0, "\(preview)")
        #expect(preview.stdout.hasPrefix("Subject: Eich pryder \(reference) / Your complaint \(reference)\n"))
        let welsh = try #require(preview.stdout.range(of: "Fersiwn Gymraeg"))
        let english = try #require(preview.stdout.range(of: "\nEnglish version\n"))
        #expect(welsh.upperBound < english.lowerBound)
    }
}
