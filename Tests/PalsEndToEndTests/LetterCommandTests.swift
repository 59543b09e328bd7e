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
        let again = try await ws.pals(["letter", "resolution", reference] + Self.resolution + ["--set", "apology=Sorry."])
        #expect(again.status == 1)
        #expect(again.stderr.contains("its final response has already been sent"))
    }

    @Test("any letter on a closed case is refused until the case is reopened")
    func closedCase() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        #expect(try await ws.pals(["case", "close", reference]).status == 0)
        for kind in ["consent-request", "acknowledgement", "holding", "resolution", "out-of-time"] {
            let result = try await ws.pals(["letter", kind, reference])
            #expect(result.status == 1, "\(kind): \(result)")
            #expect(
                result.stderr.contains(
                    "case \(reference) is closed: reopen it with `pals case update \(reference) --status open` before writing"
                ),
                "\(kind): \(result.stderr)")
        }
        #expect(try await queued(ws, reference) == 0)
        #expect(try await ws.pals(["case", "update", reference, "--status", "open"]).status == 0)
        let reopened = try await ws.pals(["letter", "holding", reference] + Self.holding)
        #expect(reopened.status == 0, "\(reopened)")
    }

    @Test("a letter without its inputs names them all at once; an unknown input is refused with the known ones")
    func inputs() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let none = try await ws.pals(["letter", "holding", reference])
        #expect(none.status == 1)
        #expect(none.stderr.contains("reason is required"), "\(none.stderr)")
        #expect(none.stderr.contains("newDate is required"), "\(none.stderr)")
        let misspelt = try await ws.pals([
            "preview", "holding", reference, "--set", "reason=Waiting.", "--set", "newdate=2027-01-20",
        ])
        #expect(misspelt.status == 1)
        #expect(misspelt.stderr.contains("newdate is not an input of this letter"), "\(misspelt.stderr)")
        #expect(misspelt.stderr.contains("The holding letter's inputs: reason, newDate (required)"))
        #expect(try await queued(ws, reference) == 0)
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
                "The letters are: acknowledgement, consent-request, holding, out-of-time, resolution."), "\(wrong)")
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
