package import Casework
package import Foundation
package import Primitives

/// An officer's change of a case's coding (`pals case code`); `nil` leaves a part as it is, a list replaces it.
package struct CodingChange: Sendable, Equatable {
    package var outcome: CaseOutcome?
    package var subjects: [String]?
    package var serviceAreas: [String]?
    package var professions: [String]?
    package var complainantStatus: ComplainantStatus?
    package var ageBand: AgeBand?

    package init(
        outcome: CaseOutcome? = nil, subjects: [String]? = nil, serviceAreas: [String]? = nil,
        professions: [String]? = nil, complainantStatus: ComplainantStatus? = nil, ageBand: AgeBand? = nil
    ) {
        self.outcome = outcome
        self.subjects = subjects
        self.serviceAreas = serviceAreas
        self.professions = professions
        self.complainantStatus = complainantStatus
        self.ageBand = ageBand
    }

    /// Whether the change changes nothing.
    package var isEmpty: Bool { self == CodingChange() }

    /// The coding as it stands after this change.
    func applied(to coding: CaseCoding) -> CaseCoding {
        var result = coding
        if let outcome { result.outcome = outcome }
        if let subjects { result.subjects = Self.unique(subjects) }
        if let serviceAreas { result.serviceAreas = Self.unique(serviceAreas) }
        if let professions { result.professions = Self.unique(professions) }
        if let complainantStatus { result.complainantStatus = complainantStatus }
        if let ageBand { result.ageBand = ageBand }
        return result
    }

    /// The list without repeats, in the order given.
    private static func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    /// Every category in the change that the configuration does not list, as errors naming the allowed ids.
    func problems(_ reference: String, _ categories: CodingCategories) -> [CaseCodingError] {
        var problems: [CaseCodingError] = []
        for (what, ids, list) in [
            ("subject", subjects, categories.subjects), ("service area", serviceAreas, categories.serviceAreas),
            ("profession", professions, categories.professions),
        ] {
            guard let ids else { continue }
            if ids.isEmpty { problems.append(.invalid(reference, "a \(what) list cannot be empty")) }
            for id in ids where CodingCategories.find(id, in: list) == nil {
                problems.append(.notAllowed(reference, what, id, allowed: list.map(\.id)))
            }
        }
        return problems
    }
}

extension Casebook {
    /// Codes a case for the returns; every category must be one the workspace's configuration lists, and an
    /// outcome waits until the case is responded to, withdrawn or closed. Nothing is stored unless all is valid.
    @discardableResult
    package func code(_ reference: String, _ change: CodingChange) throws -> Case {
        guard !change.isEmpty else { throw CaseCodingError.invalid(reference, "nothing to code was given") }
        if let problem = change.problems(reference, workspace.configuration.coding).first { throw problem }
        let now = clock.now()
        return try register.apply(reference, now: now) { lifecycle in
            try lifecycle.code(change.applied(to: lifecycle.record.coding), at: now)
        }
    }

    /// Closes a case with its outcome (a complaint needs one; see ``CaseLifecycle/close(outcome:at:)``).
    @discardableResult
    package func close(_ reference: String, outcome: CaseOutcome?) throws -> Case {
        let now = clock.now()
        do {
            return try register.apply(reference, now: now) { lifecycle in
                try lifecycle.close(outcome: outcome, at: now)
            }
        } catch let error as CaseTransitionError where error.code == .notAllowedInStatus {
            throw RegisterError.invalid(reference, "is already closed")
        }
    }

    /// Records that the complaint was referred to the ombudsman on `day` (today or earlier).
    @discardableResult
    package func referToOmbudsman(_ reference: String, on day: CivilDate) throws -> Case {
        let now = clock.now()
        try Self.notAfterToday(reference, day, "the referral to the ombudsman", now)
        return try register.apply(reference, now: now) { lifecycle in try lifecycle.referToOmbudsman(on: day, at: now) }
    }

    /// Records the ombudsman's result of the latest referral, decided on `day` (today or earlier).
    @discardableResult
    package func recordOmbudsmanResult(_ reference: String, _ result: OmbudsmanResult, on day: CivilDate) throws -> Case
    {
        let now = clock.now()
        try Self.notAfterToday(reference, day, "the ombudsman's result", now)
        return try register.apply(reference, now: now) { lifecycle in
            try lifecycle.recordOmbudsmanResult(result, on: day, at: now)
        }
    }

    private static func notAfterToday(_ reference: String, _ day: CivilDate, _ what: String, _ now: Date) throws {
        let today = CivilDate(now)
        guard day <= today else {
            throw CaseCodingError.invalid(reference, "\(what) on \(day.iso) is after today (\(today.iso))")
        }
    }
}

extension Case {
    /// The case's coding and ombudsman referrals as `pals case show` lines (label, value); none when uncoded.
    var codingLines: [(String, String)] {
        var lines: [(String, String)] = []
        if let outcome = coding.outcome { lines.append(("Outcome", outcome.words)) }
        if !coding.subjects.isEmpty { lines.append(("Subjects", coding.subjects.joined(separator: ", "))) }
        if !coding.serviceAreas.isEmpty { lines.append(("Service areas", coding.serviceAreas.joined(separator: ", "))) }
        if !coding.professions.isEmpty { lines.append(("Professions", coding.professions.joined(separator: ", "))) }
        if let status = coding.complainantStatus { lines.append(("Complainant status", status.rawValue)) }
        if let band = coding.ageBand { lines.append(("Age band", band.rawValue)) }
        for referral in ombudsmanReferrals {
            let result = referral.result.map { "\($0.words) on \(referral.resultOn?.iso ?? "?")" } ?? "awaiting result"
            lines.append(("Ombudsman", "referred \(referral.referredOn.iso), \(result)"))
        }
        return lines
    }
}
