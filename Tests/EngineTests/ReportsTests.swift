import Casework
import Engine
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// How Engine shows things: ``DeadlineReports``, ``CaseReports``, ``TextTable`` and ``WorkspaceStatus``, in
/// process. The CLI only prints these.
@Suite("Reports: deadlines, cases and the workspace's status")
struct ReportsTests {
    static func item(
        _ reference: String, _ state: DeadlineStatus.Colour, due: String, left: Int, officer: String = "alex"
    ) -> DueItem {
        dueItem(reference, officer: officer, deadline: .response, due: due, left: left, state: state)
    }

    @Test("deadlines calc as text: one padded row per date, the backstop and the calendar used")
    func calcText() throws {
        let due = try DeadlineDesk(configuration: nil, holidayData: .shipped)
            .calculate(profile: .scotland, stage: 2, received: day("2026-11-27"), complexity: nil)
        let lines = DeadlineReports.text(due).split(separator: "\n").map(String.init)
        #expect(lines[0] == "Profile         scotland, stage 2")
        #expect(lines[1] == "Received        2026-11-27")
        #expect(lines[2] == "Acknowledge by  2026-12-03")
        #expect(lines.last?.hasPrefix("Calendar        scotland, gov.uk ") == true)
        #expect(!lines.contains { $0.hasPrefix("Backstop") }, "Scotland has no backstop")
    }

    @Test("the board as a table: columns, colour only when asked, problems after it, escaped")
    func boardTable() {
        let items = [Self.item("PALS-2026-0001", .red, due: "2026-11-20", left: -3)]
        let plain = DeadlineReports.table(items, colour: false)
        #expect(
            plain == """
                REFERENCE       OFFICER  NEXT      DUE         WD LEFT  STATE
                PALS-2026-0001  alex     response  2026-11-20  -3       RED
                """)
        #expect(DeadlineReports.table(items, colour: true).contains("\u{1B}[31mRED\u{1B}[0m"))
        #expect(DeadlineReports.table([], colour: false) == "no open cases with deadlines to show")
        let problem = CaseProblem(
            reference: "PALS-2026-0009", officer: "sam", reason: "deadlines cannot be computed: x\u{1B}[2J")
        let withProblem = DeadlineReports.table(items, problems: [problem], colour: false)
        #expect(
            withProblem.hasSuffix(
                "\n\nPROBLEM  PALS-2026-0009 (officer sam): deadlines cannot be computed: x\\u{1B}[2J"))
        #expect(
            DeadlineReports.problemLines([CaseProblem(reference: "R", officer: nil, reason: "why")]) == [
                "PROBLEM  R: why"
            ])
    }

    @Test("the board as CSV: a header, one row per item, fields with commas or quotes quoted")
    func boardCSV() {
        let csv = DeadlineReports.csv([
            Self.item("PALS-2026-0001", .amber, due: "2026-11-27", left: 2, officer: "o\"b,c")
        ])
        #expect(
            csv == """
                reference,officer,profile,stage,deadline,due,workingDaysRemaining,state,backstop
                PALS-2026-0001,"o""b,c",england,,response,2026-11-27,2,amber,2027-05-23

                """)
    }

    @Test("case show: the case, its deadlines with the rules used, then its history, every value escaped")
    func caseText() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.fields["summary"] = "A wait.\u{1B}[2J" })
        let (history, due) = try await offPool {
            (
                try ws.casebook().register.events(for: record.reference),
                try DeadlineDesk(workspace: ws.workspace).deadlines(for: record)
            )
        }
        let text = CaseReports.text(record, history: history, deadlines: .success(due))
        #expect(text.contains("Reference             PALS-2026-0001\n"))
        #expect(text.contains("Status                open\n"))
        #expect(text.contains("Complainant           Ms Eira Example\n"))
        #expect(text.contains("  Respond by          2026-12-30\n"))
        #expect(text.contains("  Rules               england, complexity standard\n"))
        #expect(text.contains("History\n  2026-11-25T09:00:00Z  logged  logged by email"))
        #expect(!text.contains("\u{1B}") && text.contains("A wait.\\u{1B}[2J"))
        #expect(!text.contains("Needs attention"), "an empty field is left out")
        let failed = CaseReports.text(record, history: [], deadlines: .failure(Missing("bad dates")))
        #expect(failed.hasSuffix("Deadlines             cannot be computed: bad dates"), "\(failed)")
        #expect(!failed.contains("History"))
    }

    @Test("case list and case show --json: a table, or stable sorted JSON with the history")
    func caseListAndJSON() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        #expect(CaseReports.table([]) == "no cases")
        let record = try await ws.log()
        #expect(
            CaseReports.table([record]) == """
                REFERENCE       RECEIVED    STATUS  OFFICER  PROFILE  SERVICE
                PALS-2026-0001  2026-11-23  open    alex     england  Emergency Department
                """)
        let detail = CaseReports.Detail(
            case: record, history: [CaseEvent(at: instant("2026-11-25T09:00:00Z"), kind: .logged, detail: "x")])
        let json = String(decoding: try CaseReports.jsonEncoder(pretty: false).encode(detail), as: UTF8.self)
        #expect(json.hasPrefix("{\"case\":{\"acknowledgedOutsidePals\":false,"))
        #expect(json.contains("\"history\":[{\"at\":\"2026-11-25T09:00:00Z\",\"detail\":\"x\",\"kind\":\"logged\"}]"))
    }

    @Test("a text table pads every column but the last")
    func textTable() {
        #expect(TextTable.render(header: ["A", "BB"], rows: [["long", "x"]]) == "A     BB\nlong  x")
    }

    @Test("the status counts the outbox, names the oldest message, cases needing attention and the next deadlines")
    func status() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let empty = try await offPool { try WorkspaceStatus.read(casebook: ws.casebook(), outbox: ws.outbox()) }
        #expect(!empty.daemon.running)
        #expect(empty.nextDeadlines.isEmpty && empty.casesNeedingAttention.isEmpty)
        #expect(empty.text.contains("Daemon      not running\n"))
        #expect(empty.text.contains("Oldest      nothing queued\n"))
        #expect(empty.text.contains("Last sent   nothing sent yet\n"))

        let first = try await ws.log()
        let second = try await ws.log()
        try await ws.change(second.reference) {
            $0.flag(CaseAttention(kind: .other, text: "acknowledgement m1 on hold"), at: $1)
        }
        try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(.acknowledgement, reference: first.reference, inputs: [:])
        }
        let status = try await offPool { try WorkspaceStatus.read(casebook: ws.casebook(), outbox: ws.outbox()) }
        #expect(status.outbox["queued"] == 1)
        #expect(status.oldestQueued?.case == first.reference)
        #expect(status.oldestQueued?.kind == "acknowledgement")
        #expect(status.lastDelivery == nil)
        #expect(status.casesNeedingAttention == [second.reference])
        #expect(status.nextDeadlines.map(\.reference) == [second.reference, first.reference])
        #expect(status.deadlineProblems.isEmpty)
        #expect(
            status.text.contains("Outbox      queued 1, active 0, deferred 0, hold 0, failed 0, cancelled 0, sent 0\n"))
        #expect(status.text.contains("Attention   PALS-2026-0002\n"))
        #expect(status.text.contains("\nNext deadlines\nREFERENCE "))
    }

    @Test("the status names a case whose deadlines cannot be computed and still lists the others")
    func statusWithProblem() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let good = try await ws.log()
        let bad = try await ws.log()
        try await sqlite(
            ws.workspace.registerURL, "UPDATE cases SET profile = 'atlantis' WHERE reference = '\(bad.reference)'")
        let status = try await offPool { try WorkspaceStatus.read(casebook: ws.casebook(), outbox: ws.outbox()) }
        #expect(status.nextDeadlines.map(\.reference) == [good.reference])
        #expect(status.deadlineProblems.map(\.reference) == [bad.reference])
        #expect(status.text.contains("Problems    1 open case(s) left off the deadlines (listed below)"))
    }
}
