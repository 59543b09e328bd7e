import Casework
import Engine
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@Suite("Reminder days")
struct ReminderPlannerTests {
    /// Plans every day from `start` for `days` days, as a daemon running through them would, queueing each key once.
    func run(profile: String, received: String, from start: String, days: Int) throws -> [String: [String]] {
        let folder = try TemporaryFolder("planner")
        defer { folder.remove() }
        var configuration = try WorkspaceConfiguration.parse(yaml: starterYAML, file: "pals.yaml", environment: [:])
        configuration.profile = ProfileID(rawValue: profile)!
        let register = try CaseRegister(url: folder.appending("register.sqlite"))
        let json = """
            {"received": "\(received)", "channel": "letter", "summary": "Invented.", "service": "Outpatients",
             "officer": "alex", "profile": "\(profile)",
             "complainant": {"firstName": "Eira", "lastName": "Example", "address": ["1 Invented Street"]}}
            """
        let rules = CaseForm.Rules(
            officers: ["alex"], defaultProfile: .england, complexities: ["standard"],
            now: CivilDate(iso: "2026-12-31")!.date(), isEmailAddress: { _ in true })
        _ = try register.create(CaseForm.parse(json: Data(json.utf8), rules: rules), pattern: .standard, now: rules.now)
        let planner = ReminderPlanner(
            desk: DeadlineDesk(configuration: configuration, holidayData: .shipped), configuration: configuration)
        var sent: Set<String> = []
        var byDay: [String: [String]] = [:]
        var day = CivilDate(iso: start)!
        for _ in 0..<days {
            for reminder in planner.plan(try register.schedules(), today: day).reminders
            where sent.insert(reminder.key).inserted {
                byDay[day.iso, default: []].append(reminder.kind.rawValue)
            }
            day = day.adding(days: 1)
        }
        return byDay
    }

    @Test("England: received the Thursday before Easter, acknowledge by the Thursday after Easter Monday")
    func englandEaster() throws {
        let byDay = try run(profile: "england", received: "2026-04-02", from: "2026-04-02", days: 14)
        // Good Friday, the weekend and Easter Monday: nothing at all.
        for quiet in ["2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06", "2026-04-11", "2026-04-12"] {
            #expect(byDay[quiet] == nil, "\(quiet) is not a working day")
        }
        #expect(byDay["2026-04-02"] == ["digest"])
        #expect(byDay["2026-04-07"] == ["digest"])
        #expect(byDay["2026-04-09"]?.sorted() == ["digest", "due-today"])
        #expect(byDay["2026-04-10"]?.sorted() == ["digest", "escalation"])
        #expect(byDay["2026-04-13"] == ["digest"], "the escalation goes once")
        #expect(byDay.values.flatMap { $0 }.filter { $0 == "due-today" }.count == 1)
    }

    @Test("Wales (2 working days): acknowledge by the Wednesday after Easter Monday")
    func walesEaster() throws {
        let byDay = try run(profile: "wales", received: "2026-04-02", from: "2026-04-02", days: 10)
        #expect(byDay["2026-04-08"]?.sorted() == ["digest", "due-today"])
        #expect(byDay["2026-04-09"]?.sorted() == ["digest", "escalation"])
        #expect(byDay["2026-04-06"] == nil)
    }

    @Test("reminders go out on working days at the configured time only")
    func reminderTime() throws {
        var configuration = try WorkspaceConfiguration.parse(yaml: starterYAML, file: "pals.yaml", environment: [:])
        configuration.reminders.hour = 8
        configuration.reminders.minute = 30
        let planner = ReminderPlanner(
            desk: DeadlineDesk(configuration: configuration, holidayData: .shipped), configuration: configuration)
        let tuesday = CivilDate(iso: "2026-04-07")!
        #expect(!planner.isReminderTime(tuesday.date(hour: 8, minute: 29)))
        #expect(planner.isReminderTime(tuesday.date(hour: 8, minute: 30)))
        #expect(planner.isReminderTime(tuesday.date(hour: 16, minute: 0)))
        #expect(!planner.isReminderTime(CivilDate(iso: "2026-04-06")!.date(hour: 9, minute: 0)), "Easter Monday")
        #expect(!planner.isReminderTime(CivilDate(iso: "2026-04-11")!.date(hour: 9, minute: 0)), "Saturday")
    }
}

/// The starter configuration, read through the same code as `pals init` writes it.
let starterYAML: String = {
    let folder = try! TemporaryFolder("starter")
    defer { folder.remove() }
    try! Workspace.create(at: folder.appending("ws"))
    return try! String(contentsOf: folder.appending("ws/pals.yaml"), encoding: .utf8)
}()
