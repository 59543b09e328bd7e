import Foundation
import PalsTestKit
import Testing

/// Wales from 1 April 2026 through the real `pals` binary: two Welsh concerns, received on 31 March and 1 April
/// 2026, previewed; `config check` warns about the unconfirmed numbers until they are confirmed; the redress
/// response is refused for an English case.
@Suite("Wales: Listening to People, run as a real binary", .serialized)
struct WalesCommandTests {
    static let now = ["PALS_NOW": "2026-04-01T15:00:00Z"]

    /// Logs the example complaint as a Welsh concern received on `day` and returns its reference.
    func logWelsh(_ ws: TestWorkspace, received day: String) async throws -> String {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: exampleComplaint)) as? [String: Any])
        object["profile"] = "wales"
        object["complexity"] = nil
        object["patient"] = nil
        object["consent"] = nil
        object["received"] = "\(day)T10:00:00Z"
        let result = try await ws.pals(
            ["case", "new", "--file", "-"], input: try JSONSerialization.data(withJSONObject: object),
            environment: Self.now)
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    func flat(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test("31 March and 1 April 2026: each acknowledgement previews with its own rules")
    func twoAcknowledgements() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let before = try await logWelsh(ws, received: "2026-03-31")
        let after = try await logWelsh(ws, received: "2026-04-01")
        let old = try await ws.pals(["preview", "acknowledgement", before], environment: Self.now)
        let new = try await ws.pals(["preview", "acknowledgement", after], environment: Self.now)
        #expect(old.status == 0, "\(old)")
        #expect(new.status == 0, "\(new)")
        let oldText = flat(old.stdout)
        let newText = flat(new.stdout)
        for text in [oldText, newText] {
            #expect(!text.lowercased().contains("unless we agree"))
            #expect(text.contains("consent to use them"))
        }
        for duty in ["listening discussion", "prefer us to keep in touch", "outcome you hope for", "Llais"] {
            #expect(!oldText.contains(duty), "31 March: \(duty)")
            #expect(newText.contains(duty), "1 April: \(duty)")
        }
        #expect(newText.contains("£50,000"))
        let deadlines = try await ws.pals([
            "deadlines", "calc", "--profile", "wales", "--received", "2026-04-01", "--json",
        ])
        #expect(deadlines.status == 0, "\(deadlines)")
        #expect(deadlines.stdout.contains("wales-2026"), "\(deadlines.stdout)")
    }

    @Test("config check warns about the unconfirmed Welsh numbers until wales.confirmed is set")
    func configCheckWarns() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let file = URL(filePath: ws.workspace).appending(path: "pals.yaml")
        let starter = try String(contentsOf: file, encoding: .utf8)
        let welsh = WelshFormsFixture.adding(
            to: starter.replacingOccurrences(of: "  profile: england ", with: "  profile: wales "))
        #expect(welsh != starter)
        try welsh.write(to: file, atomically: true, encoding: .utf8)
        let warned = try await ws.pals(["config", "check"])
        #expect(warned.status == 0, "warnings only: \(warned)")
        let output = warned.stdout + warned.stderr
        #expect(output.contains("wales.earlyResolutionWorkingDays"), "\(output)")
        #expect(output.contains("WHC 2026/0061"))
        try (welsh + "wales:\n  confirmed: true\n").write(to: file, atomically: true, encoding: .utf8)
        let quiet = try await ws.pals(["config", "check"])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(!(quiet.stdout + quiet.stderr).contains("wales."), "\(quiet)")
    }

    @Test("the redress response is refused for an English case")
    func redressRefusedInEngland() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: exampleComplaint)) as? [String: Any])
        object["patient"] = nil  // the complainant is the patient: no consent stands in the way of a final response
        object["consent"] = nil
        let logged = try await ws.pals(
            ["case", "new", "--file", "-"], input: try JSONSerialization.data(withJSONObject: object))
        #expect(logged.status == 0, "\(logged)")
        let reference = logged.stdout.trimmingCharacters(in: .newlines)
        let result = try await ws.pals([
            "preview", "redress-response", reference, "--set", "liability=yes", "--set", "findings=Found.",
            "--set", "financialAmount=1000",
        ])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("Welsh NHS bodies"), "\(result.stderr)")
    }
}
