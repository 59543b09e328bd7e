import Engine
import Foundation
import PalsTestKit
import Testing

/// Scotland stage 1 → extension → stage 2 through the real `pals` binary, and England's agreement flag.
@Suite("Stages and honest deadlines, run as a real binary", .serialized)
struct StageCommandTests {
    /// Logs the example complaint as a Scottish one received on Monday 23 November 2026.
    func logScottish(_ ws: TestWorkspace) async throws -> String {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: exampleComplaint)) as? [String: Any])
        object["profile"] = "scotland"
        object["complexity"] = nil
        object["patient"] = nil
        object["consent"] = nil
        let result = try await ws.pals(
            ["case", "new", "--file", "-"], input: try JSONSerialization.data(withJSONObject: object),
            environment: ["PALS_NOW": "2026-11-23T12:00:00Z"])
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    @Test("Scotland: stage-1 response offers stage 2; the extension stops at 10 working days; stage 2 runs its clock")
    func scotlandStageOneToStageTwo() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await logScottish(ws)
        let stage1 = ["PALS_NOW": "2026-11-24T10:00:00Z"]
        // Stage 1: the decision date (5 working days; St Andrew's Day, 30 November, is a Scottish bank holiday) and
        // the cap (10).
        let acknowledgement = try await ws.pals(["preview", "acknowledgement", reference], environment: stage1)
        #expect(acknowledgement.status == 0, "\(acknowledgement)")
        let ackText = flat(acknowledgement.stdout)
        #expect(ackText.contains("decision by 1 December 2026, within 5 working days"))
        #expect(ackText.contains("until 8 December 2026"))
        // The final response is refused at stage 1; the stage-1 response offers stage 2, without the ombudsman.
        let resolution = try await ws.pals(
            [
                "letter", "resolution", reference, "--set", "consideration=Read.", "--set", "findings=Found.", "--set",
                "actions=Act.",
            ], environment: stage1)
        #expect(resolution.status == 1)
        #expect(resolution.stderr.contains("stage-1 response"), "\(resolution)")
        let response = try await ws.pals(
            ["preview", "stage1-response", reference, "--set", "decision=We have booked a new appointment."],
            environment: stage1)
        #expect(response.status == 0, "\(response)")
        let responseText = flat(response.stdout)
        #expect(responseText.contains("at stage 2 of our complaints procedure"))
        #expect(responseText.contains("Please ask by 24 January 2027"))
        #expect(!responseText.lowercased().contains("ombudsman"))
        // A holding letter four months out is refused: the case must go to stage 2.
        let tooFar = try await ws.pals(
            ["letter", "holding", reference, "--set", "reason=Busy.", "--set", "newDate=2027-03-23"],
            environment: stage1)
        #expect(tooFar.status == 1)
        #expect(tooFar.stderr.contains("must go to stage 2"), "\(tooFar)")
        #expect(tooFar.stderr.contains("--stage 2"), "the CLI names the way: \(tooFar.stderr)")
        // The extension to the cap is allowed.
        let extended = try await ws.pals(
            ["letter", "holding", reference, "--set", "reason=A nurse is away.", "--set", "newDate=2026-12-07"],
            environment: stage1)
        #expect(extended.status == 0, "\(extended)")
        let shown = try await ws.pals(["case", "show", reference], environment: stage1)
        #expect(shown.stdout.contains("2026-12-07"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Rule set") && shown.stdout.contains("scotland-mchp"))
        // Stage 2 from Tuesday 8 December: 3 working days to acknowledge, 20 to respond (Christmas and New Year).
        let stage2 = ["PALS_NOW": "2026-12-08T10:00:00Z"]
        let escalate = try await ws.pals(["case", "update", reference, "--stage", "2"], environment: stage2)
        #expect(escalate.status == 0, "\(escalate)")
        let show2 = try await ws.pals(["case", "show", reference], environment: stage2)
        #expect(show2.stdout.contains("2026-12-11"), "acknowledge by: \(show2.stdout)")
        #expect(show2.stdout.contains("2027-01-11"), "respond by: \(show2.stdout)")
        let ack2 = try await ws.pals(["preview", "acknowledgement", reference], environment: stage2)
        #expect(ack2.status == 0, "\(ack2)")
        let ack2Text = flat(ack2.stdout)
        #expect(ack2Text.contains("Your complaint is now at stage 2 of our complaints procedure"))
        #expect(ack2Text.contains("within 20 working days, by 11 January 2027"))
        #expect(!ack2Text.lowercased().contains("ombudsman"))
        let final = try await ws.pals(
            [
                "preview", "resolution", reference, "--set", "consideration=Read.", "--set", "findings=Found.", "--set",
                "actions=Act.",
            ], environment: stage2)
        #expect(final.status == 0, "\(final)")
        #expect(flat(final.stdout).contains("Scottish Public Services Ombudsman"))
    }

    @Test("England: --agreed-with-complainant moves the backstop before it passes and is refused after")
    func englandAgreementFlag() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: exampleComplaint)) as? [String: Any])
        object["received"] = "2026-05-20T10:00:00Z"
        let logged = try await ws.pals(
            ["case", "new", "--file", "-"], input: try JSONSerialization.data(withJSONObject: object),
            environment: ["PALS_NOW": "2026-05-20T12:00:00Z"])
        let reference = logged.stdout.trimmingCharacters(in: .newlines)
        let unagreed = try await ws.pals(
            ["case", "update", reference, "--agreed-response-date", "2026-12-18"],
            environment: ["PALS_NOW": "2026-11-10T10:00:00Z"])
        #expect(unagreed.status == 1)
        #expect(unagreed.stderr.contains("--agreed-with-complainant"), "\(unagreed)")
        let agreed = try await ws.pals(
            ["case", "update", reference, "--agreed-response-date", "2026-12-18", "--agreed-with-complainant"],
            environment: ["PALS_NOW": "2026-11-10T10:00:00Z"])
        #expect(agreed.status == 0, "\(agreed)")
        let shown = try await ws.pals(["case", "show", reference], environment: ["PALS_NOW": "2026-11-10T10:00:00Z"])
        #expect(shown.stdout.contains("2026-12-18 (moved by agreement)"), "\(shown.stdout)")
        let late = try await ws.pals(
            ["case", "update", reference, "--agreed-response-date", "2027-01-29", "--agreed-with-complainant"],
            environment: ["PALS_NOW": "2026-12-21T10:00:00Z"])
        #expect(late.status == 1)
        #expect(late.stderr.contains("can no longer be agreed"), "\(late)")
        #expect(late.stderr.contains("late-response"), "the CLI names the letter: \(late.stderr)")
        let flagOnly = try await ws.pals(["case", "update", reference, "--agreed-with-complainant"])
        #expect(flagOnly.status == 64, "a usage error: \(flagOnly)")
    }

    /// Text with every run of white space made one space.
    func flat(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
}
