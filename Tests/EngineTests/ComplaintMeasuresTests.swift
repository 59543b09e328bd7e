import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing

@testable import Engine

/// The measures of the annual and performance reports, checked against a computation written in this file from
/// the definitions (its own working-day count over the GOV.UK England and Wales bank holidays), never from pals.
@Suite("Complaint measures over a period")
struct ComplaintMeasuresTests {
    /// England and Wales bank holidays 2025–2028 (GOV.UK), typed in for the independent count.
    static let holidays: Set<String> = [
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25",
        "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
        "2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
        "2027-08-30", "2027-12-27", "2027-12-28", "2028-01-03",
    ]

    static func isWorkingDay(_ day: CivilDate) -> Bool {
        day.weekday.rawValue <= 5 && !holidays.contains(day.iso)
    }

    /// `n` working days after `day` (counting from the day after).
    static func adding(_ n: Int, to day: CivilDate) -> CivilDate {
        var current = day
        var left = n
        while left > 0 {
            current = current.adding(days: 1)
            if isWorkingDay(current) { left -= 1 }
        }
        return current
    }

    /// Working days after `from` up to and including `to`.
    static func between(_ from: CivilDate, _ to: CivilDate) -> Int {
        var count = 0
        var day = from.adding(days: 1)
        while day <= to {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// What the test did to one invented case, in days.
    struct Plan: Sendable {
        var concern = false
        var received: CivilDate
        var acknowledged: CivilDate?
        var extendedTo: CivilDate?
        var responded: CivilDate?
        var reopenedAndRespondedAgain: CivilDate?
        var withdrawn: CivilDate?
        var outcome: CaseOutcome?
        var subjects: [String] = []
        var referredOn: CivilDate?
        var result: (OmbudsmanResult, CivilDate)?

        var finalResponse: CivilDate? { reopenedAndRespondedAgain ?? responded }
        var ended: CivilDate? { finalResponse ?? withdrawn }
    }

    static let subjectIds = ["communications", "clinical-treatment", "appointments", "values-and-behaviours"]
    static let subjectLabels = [
        "communications": "Communications", "clinical-treatment": "Clinical treatment",
        "appointments": "Appointments, including delays and cancellations",
        "values-and-behaviours": "Values and behaviours (staff)",
    ]

    /// About 160 invented cases received from April 2025 to March 2027, from a fixed seed.
    static func plans() -> [Plan] {
        var seed: UInt64 = 20_262_027
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let start = CivilDate(iso: "2025-04-01")!
        var plans: [Plan] = []
        for index in 0..<160 {
            var plan = Plan(received: start.adding(days: next(730)))
            if index % 9 == 0 {
                plan.concern = true
                if index % 2 == 0 { plan.responded = plan.received.adding(days: 1 + next(4)) }
                plans.append(plan)
                continue
            }
            if index % 11 != 0 { plan.acknowledged = plan.received.adding(days: next(7)) }
            plan.subjects = Array(subjectIds.shuffledPrefix(1 + next(3), next))
            if index % 13 == 0 {
                plan.withdrawn = plan.received.adding(days: 8 + next(10))
            } else if next(10) < 8 {
                if index % 5 == 0 { plan.extendedTo = plan.received.adding(days: 45 + next(20)) }
                plan.responded = plan.received.adding(days: 15 + next(60) + (index % 19 == 0 ? 200 : 0))
                if index % 17 == 0 { plan.reopenedAndRespondedAgain = plan.responded!.adding(days: 20) }
                if next(10) < 9 {
                    plan.outcome = [CaseOutcome.upheld, .partlyUpheld, .notUpheld, .referredElsewhere][next(4)]
                }
                if index % 7 == 0 {
                    plan.referredOn = plan.finalResponse!.adding(days: 30)
                    if index % 2 == 0 {
                        plan.result = (
                            [OmbudsmanResult.notInvestigated, .upheld, .notUpheld][next(3)],
                            plan.referredOn!.adding(days: 70)
                        )
                    }
                }
            }
            plans.append(plan)
        }
        return plans
    }

    /// The plans stored through the lifecycle in a real register of a fresh workspace.
    static func register(_ plans: [Plan]) async throws -> EngineWorkspace {
        let ws = try await EngineWorkspace.make(now: "2027-05-01T09:00:00Z")
        try await offPool {
            let book = try ws.casebook()
            for plan in plans {
                let complaint = Complaint.with {
                    $0.fields["received"] = plan.received.iso + "T10:00"
                    if plan.concern { $0.fields["kind"] = "concern" }
                }
                let record = try book.log(json: complaint.json)
                func at(_ day: CivilDate, _ hour: Int = 14) -> Date { day.date(hour: hour) }
                try book.register.apply(record.reference, now: at(plan.received, 11)) { life in
                    if !plan.subjects.isEmpty {
                        try life.code(CaseCoding(subjects: plan.subjects), at: at(plan.received, 11))
                    }
                }
                if let day = plan.acknowledged {
                    try book.register.apply(record.reference, now: at(day)) {
                        try $0.acknowledge(.byOfficerLetter, at: at(day))
                    }
                }
                if let day = plan.extendedTo {
                    try book.register.apply(record.reference, now: at(plan.received.adding(days: 20))) {
                        try $0.extend(to: day, reason: "INVENTED: waiting for a statement", at: at(plan.received))
                    }
                }
                if let day = plan.withdrawn {
                    try book.register.apply(record.reference, now: at(day)) {
                        try $0.withdraw(at: at(day))
                        try $0.close(outcome: nil, at: at(day, 15))
                    }
                }
                if let day = plan.responded {
                    try book.register.apply(record.reference, now: at(day)) { try $0.respond(at: at(day)) }
                }
                if let again = plan.reopenedAndRespondedAgain {
                    try book.register.apply(record.reference, now: at(again)) {
                        try $0.reopen(at: at(again.adding(days: -10)))
                        try $0.respond(at: at(again))
                    }
                }
                if let outcome = plan.outcome, let day = plan.finalResponse {
                    try book.register.apply(record.reference, now: at(day, 16)) {
                        try $0.close(outcome: outcome, at: at(day, 16))
                    }
                }
                if let day = plan.referredOn {
                    try book.register.apply(record.reference, now: at(day)) {
                        try $0.referToOmbudsman(on: day, at: at(day))
                        if let (result, on) = plan.result { try $0.recordOmbudsmanResult(result, on: on, at: at(on)) }
                    }
                }
            }
        }
        return ws
    }

    /// The figures of `plans` over `from`...`to`, from the definitions.
    struct Expected: Equatable {
        var received = 0
        var receivedByMonth: [Int] = []
        var responded = 0
        var respondedByMonth: [Int] = []
        var concernsReceived = 0
        var concernsResolved = 0
        var acknowledged = (part: 0, whole: 0)
        var onTime = (part: 0, whole: 0)
        var backstop = (part: 0, whole: 0)
        var median: Double?
        var subjects: [String: Int] = [:]
        var ended = 0
        var outcomes: [String: Int] = [:]
        var wellFounded = 0
        var referred = 0
        var results: [String: Int] = [:]

        /// Every figure as text, the named counts sorted by name (so two equal dictionaries print the same).
        var key: String {
            func sorted(_ counts: [String: Int]) -> String {
                counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
            return "\(received) \(receivedByMonth) \(responded) \(respondedByMonth) \(concernsReceived) "
                + "\(concernsResolved) \(acknowledged) \(onTime) \(backstop) \(String(describing: median)) "
                + "[\(sorted(subjects))] \(ended) [\(sorted(outcomes))] \(wellFounded) \(referred) [\(sorted(results))]"
        }

        static func == (lhs: Self, rhs: Self) -> Bool { lhs.key == rhs.key }
    }

    static func expected(_ plans: [Plan], from: CivilDate, to: CivilDate, asOf: CivilDate) -> Expected {
        func inside(_ day: CivilDate?) -> Bool { day.map { $0 >= from && $0 <= to } ?? false }
        var months: [(Int, Int)] = []
        var cursor = from
        while cursor <= to {
            if months.last.map({ $0 != (cursor.year, cursor.month) }) ?? true {
                months.append((cursor.year, cursor.month))
            }
            cursor = cursor.adding(days: 1)
        }
        func monthIndex(_ day: CivilDate) -> Int { months.firstIndex { $0 == (day.year, day.month) }! }
        var figures = Expected()
        figures.receivedByMonth = Array(repeating: 0, count: months.count)
        figures.respondedByMonth = Array(repeating: 0, count: months.count)
        var days: [Int] = []
        for plan in plans {
            if plan.concern {
                if inside(plan.received) { figures.concernsReceived += 1 }
                if inside(plan.responded) { figures.concernsResolved += 1 }
                continue
            }
            if inside(plan.received) {
                figures.received += 1
                figures.receivedByMonth[monthIndex(plan.received)] += 1
                let ackBy = adding(3, to: plan.received)
                if plan.acknowledged != nil || ackBy <= asOf {
                    figures.acknowledged.whole += 1
                    if let day = plan.acknowledged, day <= ackBy { figures.acknowledged.part += 1 }
                }
                for subject in plan.subjects { figures.subjects[subjectLabels[subject]!, default: 0] += 1 }
                if plan.subjects.isEmpty { figures.subjects["Not coded", default: 0] += 1 }
            }
            if let response = plan.finalResponse, inside(response) {
                figures.responded += 1
                figures.respondedByMonth[monthIndex(response)] += 1
                let respondBy = plan.extendedTo ?? adding(25, to: plan.received)
                figures.onTime.whole += 1
                if response <= respondBy { figures.onTime.part += 1 }
                figures.backstop.whole += 1
                if response <= plan.received.adding(months: 6) { figures.backstop.part += 1 }
                days.append(between(plan.received, response))
            }
            if inside(plan.ended) {
                figures.ended += 1
                let outcome = plan.withdrawn != nil ? "Withdrawn" : plan.outcome.map { $0.label } ?? "Not recorded"
                figures.outcomes[outcome, default: 0] += 1
                if plan.outcome == .upheld || plan.outcome == .partlyUpheld { figures.wellFounded += 1 }
            }
            if inside(plan.referredOn) { figures.referred += 1 }
            if let (result, on) = plan.result, inside(on) { figures.results[result.label, default: 0] += 1 }
        }
        days.sort()
        if !days.isEmpty {
            figures.median =
                days.count % 2 == 1
                ? Double(days[days.count / 2]) : Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
        }
        return figures
    }

    static func actual(_ m: ComplaintMeasures) -> Expected {
        var figures = Expected()
        figures.received = m.complaintsReceived
        figures.receivedByMonth = m.receivedByMonth.map(\.count)
        figures.responded = m.complaintsResponded
        figures.respondedByMonth = m.respondedByMonth.map(\.count)
        figures.concernsReceived = m.concernsReceived
        figures.concernsResolved = m.concernsResolved
        figures.acknowledged = (m.acknowledgedInTime.part, m.acknowledgedInTime.whole)
        figures.onTime = (m.respondedByDateInForce.part, m.respondedByDateInForce.whole)
        figures.backstop = (m.respondedWithinBackstop.part, m.respondedWithinBackstop.whole)
        figures.median = m.medianWorkingDaysToResponse
        figures.subjects = Dictionary(uniqueKeysWithValues: m.subjects.map { ($0.name, $0.count) })
        figures.ended = m.complaintsEnded
        figures.outcomes = Dictionary(uniqueKeysWithValues: m.outcomes.map { ($0.name, $0.count) })
        figures.wellFounded = m.wellFounded
        figures.referred = m.ombudsmanReferred
        figures.results = Dictionary(uniqueKeysWithValues: m.ombudsmanResults.map { ($0.name, $0.count) })
        return figures
    }

    @Test("every measure of two financial years and a quarter matches the definitions' own count")
    func measuresMatchDefinitions() async throws {
        let plans = Self.plans()
        let ws = try await Self.register(plans)
        defer { ws.folder.remove() }
        let (cases, problems) = try await offPool { try ws.casebook().measuredCases() }
        #expect(problems.isEmpty)
        #expect(cases.count == plans.count)
        let asOf = CivilDate(iso: "2027-05-01")!
        for (from, to) in [("2025-04-01", "2026-03-31"), ("2026-04-01", "2027-03-31"), ("2026-07-01", "2026-09-30")] {
            let period = try ReportPeriod(from: CivilDate(iso: from)!, to: CivilDate(iso: to)!)
            let measured = ComplaintMeasures.measure(cases, period: period, asOf: asOf)
            let expected = Self.expected(plans, from: period.from, to: period.to, asOf: asOf)
            #expect(Self.actual(measured) == expected, "\(from) to \(to)")
            // The data really exercise every measure.
            #expect(expected.received > 10 && expected.responded > 5 && expected.referred > 0 || from == "2026-07-01")
        }
        let year = ComplaintMeasures.measure(
            cases, period: ReportPeriod(year: try FinancialYear(parsing: "2026-27")), asOf: asOf)
        #expect(year.wellFounded > 0)
        #expect(year.acknowledgedInTime.part < year.acknowledgedInTime.whole)
        #expect(year.respondedByDateInForce.part < year.respondedByDateInForce.whole)
    }

    @Test("the previous period is the financial year before, or as many days before")
    func previousPeriod() throws {
        let year = ReportPeriod(year: try FinancialYear(parsing: "2026-27"))
        #expect(year.previous.from.iso == "2025-04-01")
        #expect(year.previous.to.iso == "2026-03-31")
        let quarter = try ReportPeriod(from: CivilDate(iso: "2026-07-01")!, to: CivilDate(iso: "2026-09-30")!)
        #expect(quarter.previous.from.iso == "2026-04-01")
        #expect(quarter.previous.to.iso == "2026-06-30")
        let days = try ReportPeriod(from: CivilDate(iso: "2026-07-10")!, to: CivilDate(iso: "2026-07-19")!)
        #expect(days.previous.from.iso == "2026-06-30")
        #expect(days.previous.to.iso == "2026-07-09")
    }

    @Test("a period that ends before it starts, or runs past ten years, is refused with words to act on")
    func hostilePeriods() {
        #expect(throws: ReportPeriodError.self) {
            try ReportPeriod(from: CivilDate(iso: "2026-09-30")!, to: CivilDate(iso: "2026-07-01")!)
        }
        do {
            _ = try ReportPeriod(from: CivilDate(iso: "2026-09-30")!, to: CivilDate(iso: "2026-07-01")!)
        } catch {
            #expect(error.message.contains("ends (2026-07-01) before it starts (2026-09-30)"))
        }
        #expect(throws: ReportPeriodError.self) {
            try ReportPeriod(from: CivilDate(iso: "2000-01-01")!, to: CivilDate(iso: "2026-01-01")!)
        }
        #expect(throws: ReportPeriodError.self) {
            try ReportPeriod(from: CivilDate(iso: "1500-01-01")!, to: CivilDate(iso: "2026-01-01")!)
        }
    }

    @Test("cases in triage count nowhere; a year with no cases has zeros, no shares and no median")
    func triageAndEmpty() throws {
        let period = ReportPeriod(year: try FinancialYear(parsing: "2026-27"))
        let day = CivilDate(iso: "2026-05-05")!
        let triage = MeasuredCase(reference: "PALS-2026-0001", status: .triage, received: day)
        let measures = ComplaintMeasures.measure([triage], period: period, asOf: day)
        #expect(measures.complaintsReceived == 0)
        #expect(measures.receivedByMonth.count == 12)
        #expect(measures.receivedByMonth.allSatisfy { $0.count == 0 })
        #expect(measures.acknowledgedInTime.percent == nil)
        #expect(measures.medianWorkingDaysToResponse == nil)
        #expect(measures.outcomes.isEmpty)
    }

    @Test("the median of an even count is the mean of the middle two")
    func median() {
        #expect(ComplaintMeasures.median([]) == nil)
        #expect(ComplaintMeasures.median([7]) == 7)
        #expect(ComplaintMeasures.median([9, 1, 4, 30]) == 6.5)
    }
}

extension Array where Element == String {
    /// The first `count` elements after a shuffle driven by `next` (deterministic for the test's seed).
    func shuffledPrefix(_ count: Int, _ next: (Int) -> Int) -> [String] {
        var items = self
        for index in items.indices.reversed() where index > 0 { items.swapAt(index, next(index + 1)) }
        return Array(items.prefix(count))
    }
}
