import Casework
import Foundation
import Primitives
import Testing
import WorkingDays

/// Shorthand for a date the test knows exists.
private func day(_ iso: String, sourceLocation: SourceLocation = #_sourceLocation) -> CivilDate {
    guard let date = CivilDate(iso: iso) else {
        Issue.record("\(iso) is not a date", sourceLocation: sourceLocation)
        return CivilDate(dayNumber: 0)
    }
    return date
}

/// A calculator with the default numbers of `id` and the shipped holidays.
private func calculator(_ id: ProfileID, closures: Set<CivilDate> = []) -> DeadlineCalculator {
    DeadlineCalculator(profile: .defaults(for: id), closures: closures)
}

@Suite struct DeadlineProfileDefaults {
    @Test(arguments: [
        (ProfileID.england, Division.englandAndWales, 3, 25, false, 6 as Int?),
        (.wales, .englandAndWales, 2, 30, false, 6),
        (.scotland, .scotland, 3, 20, true, nil),
        (.northernIreland, .northernIreland, 2, 20, false, nil),
        (.northernIrelandMCHP, .northernIreland, 3, 20, true, nil),
    ])
    func followTheDesignTable(
        id: ProfileID, division: Division, acknowledge: Int, respond: Int, staged: Bool, backstop: Int?
    ) throws {
        let profile = DeadlineProfile.defaults(for: id)
        #expect(profile.id == id)
        #expect(profile.division == division)
        #expect(id.division == division)
        #expect(profile.hasStages == staged)
        #expect(profile.backstopMonths == backstop)
        #expect(profile.amberWorkingDays == 5)
        if staged {
            #expect(profile.stage1ResolveWorkingDays == 5)
            #expect(profile.stage1ExtendedWorkingDays == 10)
            #expect(profile.stage2AcknowledgeWorkingDays == acknowledge)
            #expect(profile.stage2ResponseWorkingDays == respond)
        } else {
            #expect(profile.acknowledgeWorkingDays == acknowledge)
            #expect(try profile.responseWorkingDays(complexity: nil) == respond)
        }
        try profile.validate()
    }

    @Test func englandHasLocalTargetsByComplexity() throws {
        let england = DeadlineProfile.defaults(for: .england)
        #expect(england.responseTargets == ["standard": 25, "complex": 40, "very-complex": 60])
        #expect(england.defaultComplexity == "standard")
        #expect(england.backstopMovesWithAgreement)
        #expect(!DeadlineProfile.defaults(for: .wales).backstopMovesWithAgreement)
    }

    @Test func decodeOverridesOverTheDefaults() throws {
        let json = Data(#"{"id": "england", "acknowledgeWorkingDays": 2, "responseTargets": {"standard": 30}}"#.utf8)
        let profile = try JSONDecoder().decode(DeadlineProfile.self, from: json)
        var expected = DeadlineProfile.defaults(for: .england)
        expected.acknowledgeWorkingDays = 2
        expected.responseTargets = ["standard": 30]
        #expect(profile == expected)
        let noBackstop = try JSONDecoder().decode(
            DeadlineProfile.self, from: Data(#"{"id": "wales", "backstopMonths": null}"#.utf8))
        #expect(noBackstop.backstopMonths == nil)
    }

    @Test(arguments: ProfileID.allCases)
    func roundTripThroughJSON(id: ProfileID) throws {
        let profile = DeadlineProfile.defaults(for: id)
        #expect(try JSONDecoder().decode(DeadlineProfile.self, from: JSONEncoder().encode(profile)) == profile)
    }

    @Test func refuseUnknownKeys() {
        let json = Data(#"{"id": "england", "acknowledgeWorkingDay": 2}"#.utf8)
        let error = #expect(throws: DecodingError.self) { try JSONDecoder().decode(DeadlineProfile.self, from: json) }
        #expect("\(String(describing: error))".contains("acknowledgeWorkingDay"))
    }

    @Test func refuseNonsenseNumbers() {
        var profile = DeadlineProfile.defaults(for: .wales)
        profile.responseWorkingDays = -1
        let negative = #expect(throws: DeadlineError.self) { try profile.validate() }
        #expect(negative?.code == .invalidProfile)
        #expect(negative?.errorDescription?.contains("responseWorkingDays") == true)
        var england = DeadlineProfile.defaults(for: .england)
        england.defaultComplexity = "simple"
        let error = #expect(throws: DeadlineError.self) { try england.validate() }
        #expect(error?.errorDescription?.contains("simple") == true)
    }
}

@Suite struct UnstagedDeadlines {
    @Test func englandAcknowledgesAComplaintOfTwentyThirdDecember2021ByThirtiethDecember() throws {
        let deadlines = try calculator(.england).deadlines(for: DeadlineInput(received: day("2021-12-23")))
        #expect(deadlines.acknowledgeBy == day("2021-12-30"))
        #expect(deadlines.respondBy == day("2022-02-01"))  // 25 working days
        #expect(deadlines.backstop == day("2022-06-23"))
        #expect(deadlines.stage == nil)
        #expect(deadlines.profile == .england)
        #expect(deadlines.division == .englandAndWales)
        #expect(deadlines.calendarVersion == HolidayData.shipped.version)
    }

    @Test(arguments: ProfileID.allCases)
    func aSaturdayReceiptIsDueTheSameDayAsTheFridayBefore(id: ProfileID) throws {
        let friday = try calculator(id).deadlines(for: DeadlineInput(received: day("2026-03-06")))
        let saturday = try calculator(id).deadlines(for: DeadlineInput(received: day("2026-03-07")))
        #expect(saturday.acknowledgeBy == friday.acknowledgeBy)
        #expect(saturday.respondBy == friday.respondBy)
    }

    @Test(arguments: [
        (ProfileID.england, nil as String?, "2026-03-11", "2026-04-14"),  // 3 and 25 WD over Easter
        (.england, "complex", "2026-03-11", "2026-05-06"),  // 40 WD over Easter and early May
        (.england, "very-complex", "2026-03-11", "2026-06-04"),  // 60 WD, over the spring bank holiday too
        (.wales, nil, "2026-03-10", "2026-04-21"),  // 2 and 30 WD
        (.northernIreland, nil, "2026-03-10", "2026-04-08"),  // 2 and 20 WD, skipping St Patrick’s Day and Easter
    ])
    func respondWithinTheProfilesWorkingDays(
        id: ProfileID, complexity: String?, acknowledgeBy: String, respondBy: String
    ) throws {
        let deadlines = try calculator(id).deadlines(
            for: DeadlineInput(received: day("2026-03-06"), complexity: complexity))
        #expect(deadlines.acknowledgeBy == day(acknowledgeBy))
        #expect(deadlines.respondBy == day(respondBy))
    }

    @Test func walesIgnoresComplexityButEnglandRefusesAnUnknownOne() throws {
        let wales = try calculator(.wales).deadlines(
            for: DeadlineInput(received: day("2026-03-06"), complexity: "complex"))
        #expect(wales.respondBy == day("2026-04-21"))
        let error = #expect(throws: DeadlineError.self) {
            try calculator(.england).deadlines(for: DeadlineInput(received: day("2026-03-06"), complexity: "tricky"))
        }
        #expect(error?.code == .unknownComplexity)
        #expect(error?.errorDescription?.contains("tricky") == true)
    }

    @Test(arguments: [
        (ProfileID.england, "2027-08-31", "2028-02-29"),  // leap year
        (.wales, "2025-08-31", "2026-02-28"),  // common year
        (.england, "2026-03-06", "2026-09-06"),  // a Sunday: the backstop is a calendar date
    ])
    func theBackstopIsSixCalendarMonthsClampedToTheMonthsEnd(id: ProfileID, received: String, backstop: String) throws {
        let deadlines = try calculator(id).deadlines(for: DeadlineInput(received: day(received)))
        #expect(deadlines.backstop == day(backstop))
    }

    @Test func skipsLocalClosureDays() throws {
        let closures: Set = [day("2026-12-29"), day("2026-12-30"), day("2026-12-31")]
        let open = try calculator(.england).deadlines(for: DeadlineInput(received: day("2026-12-23")))
        let closed = try calculator(.england, closures: closures).deadlines(
            for: DeadlineInput(received: day("2026-12-23")))
        #expect(open.acknowledgeBy == day("2026-12-30"))
        #expect(closed.acknowledgeBy == day("2027-01-05"))
        #expect(closed.calendarVersion.contains("+closures(3)"))
    }

    @Test func anAgreedDateOverridesTheResponseDate() throws {
        let input = DeadlineInput(received: day("2026-03-06"), agreedResponse: day("2026-05-29"))
        let deadlines = try calculator(.england).deadlines(for: input)
        #expect(deadlines.respondBy == day("2026-05-29"))
        #expect(deadlines.acknowledgeBy == day("2026-03-11"))
        #expect(deadlines.backstop == day("2026-09-06"))
    }

    @Test func aLongerPeriodAgreedWithTheComplainantMovesEnglandsBackstopButNotWales() throws {
        let input = DeadlineInput(
            received: day("2026-03-06"), agreedResponse: day("2026-10-30"), backstopAgreed: day("2026-10-30"))
        #expect(try calculator(.england).deadlines(for: input).backstop == day("2026-10-30"))
        #expect(try calculator(.wales).deadlines(for: input).backstop == day("2026-09-06"))
    }

    @Test func aLaterResponseDateWithoutAnAgreementLeavesTheBackstop() throws {
        let input = DeadlineInput(received: day("2026-03-06"), agreedResponse: day("2026-10-30"))
        let deadlines = try calculator(.england).deadlines(for: input)
        #expect(deadlines.respondBy == day("2026-10-30"))
        #expect(deadlines.backstop == day("2026-09-06"))
    }

    @Test func refusesAStageOrAnAgreedDateBeforeReceipt() {
        let staged = #expect(throws: DeadlineError.self) {
            try calculator(.england).deadlines(for: DeadlineInput(received: day("2026-03-06"), stage: .two))
        }
        #expect(staged?.code == .notStaged)
        let early = #expect(throws: DeadlineError.self) {
            try calculator(.wales).deadlines(
                for: DeadlineInput(received: day("2026-03-06"), agreedResponse: day("2026-03-05")))
        }
        #expect(early?.code == .dateBeforeReceipt)
    }
}

@Suite struct StagedDeadlines {
    @Test(arguments: [ProfileID.scotland, .northernIrelandMCHP])
    func stageOneHasOnlyTheDecisionDate(id: ProfileID) throws {
        let deadlines = try calculator(id).deadlines(for: DeadlineInput(received: day("2026-01-05")))
        #expect(deadlines.stage == .one)
        #expect(deadlines.acknowledgeBy == day("2026-01-12"))
        #expect(deadlines.respondBy == day("2026-01-12"))
        #expect(deadlines.backstop == nil)
        let extended = try calculator(id).deadlines(
            for: DeadlineInput(received: day("2026-01-05"), stage: .one, stage1Extended: true))
        #expect(extended.respondBy == day("2026-01-19"))
    }

    @Test(arguments: [ProfileID.scotland, .northernIrelandMCHP])
    func stageTwoStartsItsOwnClockOnEscalation(id: ProfileID) throws {
        let early = try calculator(id).deadlines(
            for: DeadlineInput(received: day("2026-01-05"), stage: .two, escalated: day("2026-02-02")))
        let late = try calculator(id).deadlines(
            for: DeadlineInput(received: day("2026-01-26"), stage: .two, escalated: day("2026-02-02")))
        #expect(early.stage == .two)
        #expect(early.received == day("2026-01-05"))
        #expect(early.acknowledgeBy == day("2026-02-05"))
        #expect(early.respondBy == day("2026-03-02"))
        #expect(late.acknowledgeBy == early.acknowledgeBy)
        #expect(late.respondBy == early.respondBy)
    }

    @Test func stageTwoSkipsStAndrewsDayInScotland() throws {
        let scotland = try calculator(.scotland).deadlines(
            for: DeadlineInput(received: day("2026-11-02"), stage: .two, escalated: day("2026-11-27")))
        let mchp = try calculator(.northernIrelandMCHP).deadlines(
            for: DeadlineInput(received: day("2026-11-02"), stage: .two, escalated: day("2026-11-27")))
        #expect(scotland.acknowledgeBy == day("2026-12-03"))
        #expect(mchp.acknowledgeBy == day("2026-12-02"))
    }

    @Test func stageTwoNeedsAnEscalationDateOnOrAfterReceipt() {
        let missing = #expect(throws: DeadlineError.self) {
            try calculator(.scotland).deadlines(for: DeadlineInput(received: day("2026-01-05"), stage: .two))
        }
        #expect(missing?.code == .missingEscalation)
        let early = #expect(throws: DeadlineError.self) {
            try calculator(.scotland).deadlines(
                for: DeadlineInput(received: day("2026-01-05"), stage: .two, escalated: day("2026-01-02")))
        }
        #expect(early?.code == .dateBeforeReceipt)
    }

    @Test func anAgreedDateOverridesTheStageTwoResponse() throws {
        let deadlines = try calculator(.scotland).deadlines(
            for: DeadlineInput(
                received: day("2026-01-05"), stage: .two, escalated: day("2026-02-02"),
                agreedResponse: day("2026-03-20")))
        #expect(deadlines.respondBy == day("2026-03-20"))
        #expect(deadlines.acknowledgeBy == day("2026-02-05"))
    }
}

@Suite struct CaseDeadlinesJSON {
    private func object(_ deadlines: CaseDeadlines) throws -> [String: Any] {
        let data = try JSONEncoder().encode(deadlines)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func hasExactlyTheNineKeysWithNullsWritten() throws {
        let england = try calculator(.england).deadlines(for: DeadlineInput(received: day("2021-12-23")))
        let json = try self.object(england)
        #expect(
            Set(json.keys) == [
                "profile", "stage", "received", "acknowledgeBy", "respondBy", "backstop", "division", "calendarVersion",
                "ruleSet",
            ])
        #expect(json["ruleSet"] as? String == "england")
        #expect(json["stage"] is NSNull)
        #expect(json["profile"] as? String == "england")
        #expect(json["received"] as? String == "2021-12-23")
        #expect(json["acknowledgeBy"] as? String == "2021-12-30")
        #expect(json["respondBy"] as? String == "2022-02-01")
        #expect(json["backstop"] as? String == "2022-06-23")
        #expect(json["division"] as? String == "england-and-wales")
        #expect(json["calendarVersion"] as? String == HolidayData.shipped.version)

        let scotland = try self.object(
            calculator(.scotland).deadlines(
                for: DeadlineInput(received: day("2026-01-05"), stage: .two, escalated: day("2026-02-02"))))
        #expect(scotland.count == 9)
        #expect(scotland["backstop"] is NSNull)
        #expect(scotland["stage"] as? Int == 2)
    }

    @Test(arguments: ProfileID.allCases)
    func roundTrips(id: ProfileID) throws {
        let deadlines = try calculator(id).deadlines(for: DeadlineInput(received: day("2026-08-31")))
        let data = try JSONEncoder().encode(deadlines)
        #expect(try JSONDecoder().decode(CaseDeadlines.self, from: data) == deadlines)
    }
}

@Suite struct HoldingLetterExtensions {
    @Test func moveTheResponseDateAndCountTheExtensions() throws {
        let calculator = calculator(.england)
        let deadlines = try calculator.deadlines(for: DeadlineInput(received: day("2026-03-06")))
        let first = try calculator.extend(
            deadlines, to: day("2026-05-29"), reason: "  awaiting a clinical review  ", today: day("2026-04-10"))
        #expect(first.deadlines.respondBy == day("2026-05-29"))
        #expect(first.deadlines.acknowledgeBy == deadlines.acknowledgeBy)
        #expect(first.extension.count == 1)
        #expect(first.extension.reason == "awaiting a clinical review")
        #expect(first.extension.agreedOn == day("2026-04-10"))
        let second = try calculator.extend(
            first.deadlines, to: day("2026-06-30"), reason: "the consultant is on leave", today: day("2026-05-20"),
            previous: first.extension)
        #expect(second.extension.count == 2)
        #expect(second.deadlines.respondBy == day("2026-06-30"))
        // The same as computing afresh with the agreed date.
        let afresh = try calculator.deadlines(
            for: DeadlineInput(received: day("2026-03-06"), agreedResponse: day("2026-06-30")))
        #expect(second.deadlines == afresh)
    }

    @Test func aHoldingLetterNeverMovesEnglandsBackstop() throws {
        let calculator = calculator(.england)
        let deadlines = try calculator.deadlines(for: DeadlineInput(received: day("2026-03-06")))
        let inTime = try calculator.extend(deadlines, to: day("2026-10-30"), reason: "delay", today: day("2026-09-01"))
        #expect(inTime.deadlines.respondBy == day("2026-10-30"))
        #expect(inTime.deadlines.backstop == day("2026-09-06"), "a holding letter is a notice, not an agreement")
        let tooLate = try calculator.extend(deadlines, to: day("2026-10-30"), reason: "delay", today: day("2026-09-07"))
        #expect(tooLate.deadlines.backstop == day("2026-09-06"))
    }

    @Test func needAReasonAndALaterDate() throws {
        let calculator = calculator(.wales)
        let deadlines = try calculator.deadlines(for: DeadlineInput(received: day("2026-03-06")))
        let blank = #expect(throws: DeadlineError.self) {
            try calculator.extend(deadlines, to: day("2026-06-01"), reason: " \n", today: day("2026-04-01"))
        }
        #expect(blank?.code == .emptyReason)
        let earlier = #expect(throws: DeadlineError.self) {
            try calculator.extend(deadlines, to: deadlines.respondBy, reason: "delay", today: day("2026-04-01"))
        }
        #expect(earlier?.code == .notLater)
    }
}

@Suite struct RedAmberGreen {
    // Due Friday 20 March 2026 (England): a week of working days before it is 13 March.
    @Test(arguments: [
        ("2026-03-23", DeadlineStatus.Colour.red, -1),  // the Monday after: overdue
        ("2026-03-21", .red, 0),  // the Saturday after: overdue though no working day has passed
        ("2026-03-20", .amber, 0),  // due today
        ("2026-03-19", .amber, 1),
        ("2026-03-13", .amber, 5),  // the edge of the amber window
        ("2026-03-12", .green, 6),
        ("2026-01-02", .green, 55),
    ])
    func colourADeadlineByWorkingDaysRemaining(today: String, colour: DeadlineStatus.Colour, remaining: Int) {
        let status = calculator(.england).status(of: day("2026-03-20"), today: day(today))
        #expect(status.colour == colour)
        #expect(status.workingDaysRemaining == remaining)
    }

    @Test func theAmberWindowComesFromTheProfile() {
        var profile = DeadlineProfile.defaults(for: .england)
        profile.amberWorkingDays = 2
        let calculator = DeadlineCalculator(profile: profile)
        #expect(calculator.status(of: day("2026-03-20"), today: day("2026-03-18")).colour == .amber)
        #expect(calculator.status(of: day("2026-03-20"), today: day("2026-03-17")).colour == .green)
    }
}
