import Foundation
import PalsTestKit
import Testing

@Suite("pals deadlines and pals holidays, run as a real binary", .serialized)
struct DeadlineCommandTests {
    func json(_ result: ProcessResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test("calc --json prints exactly the documented keys, outside a workspace too")
    func calcJSON() async throws {
        let folder = try TemporaryFolder("calc")
        defer { folder.remove() }
        let result = try await ProcessRunner.palsOffPool(
            ["deadlines", "calc", "--profile", "england", "--received", "2021-12-23", "--json"],
            currentDirectory: folder.url)
        #expect(result.status == 0, "\(result)")
        let object = try #require(try json(result) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "profile", "stage", "received", "acknowledgeBy", "respondBy", "backstop", "division", "calendarVersion",
                "ruleSet",
            ])
        #expect(object["ruleSet"] as? String == "england-2009")
        #expect(object["acknowledgeBy"] as? String == "2021-12-30")
        #expect(object["stage"] is NSNull)
        #expect(object["backstop"] as? String == "2022-06-23")
        #expect(object["division"] as? String == "england-and-wales")
    }

    @Test("calc refuses a stage for an unstaged profile and a bad date")
    func calcRefuses() async throws {
        let staged = try await ProcessRunner.palsOffPool([
            "deadlines", "calc", "--profile", "england", "--stage", "2", "--received", "2026-01-05",
        ])
        #expect(staged.status != 0)
        #expect(staged.stderr.contains("no stages"))
        #expect(staged.stderr.contains("Leave out `--stage 2`"), "the CLI names the flag: \(staged.stderr)")
        let date = try await ProcessRunner.palsOffPool([
            "deadlines", "calc", "--profile", "england", "--received", "2026-02-30",
        ])
        #expect(date.status != 0)
        #expect(date.stderr.contains("--received"))
    }

    @Test("the board lists open cases by urgency with red, amber and green")
    func board() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        for received in ["2026-11-02", "2026-11-24", "2026-10-01"] {
            let data = try String(contentsOf: exampleComplaint, encoding: .utf8)
                .replacingOccurrences(of: "2026-11-23T10:15:00Z", with: received)
            let result = try await ws.pals(["case", "new", "--file", "-"], input: Data(data.utf8))
            #expect(result.status == 0, "\(result)")
        }
        _ = try await ws.pals(["case", "close", "PALS-2026-0003", "--outcome", "upheld"])
        let result = try await ws.pals(["deadlines", "--json"], environment: ["PALS_NOW": "2026-11-25T09:00:00Z"])
        let items = try #require(try json(result) as? [[String: Any]])
        #expect(items.map { $0["reference"] as? String } == ["PALS-2026-0001", "PALS-2026-0002"])
        #expect(items.map { $0["state"] as? String } == ["red", "amber"])
        #expect(items.map { $0["due"] as? String } == ["2026-11-05", "2026-11-27"])
        let within = try #require(
            try json(try await ws.pals(["deadlines", "--within", "0", "--json"])) as? [[String: Any]])
        #expect(within.map { $0["reference"] as? String } == ["PALS-2026-0001"], "amber in 2 days is not within 0")
        #expect(try await ws.pals(["case", "update", "PALS-2026-0002", "--officer", "sam"]).status == 0)
        let sams = try #require(
            try json(try await ws.pals(["deadlines", "--officer", "sam", "--json"])) as? [[String: Any]])
        #expect(sams.map { $0["reference"] as? String } == ["PALS-2026-0002"])
        let overdue = try await ws.pals(["deadlines", "--overdue", "--csv"])
        #expect(overdue.stdout.split(separator: "\n").count == 2)
        #expect(overdue.stdout.contains("PALS-2026-0001,alex,england,,acknowledgement,2026-11-05"))
    }

    @Test("holidays list uses the data, and the rules beyond it")
    func holidaysList() async throws {
        let inData = try await ProcessRunner.palsOffPool([
            "holidays", "list", "--division", "northern-ireland", "--year", "2026", "--json",
        ])
        let days = try #require(try json(inData) as? [[String: Any]]).compactMap { $0["date"] as? String }
        #expect(days.contains("2026-03-17"))
        #expect(days.contains("2026-07-13"))
        let beyond = try await ProcessRunner.palsOffPool([
            "holidays", "list", "--division", "scotland", "--year", "2031",
        ])
        #expect(beyond.stdout.contains("2031-12-01"))
        #expect(beyond.stdout.contains("computed by the rules"))
    }

    @Test("an invalid GOV.UK file is refused and changes nothing; a valid one is used")
    func holidaysImport() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let bad = ws.folder.appending("bad.json")
        try Data(#"{"england-and-wales": {"events": [{"title": "x", "date": "2026-02-30"}]}}"#.utf8).write(to: bad)
        let refused = try await ws.pals(["holidays", "import", bad.path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refused"))
        #expect(!FileManager.default.fileExists(atPath: ws.workspace + "/bank-holidays.json"))

        // A feed with an invented extra holiday on Wednesday 2026-11-25 moves the deadline by a day.
        let shipped = exampleComplaint.deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Sources/WorkingDays/Resources/bank-holidays.json")
        var feed = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as? [String: [String: Any]])
        var division = try #require(feed["england-and-wales"])
        var events = try #require(division["events"] as? [[String: Any]])
        events.append(["title": "Invented closure", "date": "2026-11-25", "notes": "", "bunting": false])
        division["events"] = events
        feed["england-and-wales"] = division
        let good = ws.folder.appending("good.json")
        try JSONSerialization.data(withJSONObject: feed).write(to: good)
        let before = try await ws.pals([
            "deadlines", "calc", "--profile", "england", "--received", "2026-11-23", "--json",
        ])
        #expect((try json(before) as? [String: Any])?["acknowledgeBy"] as? String == "2026-11-26")
        let imported = try await ws.pals(["holidays", "import", good.path])
        #expect(imported.status == 0, "\(imported)")
        let after = try await ws.pals([
            "deadlines", "calc", "--profile", "england", "--received", "2026-11-23", "--json",
        ])
        #expect((try json(after) as? [String: Any])?["acknowledgeBy"] as? String == "2026-11-27")
    }
}
