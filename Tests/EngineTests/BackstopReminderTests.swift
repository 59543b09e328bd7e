import Casework
import Foundation
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

/// The watcher's backstop warnings and keep-informed reminders, planned day by day and run by the daemon on an
/// injected clock.
@Suite("Backstop and keep-informed reminders", .serialized)
struct BackstopReminderTests {
    static let officer = "alex.example@example.org"
    static let manager = "complaints.manager@example.org"

    /// Plans every day from `start` for `days` days for one case, queueing each key once; the kinds sent each day.
    func plan(
        received: String, lastLetter: String? = nil, from start: String, days: Int,
        configure: (inout WorkspaceConfiguration) -> Void = { _ in }
    ) throws -> [String: [String]] {
        let folder = try TemporaryFolder("backstop")
        defer { folder.remove() }
        var configuration = try WorkspaceConfiguration.parse(yaml: starterYAML, file: "pals.yaml", environment: [:])
        configure(&configuration)
        let register = try CaseRegister(url: folder.appending("register.sqlite"))
        let json = """
            {"received": "\(received)", "channel": "letter", "summary": "Invented.", "service": "Outpatients",
             "officer": "alex", "profile": "england", "acknowledged": true,
             "complainant": {"firstName": "Eira", "lastName": "Example", "address": ["1 Invented Street"]}}
            """
        let rules = CaseForm.Rules(
            officers: ["alex"], defaultProfile: .england, complexities: ["standard"],
            now: CivilDate(iso: received)!.date(), isEmailAddress: { _ in true })
        let record = try register.create(
            CaseForm.parse(json: Data(json.utf8), rules: rules), pattern: .standard, now: rules.now)
        if let lastLetter {
            _ = try register.apply(record.reference, now: instant(lastLetter)) { lifecycle in
                lifecycle.record(.printed(file: "letter.pdf"), kind: "update", at: instant(lastLetter))
            }
        }
        let planner = ReminderPlanner(
            desk: DeadlineDesk(configuration: configuration, holidayData: .shipped), configuration: configuration)
        var sent: Set<String> = []
        var byDay: [String: [String]] = [:]
        var day = CivilDate(iso: start)!
        for _ in 0..<days {
            for reminder in planner.plan(try register.schedules(), today: day).reminders
            where sent.insert(reminder.key).inserted && reminder.kind != .digest {
                let who =
                    switch reminder.recipient {
                    case .officer: "officer"
                    case .manager: "manager"
                    }
                byDay[day.iso, default: []].append("\(reminder.kind.rawValue):\(who)")
            }
            day = day.adding(days: 1)
        }
        return byDay
    }

    @Test("the backstop warns officer and manager once 5 working days before, and once when it has passed")
    func backstopDays() throws {
        // Received Wednesday 20 May 2026: backstop Friday 20 November 2026. Letters kept flowing (no keep-informed).
        let byDay = try plan(
            received: "2026-05-20", lastLetter: "2026-11-02T09:00:00Z", from: "2026-11-09", days: 21,
            configure: { $0.deadlines.keepInformedWorkingDays = 0 })
        let near = byDay.filter { $0.value.contains { $0.hasPrefix("backstop-near") } }
        #expect(near.keys.sorted() == ["2026-11-13"], "5 working days before: Friday 13 November; \(byDay)")
        #expect(
            near["2026-11-13"]?.filter { $0.hasPrefix("backstop-near") }.sorted()
                == ["backstop-near:manager", "backstop-near:officer"])
        let passed = byDay.filter { $0.value.contains { $0.hasPrefix("backstop-passed") } }
        #expect(passed.keys.sorted() == ["2026-11-23"], "the first working day after: Monday 23 November")
        #expect(passed["2026-11-23"]?.filter { $0.hasPrefix("backstop-passed") }.count == 2)
    }

    @Test("a backstop moved by agreement warns again before the new date")
    func movedBackstopWarnsAgain() throws {
        let folder = try TemporaryFolder("moved")
        defer { folder.remove() }
        var configuration = try WorkspaceConfiguration.parse(yaml: starterYAML, file: "pals.yaml", environment: [:])
        configuration.deadlines.keepInformedWorkingDays = 0
        let desk = DeadlineDesk(configuration: configuration, holidayData: .shipped)
        let planner = ReminderPlanner(desk: desk, configuration: configuration)
        let register = try CaseRegister(url: folder.appending("register.sqlite"))
        let json = """
            {"received": "2026-05-20", "channel": "letter", "summary": "Invented.", "service": "Outpatients",
             "officer": "alex", "profile": "england", "acknowledged": true,
             "complainant": {"firstName": "Eira", "lastName": "Example", "address": ["1 Invented Street"]}}
            """
        let rules = CaseForm.Rules(
            officers: ["alex"], defaultProfile: .england, complexities: ["standard"],
            now: day("2026-05-20").date(), isEmailAddress: { _ in true })
        let record = try register.create(
            CaseForm.parse(json: Data(json.utf8), rules: rules), pattern: .standard, now: rules.now)
        let first = planner.plan(try register.schedules(), today: day("2026-11-13")).reminders
            .filter { $0.kind == .backstopNear }
        let current = try desk.deadlines(for: record)
        let agreed = try desk.calculator(for: record.schedule)
            .agree(current, on: day("2026-12-18"), today: day("2026-11-13"))
        _ = try register.apply(record.reference, now: instant("2026-11-13T10:00:00Z")) { lifecycle in
            try lifecycle.agree(agreed, previous: current, at: instant("2026-11-13T10:00:00Z"))
        }
        let second = planner.plan(try register.schedules(), today: day("2026-12-11")).reminders
            .filter { $0.kind == .backstopNear }
        #expect(first.count == 2)
        #expect(second.count == 2)
        #expect(Set(first.map { $0.key }).isDisjoint(with: second.map { $0.key }), "a new backstop is a new warning")
        #expect(second.allSatisfy { $0.key.contains("2026-12-18") })
    }

    @Test("keep informed: the officer is reminded after 20 working days without a letter, once per quiet period")
    func keepInformed() throws {
        // Last letter Monday 2 November 2026: 20 working days on is Monday 30 November.
        let byDay = try plan(received: "2026-10-01", lastLetter: "2026-11-02T09:00:00Z", from: "2026-11-02", days: 40)
        let reminded = byDay.filter { $0.value.contains("keep-informed:officer") }
        #expect(reminded.keys.sorted() == ["2026-11-30"], "\(byDay)")
    }

    @Test("keep informed counts from receipt when nothing was ever sent, and is configurable; 0 turns it off")
    func keepInformedConfigurable() throws {
        // Acknowledged outside pals on receipt, Thursday 1 October 2026: 10 working days on is Thursday 15 October.
        let ten = try plan(
            received: "2026-10-01", from: "2026-10-01", days: 30,
            configure: { $0.deadlines.keepInformedWorkingDays = 10 })
        #expect(ten.filter { $0.value.contains("keep-informed:officer") }.keys.sorted() == ["2026-10-15"])
        let off = try plan(
            received: "2026-10-01", from: "2026-10-01", days: 60,
            configure: { $0.deadlines.keepInformedWorkingDays = 0 })
        #expect(!off.values.flatMap { $0 }.contains("keep-informed:officer"))
    }

    @Test("the daemon sends the backstop warnings on the right days, on an injected clock")
    func daemonSendsBackstopWarnings() async throws {
        try await withDaemon(
            start: "2026-11-12T06:00:00Z", safetyInterval: .seconds(6 * 3600), senderSafetyInterval: .seconds(6 * 3600)
        ) { daemon, clock, transport in
            let reference = try daemon.log(DaemonWorkspace.complaint(received: "2026-05-20T10:00:00Z"))
            daemon.casesChanged()
            try await clock.run(daemon, until: instant("2026-11-12T12:00:00Z"))
            #expect(await transport.subjects(to: Self.officer).filter { $0.hasPrefix("Backstop") }.isEmpty)
            try await clock.run(daemon, until: instant("2026-11-13T12:00:00Z"))
            #expect(await transport.subjects(to: Self.officer).filter { $0.hasPrefix("Backstop near") }.count == 1)
            #expect(await transport.subjects(to: Self.manager).filter { $0.hasPrefix("Backstop near") }.count == 1)
            try await clock.run(daemon, until: instant("2026-11-23T06:00:00Z"))
            #expect(await transport.subjects(to: Self.manager).filter { $0.hasPrefix("Backstop passed") }.isEmpty)
            try await clock.run(daemon, until: instant("2026-11-24T12:00:00Z"))
            let passed = await transport.subjects(to: Self.manager).filter { $0.hasPrefix("Backstop passed") }
            #expect(passed == ["Backstop passed: \(reference)"], "once, naming only the reference")
            let officerMail = await transport.delivered(to: Self.officer).joined()
            #expect(!officerMail.contains("Eira"), "no person's name in a reminder")
        }
    }
}
