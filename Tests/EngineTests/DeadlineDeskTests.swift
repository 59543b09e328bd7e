import Casework
import Engine
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// ``DeadlineDesk``, in process: each profile's deadlines, the workspace's overrides, closures and imported bank
/// holidays, what is due next on a case, and the urgency board. Today is Wednesday 25 November 2026.
@Suite("DeadlineDesk: deadlines, next due and the board")
struct DeadlineDeskTests {
    static let statutory = DeadlineDesk(configuration: nil, holidayData: .shipped)

    @Test(
        "the calculator follows each profile",
        arguments: [
            (ProfileID.england, nil as Int?, "2021-12-23", "2021-12-30", "2022-06-23" as String?),
            (.wales, nil, "2025-08-31", "2025-09-02", "2026-02-28"),
            (.scotland, 2, "2026-11-27", "2026-12-03", nil),
            (.northernIreland, nil, "2026-07-10", "2026-07-15", nil),
        ])
    func calculate(profile: ProfileID, stage: Int?, received: String, acknowledgeBy: String, backstop: String?) throws {
        let due = try Self.statutory.calculate(profile: profile, stage: stage, received: day(received), complexity: nil)
        #expect(due.profile == profile)
        #expect(due.acknowledgeBy == day(acknowledgeBy))
        #expect(due.backstop == backstop.map(day))
        #expect(due.calendarVersion.hasPrefix("gov.uk "))
    }

    @Test("a stage for an unstaged profile, or a stage that is not 1 or 2, is refused")
    func calculateRefuses() {
        #expect(throws: DeadlineDeskError.self) {
            try Self.statutory.calculate(profile: .england, stage: 2, received: day("2026-01-05"), complexity: nil)
        }
        do {
            _ = try Self.statutory.calculate(profile: .scotland, stage: 3, received: day("2026-01-05"), complexity: nil)
            Issue.record("stage 3 was accepted")
        } catch {
            #expect((error as? DeadlineDeskError)?.message == "the stage must be 1 or 2")
        }
        let unstaged = try? Self.statutory.calculate(
            profile: .england, stage: 2, received: day("2026-01-05"), complexity: nil)
        #expect(unstaged == nil)
    }

    @Test("England's response target follows the complexity, over Christmas's bank holidays")
    func englandTargets() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let desk = try await offPool { try DeadlineDesk(workspace: ws.workspace) }
        let standard = try desk.calculate(profile: .england, stage: nil, received: day("2026-11-23"), complexity: nil)
        #expect(standard.acknowledgeBy == day("2026-11-26"))
        #expect(standard.respondBy == day("2026-12-30"), "25 working days, skipping 25 and 28 December")
        #expect(standard.backstop == day("2027-05-23"))
        let complex = try desk.calculate(
            profile: .england, stage: nil, received: day("2026-11-23"), complexity: "complex")
        #expect(complex.respondBy > standard.respondBy)
    }

    @Test("the workspace's profile overrides and closure days change the deadlines")
    func overridesAndClosures() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let workspace = try await offPool {
            try ws.reconfigured {
                $0.replacingOccurrences(of: "closures: []", with: "closures: [2026-11-24]")
                    .replacingOccurrences(
                        of:
                            "  # profiles:                  # change a profile's statutory defaults, e.g.\n"
                            + "  #   wales:\n  #     responseWorkingDays: 30",
                        with: "  profiles:\n    wales:\n      acknowledgeWorkingDays: 4")
            }
        }
        let desk = try await offPool { try DeadlineDesk(workspace: workspace) }
        let england = try desk.calculate(profile: .england, stage: nil, received: day("2026-11-23"), complexity: nil)
        #expect(england.acknowledgeBy == day("2026-11-27"), "the closure on the 24th is not a working day")
        let wales = try desk.calculate(profile: .wales, stage: nil, received: day("2026-11-23"), complexity: nil)
        #expect(wales.acknowledgeBy == day("2026-11-30"), "4 working days, the 24th closed")
        #expect(desk.amberWorkingDays == 5)
    }

    @Test("a workspace's imported bank holidays are used; a bad file is an error, none means the shipped data")
    func importedHolidays() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        #expect(try DeadlineDesk.holidayData(in: ws.workspace.root) == .shipped)
        #expect(try DeadlineDesk.holidayData(in: nil) == .shipped)
        let shipped = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Sources/WorkingDays/Resources/bank-holidays.json")
        var feed = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as? [String: Any])
        var england = try #require(feed["england-and-wales"] as? [String: Any])
        var events = try #require(england["events"] as? [[String: Any]])
        events.append(["title": "Invented holiday", "date": "2026-11-24", "notes": "", "bunting": false])
        england["events"] = events
        feed["england-and-wales"] = england
        let file = ws.workspace.root.appending(path: DeadlineDesk.importedHolidaysFileName)
        try JSONSerialization.data(withJSONObject: feed).write(to: file)
        let desk = try await offPool { try DeadlineDesk(workspace: ws.workspace) }
        #expect(desk.holidayData != .shipped)
        let due = try desk.calculate(profile: .england, stage: nil, received: day("2026-11-23"), complexity: nil)
        #expect(due.acknowledgeBy == day("2026-11-27"))
        try Data("{\"england-and-wales\": {}}".utf8).write(to: file)
        await #expect(throws: HolidayDataError.self) { try await offPool { try DeadlineDesk(workspace: ws.workspace) } }
    }

    @Test("next due: a stage 1 decision, else the acknowledgement until it is made, then the response")
    func nextDue() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let england = try await ws.log()
        let scotland = try await ws.log(
            .with {
                $0.fields["profile"] = "scotland"
                $0.fields["complexity"] = nil
            })
        let desk = try await offPool { try DeadlineDesk(workspace: ws.workspace) }
        let today = day("2026-11-25")
        let acknowledgement = try desk.nextDue(for: england.schedule, today: today)
        #expect(acknowledgement.deadline == .acknowledgement)
        #expect(acknowledgement.due == day("2026-11-26"))
        #expect(acknowledgement.workingDaysRemaining == 1)
        #expect(acknowledgement.state == .amber)
        #expect(acknowledgement.backstop == day("2027-05-23"))
        var acknowledged = england
        acknowledged.acknowledgedAt = instant("2026-11-24T10:00:00Z")
        let response = try desk.nextDue(for: acknowledged.schedule, today: today)
        #expect(response.deadline == .response)
        #expect(response.due == day("2026-12-30"))
        #expect(response.state == .green)
        let decision = try desk.nextDue(for: scotland.schedule, today: today)
        #expect(decision.deadline == .decision)
        #expect(decision.due == day("2026-12-01"), "stage 1: 5 working days, St Andrew's Day (30 November) not one")
        #expect(decision.stage == 1)
    }

    @Test("a case's deadlines use its agreed date; a date outside the window is refused, naming the field")
    func caseDeadlines() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        var record = try await ws.log(.with { $0.fields["agreedResponseDate"] = "2027-02-01" })
        let desk = try await offPool { try DeadlineDesk(workspace: ws.workspace) }
        #expect(try desk.deadlines(for: record).respondBy == day("2027-02-01"))
        record.escalatedOn = day("1900-01-01")
        do {
            _ = try desk.deadlines(for: record)
            Issue.record("a date in 1900 was used")
        } catch {
            #expect(
                (error as? DeadlineDeskError)?.message.hasPrefix("escalatedOn 1900-01-01 is outside the dates") == true)
        }
    }

    @Test("the board lists open cases most urgent first, filters by days left or overdue, and names bad cases")
    func board() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let overdue = try await ws.log(.with { $0.fields["received"] = "2026-10-01" })
        let soon = try await ws.log()
        let later = try await ws.log()
        try await ws.change(later.reference) { lifecycle, _ in
            try lifecycle.acknowledge(.byOfficerLetter, at: instant("2026-11-24T10:00:00Z"))
        }
        let closed = try await ws.log()
        try await offPool { try ws.casebook().close(closed.reference) }
        let bad = try await ws.log()
        try await sqlite(
            ws.workspace.registerURL,
            "UPDATE cases SET agreedResponseDate = '2200-01-01' WHERE reference = '\(bad.reference)'")
        let (desk, scan) = try await offPool {
            (try DeadlineDesk(workspace: ws.workspace), try ws.casebook().register.scheduleScan(CaseFilter()))
        }
        let today = day("2026-11-25")
        let board = desk.board(scan.schedules, unreadable: scan.problems, today: today)
        #expect(board.items.map(\.reference) == [overdue.reference, soon.reference, later.reference])
        #expect(board.items.map(\.state) == [.red, .amber, .green])
        #expect(board.problems.map(\.reference) == [bad.reference])
        #expect(
            board.problems.first?.reason.hasPrefix("deadlines cannot be computed: agreedResponseDate 2200-01-01")
                == true)
        #expect(board.problems.first?.officer == "alex")
        let within = desk.board(scan.schedules, today: today, within: 3)
        #expect(within.items.map(\.reference) == [overdue.reference, soon.reference])
        let overdueOnly = desk.board(scan.schedules, today: today, overdueOnly: true)
        #expect(overdueOnly.items.map(\.reference) == [overdue.reference])
        #expect(overdueOnly.items.first?.workingDaysRemaining ?? 0 < 0)
    }
}
