import Foundation
import PalsTestKit
import Testing

/// The letter hold through the real binary (issue 14): a Welsh case whose workspace lost its Welsh template, and a
/// case that needs braille. `pals preview` says the letter would be held and why; the daemon's acknowledgement and
/// `pals letter` queue it held; `pals outbox list`, `pals status` and `pals case show` name the reason; nothing is
/// sent until an officer releases it.
@Suite("Letter hold, run as a real binary", .serialized)
struct LetterHoldCommandTests {
    /// Logs the example complaint with its JSON text changed by `change`; returns the reference.
    func log(_ ws: TestWorkspace, _ change: (String) -> String) async throws -> String {
        let text = change(try String(contentsOf: exampleComplaint, encoding: .utf8))
        let result = try await ws.pals(["case", "new", "--file", "-"], input: Data(text.utf8))
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// `pals outbox list --json`, parsed.
    func outbox(_ ws: TestWorkspace) async throws -> [[String: Any]] {
        let list = try await ws.pals(["outbox", "list", "--json"])
        #expect(list.status == 0, "\(list)")
        return try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test("deleting the workspace's Welsh acknowledgement holds a Welsh case's acknowledgement, never sent in English")
    func welshTemplateDeleted() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        try FileManager.default.removeItem(atPath: ws.workspace + "/Templates/cy/acknowledgement.mustache")
        let reference = try await log(ws) {
            $0.replacingOccurrences(of: #""language": "en""#, with: #""language": "cy""#)
        }
        let reason =
            "no Welsh template for acknowledgement: add Templates/cy/acknowledgement.mustache "
            + "(pals templates restore) or release to send in English"

        let preview = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(preview.status == 0, "\(preview)")
        #expect(preview.stdout.contains("Held: this letter would be held for the officer, not sent: \(reason)"))
        let html = try await ws.pals(["preview", "acknowledgement", reference, "--format", "html"])
        #expect(html.stderr.contains("Held: this letter would be held"), "said beside any format")

        let once = try await ws.pals(["daemon", "--once"])
        #expect(once.status == 0, "\(once)")
        let items = try await outbox(ws)
        let acknowledgement = try #require(items.first { $0["kind"] as? String == "acknowledgement" })
        #expect(acknowledgement["state"] as? String == "hold")
        #expect(acknowledgement["reason"] as? String == reason)
        let archive = try await ws.pals(["archive", "list", "--json"])
        #expect(!archive.stdout.contains("\"acknowledgement\""), "the held acknowledgement was not sent")

        let table = try await ws.pals(["outbox", "list"])
        #expect(table.stdout.contains("held: no Welsh template for acknowledgement"))
        let status = try await ws.pals(["status"])
        #expect(status.stdout.contains("Held        "))
        #expect(status.stdout.contains("\(reference) acknowledgement): no Welsh template for acknowledgement"))
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("held: no Welsh template for acknowledgement"), "\(show.stdout)")

        // A second daemon pass sends nothing more and alerts no one again.
        #expect(try await ws.pals(["daemon", "--once"]).status == 0)
        #expect(try await outbox(ws).filter { $0["kind"] as? String == "acknowledgement" }.count == 1)

        // The officer restores the template: the next preview is no longer held.
        #expect(try await ws.pals(["templates", "restore"]).status == 0)
        let restored = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(!restored.stdout.contains("Held:"))
    }

    @Test("a case that needs braille: the letter is held with braille named, and goes once released")
    func braille() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await log(ws) {
            $0.replacingOccurrences(of: #""accessibleInformation": []"#, with: #""accessibleInformation": ["braille"]"#)
        }
        let preview = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(preview.stdout.contains("Held: this letter would be held for the officer, not sent: needs braille"))
        #expect(try await ws.pals(["daemon", "--once"]).status == 0)
        let held = try #require(try await outbox(ws).first { $0["kind"] as? String == "acknowledgement" })
        #expect(held["state"] as? String == "hold")
        #expect((held["reason"] as? String)?.contains("needs braille: arrange a braille copy of this letter") == true)
        let alerts = try await outbox(ws).filter { $0["kind"] as? String == "alert" }
        let archived = try await ws.pals(["archive", "list", "--json"])
        #expect(alerts.count + archived.stdout.components(separatedBy: "\"alert\"").count - 1 == 1, "one alert")

        let id = try #require(held["id"] as? String)
        #expect(try await ws.pals(["outbox", "release", id]).status == 0)
        #expect(try await ws.pals(["daemon", "--once"]).status == 0)
        let archive = try await ws.pals(["archive", "list", "--json"])
        #expect(archive.stdout.contains(id), "released, it is sent")
    }

    @Test("pals letter says the letter is held and why")
    func letterCommand() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await log(ws) {
            $0.replacingOccurrences(of: #""accessibleInformation": []"#, with: #""accessibleInformation": ["bsl"]"#)
        }
        let result = try await ws.pals([
            "letter", "update", reference, "--set", "progress=We have read the notes.",
            "--set", "nextSteps=We will meet the ward manager.",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Held update for \(reference) as "))
        #expect(result.stdout.contains("needs a British Sign Language (BSL) video"))
    }
}
