package import Casework
package import Foundation
package import Primitives
package import WorkingDays

/// The workspace's deadline rules: each profile with the configured overrides, on the calendars of
/// the bank-holiday data in force (an imported GOV.UK file, else the shipped one) and the local closures.
package struct DeadlineDesk: Sendable {
    /// The bank-holiday data in force.
    package let holidayData: HolidayData
    /// Working days before a deadline when it turns amber.
    package let amberWorkingDays: Int
    /// The profiles that take over from others for complaints received from a date (Northern Ireland's model
    /// procedure), applied when a case is logged.
    package let successions: [ProfileSuccession]
    /// Each profile's calculators, one per rule set, oldest first.
    private let series: [ProfileID: [(from: CivilDate?, calculator: DeadlineCalculator)]]
    /// Working days after receipt to resolve a PALS concern (`concerns.targetWorkingDays`).
    package let concernTargetWorkingDays: Int

    /// The file in a workspace that holds an imported GOV.UK feed (`pals holidays import`).
    package static let importedHolidaysFileName = "bank-holidays.json"

    /// The rules of a workspace, or the statutory defaults when `configuration` is `nil`.
    package init(configuration: WorkspaceConfiguration?, holidayData: HolidayData) {
        self.holidayData = holidayData
        let configuration = configuration ?? WorkspaceConfiguration()
        amberWorkingDays = configuration.deadlines.amberWorkingDays
        concernTargetWorkingDays = configuration.concerns.targetWorkingDays
        let closures = Set(configuration.closures)
        var calendars: [Division: WorkingDayCalendar] = [:]
        var series: [ProfileID: [(from: CivilDate?, calculator: DeadlineCalculator)]] = [:]
        for id in ProfileID.allCases {
            for ruleSet in Self.ruleSets(id, configuration: configuration).ruleSets {
                let profile = ruleSet.profile
                let calendar =
                    calendars[profile.division]
                    ?? WorkingDayCalendar(division: profile.division, data: holidayData, closures: closures)
                calendars[profile.division] = calendar
                series[id, default: []].append(
                    (
                        ruleSet.effectiveFrom,
                        DeadlineCalculator(profile: profile, calendar: calendar, ruleSet: ruleSet.name)
                    ))
            }
        }
        self.series = series
        successions =
            configuration.jurisdiction.northernIrelandModelProcedureFrom.map {
                [.northernIrelandModelProcedure(from: $0)]
            } ?? []
    }

    /// A profile's rule sets: those pals ships, each with the configuration's changes, and the configuration's own
    /// dated rule sets. An undated override changes every shipped rule set (as it did before rule sets had dates).
    static func ruleSets(_ id: ProfileID, configuration: WorkspaceConfiguration) -> ProfileRuleSeries {
        let shipped = WalesListeningToPeople.shippedRuleSets(
            for: id, from: configuration.jurisdiction.walesListeningToPeopleFrom)
        var sets = shipped.map { shipped in
            var set = shipped
            set.profile = profile(id, base: shipped.profile, configuration: configuration)
            return set
        }
        for dated in configuration.deadlines.datedProfiles[id] ?? [] {
            let base = ProfileRuleSeries(sets).inForce(on: dated.effectiveFrom)
            var set = DeadlineRuleSet(
                name: dated.name ?? "\(base.name) from \(dated.effectiveFrom.iso)", effectiveFrom: dated.effectiveFrom,
                profile: base.profile)
            set.profile.apply(dated.overrides, id: id)
            sets.removeAll { $0.effectiveFrom == dated.effectiveFrom }
            sets.append(set)
        }
        return ProfileRuleSeries(sets)
    }

    /// The rules of a workspace, reading its imported bank holidays if it has them.
    package init(workspace: Workspace) throws {
        self.init(configuration: workspace.configuration, holidayData: try Self.holidayData(in: workspace.root))
    }

    /// The bank-holiday data of a workspace folder: its imported file, else the shipped GOV.UK data.
    package static func holidayData(in folder: URL?) throws -> HolidayData {
        guard let folder else { return .shipped }
        let file = folder.appending(path: importedHolidaysFileName)
        guard let data = FileManager.default.contents(atPath: file.path) else { return .shipped }
        return try HolidayData(json: data)
    }

    /// A profile's numbers: the law's defaults with the configuration's changes.
    static func profile(
        _ id: ProfileID, base: DeadlineProfile? = nil, configuration: WorkspaceConfiguration
    ) -> DeadlineProfile {
        var profile = base ?? DeadlineProfile.defaults(for: id)
        profile.amberWorkingDays = configuration.deadlines.amberWorkingDays
        if id == .england {
            profile.responseTargets = configuration.deadlines.targets
            profile.defaultComplexity = configuration.deadlines.defaultComplexity
            profile.responseWorkingDays =
                configuration.deadlines.targets[profile.defaultComplexity] ?? profile.responseWorkingDays
        }
        if let overrides = configuration.deadlines.profiles[id] { profile.apply(overrides, id: id) }
        return profile
    }

    /// The calculator of a profile's latest rule set (for a complaint received today or later).
    package func calculator(_ id: ProfileID) -> DeadlineCalculator { series[id]!.last!.calculator }

    /// The calculator of the rule set of `id` in force for a complaint received on `received`.
    package func calculator(_ id: ProfileID, receivedOn received: CivilDate) -> DeadlineCalculator {
        let sets = series[id]!
        return sets.last { ($0.from ?? CaseDates.earliest) <= received }?.calculator ?? sets[0].calculator
    }

    /// The calculator that computes a case's deadlines: its profile's rule set in force on its receipt date.
    package func calculator(for record: CaseSchedule) -> DeadlineCalculator {
        calculator(record.profile, receivedOn: record.receivedDate)
    }

    /// The profile a complaint logged as `profile` and received on `received` is handled under
    /// (``successions``: e.g. Northern Ireland's model procedure from its mandatory date).
    package func profile(_ profile: ProfileID, receivedOn received: CivilDate) -> ProfileID {
        ProfileSuccession.profile(profile, receivedOn: received, successions: successions)
    }

    /// `pals deadlines calc`: the deadlines of a date of receipt (for stage 2, the date of escalation).
    package func calculate(
        profile id: ProfileID, stage: Int?, received: CivilDate, complexity: String?
    ) throws -> CaseDeadlines {
        // The profile as named (a case logged in Northern Ireland may be handled under the model procedure instead:
        // that choice is made when it is logged), with the rule set in force on the day of receipt.
        let calculator = calculator(id, receivedOn: received)
        if let stage, !calculator.profile.hasStages {
            throw DeadlineDeskError(
                message: "profile \(id.rawValue) has no stages, so there are no stage \(stage) deadlines: "
                    + "ask without a stage", stage: stage)
        }
        let chosen = try stage.map { value -> ComplaintStage in
            guard let stage = ComplaintStage(rawValue: value) else {
                throw DeadlineDeskError(message: "the stage must be 1 or 2")
            }
            return stage
        }
        let input = DeadlineInput(
            received: received, stage: calculator.profile.hasStages ? (chosen ?? .one) : nil,
            escalated: chosen == .two ? received : nil, agreedResponse: nil, complexity: complexity)
        return try calculator.deadlines(for: input)
    }

    /// The deadlines of a case as they stand (agreed date, stage and escalation taken into account).
    package func deadlines(for record: Case) throws -> CaseDeadlines {
        try deadlines(for: record.schedule)
    }

    /// The deadlines of a case's schedule. Dates outside ``CaseDates``' window are refused (a case stored before
    /// the window was enforced, or edited by hand): computing from year 1 would take seconds per case.
    package func deadlines(for record: CaseSchedule) throws -> CaseDeadlines {
        for (field, date) in [
            ("received", record.receivedDate), ("agreedResponseDate", record.agreedResponseDate),
            ("escalatedOn", record.escalatedOn),
        ] {
            if let date, let outside = CaseDates.outsideWindow(date) {
                throw DeadlineDeskError(message: "\(field) \(outside)")
            }
        }
        let calculator = calculator(for: record)
        let staged = calculator.profile.hasStages
        let input = DeadlineInput(
            received: record.receivedDate,
            stage: staged ? ComplaintStage(rawValue: record.stage ?? 1) : nil,
            escalated: record.escalatedOn,
            agreedResponse: record.agreedResponseDate,
            complexity: record.complexity,
            backstopAgreed: record.backstopAgreedDate
        )
        return try calculator.deadlines(for: input)
    }

    /// What is due next on an open case: its acknowledgement until one is made, then its response.
    package func nextDue(for record: CaseSchedule, today: CivilDate) throws -> DueItem {
        let deadlines = try deadlines(for: record)
        let calculator = calculator(for: record)
        let kind: DueItem.Kind
        let due: CivilDate
        if record.kind == .concern {
            (kind, due) = (.concern, concernTarget(received: record.receivedDate, profile: record.profile))
        } else if calculator.profile.hasStages, deadlines.stage == .one {
            (kind, due) = (.decision, deadlines.respondBy)
        } else if record.acknowledgedAt == nil {
            (kind, due) = (.acknowledgement, deadlines.acknowledgeBy)
        } else {
            (kind, due) = (.response, deadlines.respondBy)
        }
        let status = calculator.status(of: due, today: today)
        return DueItem(
            reference: record.reference, officer: record.officer, profile: record.profile, stage: record.stage,
            deadline: kind, due: due, workingDaysRemaining: status.workingDaysRemaining, state: status.colour,
            backstop: deadlines.backstop, ruleSet: deadlines.ruleSet)
    }

    /// The open cases' next deadlines, most urgent first (overdue, then soonest due).
    ///
    /// A case whose deadlines cannot be computed does not stop the board: it is left out of the items and named
    /// in ``DeadlineBoard/problems`` (after any `unreadable` rows the register reported), for someone to fix.
    package func board(
        _ cases: [CaseSchedule], unreadable: [CaseProblem] = [], today: CivilDate, within: Int? = nil,
        overdueOnly: Bool = false
    ) -> DeadlineBoard {
        var builder = DeadlineBoardBuilder(desk: self, today: today, within: within, overdueOnly: overdueOnly)
        unreadable.forEach { builder.add($0) }
        cases.forEach { builder.add($0) }
        return builder.board()
    }

    /// The board of the open cases of a register matching `filter`, read row by row: only the board's items are
    /// held, never every case's schedule.
    package func board(
        of register: any CaseStore, _ filter: CaseFilter, today: CivilDate, within: Int? = nil,
        overdueOnly: Bool = false
    ) throws(RegisterError) -> DeadlineBoard {
        var builder = DeadlineBoardBuilder(desk: self, today: today, within: within, overdueOnly: overdueOnly)
        try register.forEachSchedule(filter) {
            builder.add($0)
        } problem: {
            builder.add($0)
        }
        return builder.board()
    }

    /// A case whose deadlines cannot be computed, named by reference, with the reason (dates and rules only).
    static func problem(_ record: CaseSchedule, _ error: any Error) -> CaseProblem {
        let reason = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
        return CaseProblem(
            reference: record.reference, officer: record.officer,
            reason: "deadlines cannot be computed: \(reason)")
    }
}

/// Gathers a board one case at a time: each open case's next deadline if it is shown, or the problem that keeps
/// it off the board.
struct DeadlineBoardBuilder {
    let desk: DeadlineDesk
    let today: CivilDate
    let within: Int?
    let overdueOnly: Bool
    private var items: [DueItem] = []
    private var problems: [CaseProblem] = []

    init(desk: DeadlineDesk, today: CivilDate, within: Int?, overdueOnly: Bool) {
        (self.desk, self.today, self.within, self.overdueOnly) = (desk, today, within, overdueOnly)
    }

    /// Puts an open case on the board (if it is due within the window asked for); a closed case is left out.
    mutating func add(_ record: CaseSchedule) {
        guard record.isOpen else { return }
        do {
            let item = try desk.nextDue(for: record, today: today)
            let shown =
                overdueOnly ? item.state == .red : item.state == .red || item.workingDaysRemaining <= (within ?? .max)
            if shown { items.append(item) }
        } catch {
            problems.append(DeadlineDesk.problem(record, error))
        }
    }

    /// Names a case that cannot be read or computed.
    mutating func add(_ problem: CaseProblem) { problems.append(problem) }

    /// The board: most urgent first (the soonest due, then by reference).
    func board() -> DeadlineBoard {
        DeadlineBoard(items: items.sorted { ($0.due, $0.reference) < ($1.due, $1.reference) }, problems: problems)
    }
}

/// The urgency board: each open case's next deadline, and the cases that could not be put on it.
package struct DeadlineBoard: Sendable, Encodable, Equatable {
    /// The next deadline of each open case, most urgent first.
    package var items: [DueItem]
    /// Cases left off the board because they cannot be read or their deadlines cannot be computed.
    package var problems: [CaseProblem]

    package init(items: [DueItem], problems: [CaseProblem]) {
        self.items = items
        self.problems = problems
    }
}

/// A deadline question that cannot be answered as asked. Its message names profiles, stages and dates, never a
/// person, so the log form carries it.
package struct DeadlineDeskError: PalsError {
    /// What kind of problem this is (there is one kind: see the message).
    package typealias Code = ErrorCode<DeadlineDeskError>

    /// What was asked that cannot be answered, and what is allowed; it names no command.
    package let message: String
    /// The stage asked for, when the stage is what does not fit (a profile without stages).
    package let stage: Int?

    package init(message: String, stage: Int? = nil) {
        self.message = message
        self.stage = stage
    }

    /// Always ``ErrorCode/invalidQuestion``.
    package var code: Code { .invalidQuestion }
    package var errorDescription: String? { message }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { message }
}

extension ErrorCode where Domain == DeadlineDeskError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// The profile, stage or date asked for does not fit the case.
    package static let invalidQuestion = Self("invalid deadline question")
}

/// The next deadline of one case, as `pals deadlines` lists it.
package struct DueItem: Sendable, Codable, Equatable {
    /// Which deadline.
    package enum Kind: String, Sendable, Codable {
        case acknowledgement, response
        /// The target for resolving a PALS concern informally.
        case concern
        /// A stage 1 decision of the model complaints procedure (Scotland, NI MCHP).
        case decision
    }

    package var reference: String
    package var officer: String
    package var profile: ProfileID
    package var stage: Int?
    package var deadline: Kind
    package var due: CivilDate
    /// Working days from today to the due date (0 when due today; negative when overdue).
    package var workingDaysRemaining: Int
    package var state: DeadlineStatus.Colour
    package var backstop: CivilDate?
    /// The rule set that produced the dates (``CaseDeadlines/ruleSet``).
    package var ruleSet: String? = nil
}

extension DeadlineProfile {
    /// Applies an organisation's numbers to the profile (`deadlines.profiles.<id>`).
    mutating func apply(_ overrides: WorkspaceConfiguration.ProfileOverrides, id: ProfileID) {
        if let days = overrides.acknowledgeWorkingDays {
            acknowledgeWorkingDays = days
            stage2AcknowledgeWorkingDays = days
        }
        if let days = overrides.responseWorkingDays {
            responseWorkingDays = days
            stage2ResponseWorkingDays = days
            if id == .england { responseTargets = [:] }
        }
        if let days = overrides.stage1WorkingDays { stage1ResolveWorkingDays = days }
        if let days = overrides.stage1ExtendedWorkingDays { stage1ExtendedWorkingDays = days }
        if let months = overrides.backstopMonths { backstopMonths = months }
        if let months = overrides.outOfTimeMonths { outOfTimeMonths = months }
    }
}
