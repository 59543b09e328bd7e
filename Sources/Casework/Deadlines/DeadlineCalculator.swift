package import Primitives
package import WorkingDays

/// The stage of a complaint under a two-stage procedure (Scotland, Northern Ireland MCHP).
package enum ComplaintStage: Int, Sendable, Hashable, CaseIterable, Codable {
    /// Frontline resolution.
    case one = 1
    /// Investigation, after escalation.
    case two = 2
}

/// What a case contributes to its deadlines.
package struct DeadlineInput: Sendable, Hashable {
    /// The day the complaint was received (day zero: counting starts the day after).
    package var received: CivilDate
    /// The stage, for profiles with stages (nil there means stage 1); must be nil for the others.
    package var stage: ComplaintStage?
    /// The day the complaint was escalated to stage 2, which starts stage 2's own clock; required at stage 2.
    package var escalated: CivilDate?
    /// A response date agreed with the complainant, which overrides the computed response date.
    package var agreedResponse: CivilDate?
    /// The complexity naming a local response target, e.g. `complex` (nil: the profile's default).
    package var complexity: String?
    /// Whether the stage-1 decision period was extended (5 → 10 working days by default).
    package var stage1Extended: Bool
    /// A response date agreed with the complainant before the backstop passed, which moves the backstop (England
    /// reg 14); a date given only in a holding letter is a notice and never goes here.
    package var backstopAgreed: CivilDate? = nil

    /// Makes an input; only the receipt date is required.
    package init(
        received: CivilDate, stage: ComplaintStage? = nil, escalated: CivilDate? = nil,
        agreedResponse: CivilDate? = nil, complexity: String? = nil, stage1Extended: Bool = false,
        backstopAgreed: CivilDate? = nil
    ) {
        self.backstopAgreed = backstopAgreed
        self.received = received
        self.stage = stage
        self.escalated = escalated
        self.agreedResponse = agreedResponse
        self.complexity = complexity
        self.stage1Extended = stage1Extended
    }
}

/// The deadlines of one case, with the profile and calendar version that produced them.
///
/// Its JSON has exactly the keys `profile`, `stage`, `received`, `acknowledgeBy`, `respondBy`, `backstop`,
/// `division`, `calendarVersion` and `ruleSet`, with dates as `YYYY-MM-DD` and `stage` and `backstop` as null when
/// absent.
package struct CaseDeadlines: Sendable, Hashable, Codable {
    /// The profile used.
    package var profile: ProfileID
    /// The stage, or nil for a profile without stages.
    package var stage: ComplaintStage?
    /// The day the complaint was received.
    package var received: CivilDate
    /// The day to acknowledge by; at stage 1 of a staged profile there is no separate acknowledgement, so this is
    /// the stage-1 decision date.
    package var acknowledgeBy: CivilDate
    /// The day to respond by: the agreed date when there is one, otherwise the computed one.
    package var respondBy: CivilDate
    /// The latest response date the procedure allows (e.g. six calendar months), or nil where there is none.
    package var backstop: CivilDate?
    /// The bank-holiday division of the calendar used.
    package var division: Division
    /// The version of the calendar used (holiday data and local closures).
    package var calendarVersion: String
    /// The rule set in force on the receipt date that produced these deadlines (``DeadlineRuleSet/name``).
    package var ruleSet: String

    /// Makes a record of deadlines; `ruleSet` defaults to the profile's name.
    package init(
        profile: ProfileID, stage: ComplaintStage?, received: CivilDate, acknowledgeBy: CivilDate,
        respondBy: CivilDate, backstop: CivilDate?, division: Division, calendarVersion: String,
        ruleSet: String? = nil
    ) {
        self.ruleSet = ruleSet ?? profile.rawValue
        self.profile = profile
        self.stage = stage
        self.received = received
        self.acknowledgeBy = acknowledgeBy
        self.respondBy = respondBy
        self.backstop = backstop
        self.division = division
        self.calendarVersion = calendarVersion
    }

    private enum CodingKeys: String, CodingKey {
        case profile, stage, received, acknowledgeBy, respondBy, backstop, division, calendarVersion, ruleSet
    }

    /// Decodes the keys written by ``encode(to:)``; a record without `ruleSet` (written before rule sets) takes
    /// the profile's name.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            profile: try container.decode(ProfileID.self, forKey: .profile),
            stage: try container.decodeIfPresent(ComplaintStage.self, forKey: .stage),
            received: try container.decode(CivilDate.self, forKey: .received),
            acknowledgeBy: try container.decode(CivilDate.self, forKey: .acknowledgeBy),
            respondBy: try container.decode(CivilDate.self, forKey: .respondBy),
            backstop: try container.decodeIfPresent(CivilDate.self, forKey: .backstop),
            division: try container.decode(Division.self, forKey: .division),
            calendarVersion: try container.decode(String.self, forKey: .calendarVersion),
            ruleSet: try container.decodeIfPresent(String.self, forKey: .ruleSet))
    }

    /// Encodes all eight keys, writing null for a missing stage or backstop.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.profile, forKey: .profile)
        if let stage = self.stage {
            try container.encode(stage, forKey: .stage)
        } else {
            try container.encodeNil(forKey: .stage)
        }
        try container.encode(self.received, forKey: .received)
        try container.encode(self.acknowledgeBy, forKey: .acknowledgeBy)
        try container.encode(self.respondBy, forKey: .respondBy)
        if let backstop = self.backstop {
            try container.encode(backstop, forKey: .backstop)
        } else {
            try container.encodeNil(forKey: .backstop)
        }
        try container.encode(self.division, forKey: .division)
        try container.encode(self.calendarVersion, forKey: .calendarVersion)
        try container.encode(self.ruleSet, forKey: .ruleSet)
    }
}

/// Computes a case's deadlines from a profile and a working-day calendar.
package struct DeadlineCalculator: Sendable {
    /// The deadline rules.
    package let profile: DeadlineProfile
    /// The working days counted (its division is the one recorded).
    package let calendar: WorkingDayCalendar
    /// The name of the rule set the profile's numbers come from, recorded with every deadline.
    package let ruleSet: String
    private let defaultResponseWorkingDays: Int

    /// Makes a calculator; build `calendar` for `profile.division`. `ruleSet` defaults to the profile's name.
    package init(profile: DeadlineProfile, calendar: WorkingDayCalendar, ruleSet: String? = nil) {
        self.profile = profile
        self.calendar = calendar
        self.ruleSet = ruleSet ?? profile.id.rawValue
        self.defaultResponseWorkingDays =
            profile.responseTargets[profile.defaultComplexity] ?? profile.responseWorkingDays
    }

    /// Makes a calculator with the calendar of the profile's division.
    package init(profile: DeadlineProfile, data: HolidayData = .shipped, closures: Set<CivilDate> = []) {
        self.init(
            profile: profile, calendar: WorkingDayCalendar(division: profile.division, data: data, closures: closures))
    }

    /// The deadlines for `input`.
    ///
    /// - Throws: ``DeadlineError`` when a stage is given to a profile without stages, stage 2 has no escalation date
    ///   or one before receipt, the agreed date is before receipt, or the complexity has no target.
    package func deadlines(for input: DeadlineInput) throws(DeadlineError) -> CaseDeadlines {
        let profile = self.profile
        let calendar = self.calendar
        let received = input.received
        for agreed in [input.agreedResponse, input.backstopAgreed].compactMap({ $0 }) where agreed < received {
            throw DeadlineError(
                .dateBeforeReceipt, "the agreed response date \(agreed) is before receipt on \(received)")
        }
        let stage: ComplaintStage?
        let acknowledgeBy: CivilDate
        let computedResponse: CivilDate
        if profile.hasStages {
            stage = input.stage ?? .one
            if stage == .two {
                guard let escalated = input.escalated else {
                    throw DeadlineError(.missingEscalation, "stage 2 needs the date of escalation")
                }
                guard escalated >= received else {
                    throw DeadlineError(
                        .dateBeforeReceipt, "the escalation date \(escalated) is before receipt on \(received)")
                }
                acknowledgeBy = calendar.adding(workingDays: profile.stage2AcknowledgeWorkingDays, to: escalated)
                computedResponse = calendar.adding(workingDays: profile.stage2ResponseWorkingDays, to: escalated)
            } else {
                let days = input.stage1Extended ? profile.stage1ExtendedWorkingDays : profile.stage1ResolveWorkingDays
                acknowledgeBy = calendar.adding(workingDays: days, to: received)
                computedResponse = acknowledgeBy
            }
        } else {
            guard input.stage == nil else {
                throw DeadlineError(
                    .notStaged, "profile \(profile.id) has no stages, but stage \(input.stage!.rawValue) was given")
            }
            stage = nil
            acknowledgeBy = calendar.adding(workingDays: profile.acknowledgeWorkingDays, to: received)
            let days =
                input.complexity == nil
                ? self.defaultResponseWorkingDays : try profile.responseWorkingDays(complexity: input.complexity)
            computedResponse = calendar.adding(workingDays: days, to: received)
        }
        let respondBy = input.agreedResponse ?? computedResponse
        var backstop = profile.backstopMonths.map { received.adding(months: $0) }
        // Only a recorded agreement with the complainant moves the backstop; a holding letter's date never does.
        if profile.backstopMovesWithAgreement, let limit = backstop, let agreed = input.backstopAgreed, agreed > limit {
            backstop = agreed
        }
        return CaseDeadlines(
            profile: profile.id, stage: stage, received: received, acknowledgeBy: acknowledgeBy, respondBy: respondBy,
            backstop: backstop, division: calendar.division, calendarVersion: calendar.version, ruleSet: ruleSet)
    }

    /// The red/amber/green status of `due` on `today`, with the profile's amber window.
    package func status(of due: CivilDate, today: CivilDate) -> DeadlineStatus {
        DeadlineStatus(due: due, today: today, calendar: self.calendar, amberWorkingDays: self.profile.amberWorkingDays)
    }
}

/// How close a deadline is: overdue (red), within the amber window (amber), or comfortably ahead (green).
package struct DeadlineStatus: Sendable, Hashable, Codable {
    /// The traffic-light colour of a deadline.
    package enum Colour: String, Sendable, Hashable, CaseIterable, Codable {
        /// The deadline has passed.
        case red
        /// The deadline is today or within the amber window.
        case amber
        /// The deadline is further off.
        case green
    }

    /// The colour.
    package var colour: Colour
    /// Working days after today up to and including the due date (0 when due today; negative or 0 when overdue).
    package var workingDaysRemaining: Int

    /// The status of `due` on `today`: red once past, amber when at most `amberWorkingDays` working days remain.
    package init(due: CivilDate, today: CivilDate, calendar: WorkingDayCalendar, amberWorkingDays: Int = 5) {
        self.workingDaysRemaining = calendar.workingDays(from: today, to: due)
        if today > due {
            self.colour = .red
        } else if self.workingDaysRemaining <= amberWorkingDays {
            self.colour = .amber
        } else {
            self.colour = .green
        }
    }
}
