import Casework
import Foundation
import Primitives
import Testing
import WorkingDays

/// Shorthand for a date the test knows exists.
private func date(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }

/// A calculator with the default numbers of `id` and the shipped holidays.
private func calculator(_ id: ProfileID) -> DeadlineCalculator {
    DeadlineCalculator(profile: .defaults(for: id))
}

/// England reg 14: the six-month backstop moves only by an agreement with the complainant made before it passes.
@Suite("Honest deadlines: England's backstop")
struct BackstopAgreementTests {
    let england = calculator(.england)

    @Test("an agreement before the backstop moves it; on the backstop day itself too")
    func agreementBeforeTheBackstopMovesIt() throws {
        let deadlines = try england.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        #expect(deadlines.backstop == date("2026-09-06"))
        let agreed = try england.agree(deadlines, on: date("2026-10-30"), today: date("2026-09-01"))
        #expect(agreed.respondBy == date("2026-10-30"))
        #expect(agreed.backstop == date("2026-10-30"))
        let onTheDay = try england.agree(deadlines, on: date("2026-10-30"), today: date("2026-09-06"))
        #expect(onTheDay.backstop == date("2026-10-30"), "agreed on the last day of the six months")
    }

    @Test("an agreement after the backstop passed is refused, saying a late-response letter is due")
    func agreementAfterTheBackstopIsRefused() throws {
        let deadlines = try england.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        let refused = #expect(throws: DeadlineError.self) {
            try england.agree(deadlines, on: date("2026-10-30"), today: date("2026-09-07"))
        }
        #expect(refused?.code == .backstopPassed)
        #expect(refused?.reason.contains("2026-09-06") == true)
        #expect(refused?.reason.contains("why the response is late") == true)
    }

    @Test("an agreed date inside the backstop leaves the backstop where it is")
    func agreementInsideTheBackstop() throws {
        let deadlines = try england.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        let agreed = try england.agree(deadlines, on: date("2026-06-30"), today: date("2026-04-01"))
        #expect(agreed.respondBy == date("2026-06-30"))
        #expect(agreed.backstop == date("2026-09-06"))
    }

    @Test("Wales: an agreement changes the response date but never its backstop")
    func walesBackstopStays() throws {
        let wales = calculator(.wales)
        let deadlines = try wales.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        let agreed = try wales.agree(deadlines, on: date("2026-10-30"), today: date("2026-09-01"))
        #expect(agreed.backstop == date("2026-09-06"))
    }

    @Test("a careless agreed date before receipt is refused")
    func agreementBeforeReceipt() throws {
        let deadlines = try england.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        let refused = #expect(throws: DeadlineError.self) {
            try england.agree(deadlines, on: date("2026-03-01"), today: date("2026-03-10"))
        }
        #expect(refused?.code == .dateBeforeReceipt)
    }

    @Test("the agreed backstop recomputes to the same deadlines")
    func recomputes() throws {
        let deadlines = try england.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        let agreed = try england.agree(deadlines, on: date("2026-10-30"), today: date("2026-09-01"))
        let afresh = try england.deadlines(
            for: DeadlineInput(
                received: date("2026-03-06"), agreedResponse: date("2026-10-30"), backstopAgreed: date("2026-10-30")))
        #expect(agreed == afresh)
    }
}

/// Scotland and Northern Ireland's model procedure: stage 1 may be extended to its cap, never beyond.
@Suite("Honest deadlines: stage 1's cap")
struct StageOneCapTests {
    @Test(
        "a stage-1 holding date up to 10 working days is allowed; beyond it, the case must go to stage 2",
        arguments: [ProfileID.scotland, .northernIrelandMCHP])
    func stageOneCap(id: ProfileID) throws {
        let calculator = calculator(id)
        // Received Monday 5 January 2026: 5 working days → 12 January, 10 → 19 January.
        let deadlines = try calculator.deadlines(for: DeadlineInput(received: date("2026-01-05")))
        #expect(calculator.stage1Cap(received: deadlines.received) == date("2026-01-19"))
        let extended = try calculator.extend(
            deadlines, to: date("2026-01-19"), reason: "a clinician is away", today: date("2026-01-09"))
        #expect(extended.deadlines.respondBy == date("2026-01-19"))
        let fourMonths = #expect(throws: DeadlineError.self) {
            try calculator.extend(deadlines, to: date("2026-05-05"), reason: "busy", today: date("2026-01-09"))
        }
        #expect(fourMonths?.code == .beyondStage1Cap)
        #expect(fourMonths?.reason.contains("must go to stage 2") == true)
        let oneDayOver = #expect(throws: DeadlineError.self) {
            try calculator.extend(deadlines, to: date("2026-01-20"), reason: "busy", today: date("2026-01-09"))
        }
        #expect(oneDayOver?.code == .beyondStage1Cap)
        let agreedBeyond = #expect(throws: DeadlineError.self) {
            try calculator.agree(deadlines, on: date("2026-02-20"), today: date("2026-01-09"))
        }
        #expect(agreedBeyond?.code == .beyondStage1Cap)
    }

    @Test("stage 2 has no stage-1 cap: a holding letter can give any later date")
    func stageTwoHasNoCap() throws {
        let calculator = calculator(.scotland)
        let deadlines = try calculator.deadlines(
            for: DeadlineInput(received: date("2026-01-05"), stage: .two, escalated: date("2026-01-20")))
        let extended = try calculator.extend(
            deadlines, to: date("2026-04-30"), reason: "expert advice", today: date("2026-02-10"))
        #expect(extended.deadlines.respondBy == date("2026-04-30"))
    }

    @Test("profiles without stages have no cap")
    func unstaged() {
        #expect(calculator(.england).stage1Cap(received: date("2026-01-05")) == nil)
    }
}

/// A profile is a series of rule sets; a case uses the one in force on its receipt date.
@Suite("Rule sets in force on the receipt date")
struct RuleSetTests {
    @Test("the rule set in force is the latest one that started on or before receipt")
    func inForce() {
        var later = DeadlineProfile.defaults(for: .wales)
        later.responseWorkingDays = 25
        let series = ProfileRuleSeries([
            DeadlineRuleSet(name: "wales-2026", effectiveFrom: date("2026-04-01"), profile: later),
            DeadlineRuleSet(name: "wales-2011", profile: .defaults(for: .wales)),
        ])
        #expect(series.inForce(on: date("2026-03-31")).name == "wales-2011")
        #expect(series.inForce(on: date("2026-04-01")).name == "wales-2026")
        #expect(series.inForce(on: date("2030-01-01")).name == "wales-2026")
        #expect(series.inForce(on: date("1990-01-01")).name == "wales-2011")
    }

    @Test("each computed deadline names the rule set that produced it")
    func deadlinesNameTheirRuleSet() throws {
        let calculator = DeadlineCalculator(
            profile: .defaults(for: .england), calendar: WorkingDayCalendar(division: .englandAndWales),
            ruleSet: "england-2009")
        let deadlines = try calculator.deadlines(for: DeadlineInput(received: date("2026-03-06")))
        #expect(deadlines.ruleSet == "england-2009")
        let decoded = try JSONDecoder().decode(CaseDeadlines.self, from: try JSONEncoder().encode(deadlines))
        #expect(decoded == deadlines)
    }

    @Test("a record written before rule sets reads back with the profile's name")
    func oldRecordDecodes() throws {
        let json = """
            {"profile":"england","stage":null,"received":"2026-03-06","acknowledgeBy":"2026-03-11",
             "respondBy":"2026-04-14","backstop":"2026-09-06","division":"england-and-wales","calendarVersion":"v"}
            """
        let decoded = try JSONDecoder().decode(CaseDeadlines.self, from: Data(json.utf8))
        #expect(decoded.ruleSet == "england")
    }

    @Test("Northern Ireland: complaints received from the model procedure's date are handled under it")
    func northernIrelandSuccession() {
        let from = ProfileSuccession.northernIrelandModelProcedureDefault
        #expect(from == date("2026-01-01"))
        let successions = [ProfileSuccession.northernIrelandModelProcedure(from: from)]
        #expect(
            ProfileSuccession.profile(.northernIreland, receivedOn: date("2025-12-31"), successions: successions)
                == .northernIreland)
        #expect(
            ProfileSuccession.profile(.northernIreland, receivedOn: date("2026-01-01"), successions: successions)
                == .northernIrelandMCHP)
        #expect(
            ProfileSuccession.profile(.england, receivedOn: date("2026-06-01"), successions: successions) == .england)
        #expect(
            ProfileSuccession.profile(.northernIreland, receivedOn: date("2026-06-01"), successions: [])
                == .northernIreland)
    }

    @Test("every shipped profile has a rule set from the beginning of time")
    func shipped() {
        for id in ProfileID.allCases {
            let sets = DeadlineRuleSet.shipped(for: id)
            #expect(sets.first?.effectiveFrom == nil, "\(id)")
            #expect(sets.allSatisfy { $0.profile.id == id }, "\(id)")
        }
    }
}
