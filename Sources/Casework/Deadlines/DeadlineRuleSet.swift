package import Primitives

/// The deadline rules of a profile from the day they came into force.
///
/// Rules change on dates (Wales from 2026-04-01, Northern Ireland's model procedure from its mandatory date): a
/// case uses the rule set in force on its receipt date for its whole life, so a change of the law never moves the
/// deadlines of complaints already received. Each computed deadline names the rule set that produced it.
package struct DeadlineRuleSet: Sendable, Hashable {
    /// A short name shown with every deadline it produces, e.g. `england-2009`.
    package var name: String
    /// The first day of receipt the rules apply to, or nil for "since the beginning of time".
    package var effectiveFrom: CivilDate?
    /// The numbers.
    package var profile: DeadlineProfile

    /// Makes a rule set.
    package init(name: String, effectiveFrom: CivilDate? = nil, profile: DeadlineProfile) {
        self.name = name
        self.effectiveFrom = effectiveFrom
        self.profile = profile
    }

    /// The rule sets pals ships for `id`, oldest first; the first applies from the beginning of time.
    ///
    /// Issue 14 adds Wales's 2026 rules here as one entry, e.g.
    /// `DeadlineRuleSet(name: "wales-2026", effectiveFrom: 2026-04-01, profile: …)`.
    package static func shipped(for id: ProfileID) -> [DeadlineRuleSet] {
        let profile = DeadlineProfile.defaults(for: id)
        switch id {
        case .england: return [DeadlineRuleSet(name: "england-2009", profile: profile)]
        case .wales:
            // From 2026-04-01 (Listening to People): the 2011 numbers until the amendment's are confirmed; the
            // organisation moves or drops it with `jurisdiction.walesListeningToPeopleFrom`.
            return [
                DeadlineRuleSet(name: "wales-2011", profile: profile),
                DeadlineRuleSet(
                    name: WalesListeningToPeople.ruleSetName, effectiveFrom: WalesListeningToPeople.defaultStart,
                    profile: profile),
            ]
        case .scotland: return [DeadlineRuleSet(name: "scotland-mchp", profile: profile)]
        case .northernIreland: return [DeadlineRuleSet(name: "northern-ireland-hsc", profile: profile)]
        case .northernIrelandMCHP: return [DeadlineRuleSet(name: "northern-ireland-mchp-2025", profile: profile)]
        }
    }
}

/// The series of rule sets of one profile, ordered by the day each came into force.
package struct ProfileRuleSeries: Sendable {
    /// The rule sets, oldest first; the first applies to any receipt date before the second.
    package let ruleSets: [DeadlineRuleSet]

    /// Makes a series; `ruleSets` must not be empty. They are sorted by `effectiveFrom` (nil first).
    package init(_ ruleSets: [DeadlineRuleSet]) {
        precondition(!ruleSets.isEmpty, "a profile needs at least one rule set")
        self.ruleSets = ruleSets.sorted {
            ($0.effectiveFrom ?? CaseDates.earliest) < ($1.effectiveFrom ?? CaseDates.earliest)
        }
    }

    /// The rule set in force for a complaint received on `received`: the latest one whose `effectiveFrom` is on or
    /// before it (the first one when none is).
    package func inForce(on received: CivilDate) -> DeadlineRuleSet {
        ruleSets.last { ($0.effectiveFrom ?? CaseDates.earliest) <= received } ?? ruleSets[0]
    }
}

/// A profile that takes over from another for complaints received from a date: Northern Ireland's trusts move
/// from the HSC procedure to NIPSO's model complaints handling procedure (two stages).
package struct ProfileSuccession: Sendable, Hashable {
    /// The profile a case names (or the workspace's default).
    package var from: ProfileID
    /// The profile that applies instead.
    package var to: ProfileID
    /// The first day of receipt it applies to.
    package var on: CivilDate

    package init(from: ProfileID, to: ProfileID, on: CivilDate) {
        self.from = from
        self.to = to
        self.on = on
    }

    /// The first day of receipt of NIPSO's model complaints handling procedure by default.
    ///
    /// Source: Northern Ireland Public Services Ombudsman, Model Complaints Handling Procedure, launched
    /// 1 July 2025, mandatory for health and social care bodies "from 1 January" (2026 assumed; configurable as
    /// `jurisdiction.northernIrelandModelProcedureFrom`).
    package static let northernIrelandModelProcedureDefault = CivilDate(year: 2026, month: 1, day: 1)!

    /// Northern Ireland's move to the model procedure on `day`.
    package static func northernIrelandModelProcedure(from day: CivilDate) -> Self {
        Self(from: .northernIreland, to: .northernIrelandMCHP, on: day)
    }

    /// The profile that applies to a complaint named `profile` and received on `received`, given `successions`.
    package static func profile(
        _ profile: ProfileID, receivedOn received: CivilDate, successions: [ProfileSuccession]
    ) -> ProfileID {
        successions.first { $0.from == profile && received >= $0.on }?.to ?? profile
    }
}
