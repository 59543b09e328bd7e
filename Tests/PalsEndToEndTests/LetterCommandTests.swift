import Engine
import Foundation
import PalsTestKit
import Testing

/// Issue 11 items 8, 13 and 17, through the real `pals` binary: letters a case's state forbids, inputs, kinds,
/// help and the version.
@Suite("pals letter and preview refusals, run as a real binary", .serialized)
struct LetterCommandTests {
    static let holding = ["--set", "reason=We are waiting for a statement.", "--set", "newDate=2027-01-20"]
    static let resolution = [
        "--set", "consideration=We read the notes.", "--set", "findings=There was a delay.", "--set",
        "actions=Training.",
    ]

    /// How many messages the outbox holds for a case, in any state but sent.
    func queued(_ ws: TestWorkspace, _ reference: String) async throws -> Int {
        let list = try await ws.pals(["outbox", "list", "--case", reference, "--json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any], "\(list)")
        return items.count
    }

    @Test("a holding letter after the resolution is refused by letter and preview alike, and nothing is queued")
    func holdingAfterResolution() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let undated = try await ws.pals([
            "preview", "holding", reference, "--set", "reason=A statement.", "--set", "newDate=soon",
        ])
        #expect(undated.status == 1, "\(undated)")
        #expect(undated.stderr.contains("a holding letter needs the input newDate"), "\(undated)")
        #expect(undated.stderr.contains("Give it with `--set newDate=YYYY-MM-DD`."), "the CLI names the option")
        // The example's consent is requested: the final response waits for the answer.
        #expect(try await ws.pals(["case", "update", reference, "--consent", "received"]).status == 0)
        let sent = try await ws.pals(["letter", "resolution", reference] + Self.resolution)
        #expect(sent.status == 0, "\(sent)")
        #expect(try await ws.pals(["case", "show", reference]).stdout.contains("responded"))
        let before = try await queued(ws, reference)
        let letter = try await ws.pals(["letter", "holding", reference] + Self.holding)
        #expect(letter.status == 1, "\(letter)")
        #expect(letter.stderr.contains("case \(reference) has had its final response (status responded)"))
        #expect(letter.stderr.contains("`pals case update \(reference) --status open`"))
        #expect(try await queued(ws, reference) == before, "nothing was queued")
        let preview = try await ws.pals(["preview", "holding", reference] + Self.holding)
        #expect(preview.status == 1)
        #expect(preview.stdout.isEmpty)
        #expect(preview.stderr == letter.stderr, "preview refuses with the same words")
        let again = try await ws.pals(
            ["letter", "resolution", reference] + Self.resolution + ["--set", "apology=Sorry."])
        #expect(again.status == 1)
        #expect(again.stderr.contains("its final response has already been sent"))
    }

    @Test("a wrong kind lists the kinds; help lists each kind's inputs; --version prints the version")
    func kindsHelpAndVersion() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let wrong = try await ws.pals(["preview", "holdin", reference])
        #expect(wrong.status == 1)
        #expect(
            wrong.stderr.contains(
                "The letters are: acknowledgement, concern-resolution, consent-request, holding, late-response, "
                    + "mp-letter, out-of-time, receipt, redirected, redress-response, resolution, stage1-response, "
                    + "update, withdrawn."),
            "\(wrong)")
        for command in ["preview", "letter"] {
            let help = try await ws.pals([command, "--help"])
            #expect(help.status == 0)
            let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("holding reason, newDate (required)"), "\(command): \(help.stdout)")
            #expect(flat.contains("resolution consideration, findings, actions (required); apology (optional)"))
            #expect(flat.contains("out-of-time decision, reason (required)"))
            #expect(!flat.contains("reminder-digest"))
        }
        let version = try await ProcessRunner.palsOffPool(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == PalsVersion.current + "\n")
    }
}
