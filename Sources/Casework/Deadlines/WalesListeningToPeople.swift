package import Primitives
package import WorkingDays

/// Wales's "Listening to People" rules: the NHS (Concerns, Complaints and Redress Arrangements) (Wales) (Amendment)
/// Regulations 2025, in force from 1 April 2026 (Welsh Health Circular WHC 2026/0061), amending the 2011 Putting
/// Things Right regulations (WSI 2011/704).
///
/// A concern received before the day they apply keeps the 2011 rules for its whole life; one received on or after
/// it gets an early-resolution stage before any investigation, the new duties in its acknowledgement (a listening
/// discussion, the preferred way of contact, the hoped-for outcome, an active offer of advocacy from Llais and of
/// legal support) and the higher redress cap.
///
/// The early-resolution stage is not modelled as Scotland's stage 1: Scotland's stage 2 starts a new clock on
/// escalation and its stage-1 response offers stage 2 within two months, and nothing found here says Wales does
/// either. Under the 2011 rules the 30 working days run from receipt, so early resolution sits inside that one
/// response period: the case keeps one response date, and early resolution gets its own target date only when the
/// organisation configures its length (``earlyResolutionWorkingDays``).
package struct WalesListeningToPeople: Sendable, Hashable {
    /// The first day of receipt the amendment applies to by default: 1 April 2026 (WHC 2026/0061).
    package static let defaultStart = CivilDate(year: 2026, month: 4, day: 1)!
    /// The name of the shipped rule set for concerns received from ``defaultStart``.
    package static let ruleSetName = "wales-2026"
    /// The redress cap of the 2011 regulations, in pounds (Putting Things Right: financial redress up to £25,000).
    package static let redressCap2011Default = 25_000
    /// The redress cap from 1 April 2026, in pounds (£50,000: WHC 2026/0061, the 2025 amendment regulations).
    package static let redressCapDefault = 50_000

    /// The first day of receipt the amendment applies to, or nil when the organisation keeps the 2011 rules.
    package var from: CivilDate?
    /// Working days after receipt to complete early resolution, or nil for none of its own: early resolution then
    /// shares the response period (the 2011 figure, 30 working days).
    ///
    /// Unconfirmed: check the NHS (Concerns, Complaints and Redress Arrangements) (Wales) (Amendment) Regulations
    /// 2025 and WHC 2026/0061 for the early-resolution period; `pals config check` warns until it is set or
    /// confirmed.
    package var earlyResolutionWorkingDays: Int?
    /// The most financial redress a Welsh NHS body may offer under the 2011 rules, in pounds.
    package var redressCap2011: Int
    /// The most financial redress a Welsh NHS body may offer under the amendment, in pounds.
    package var redressCap: Int

    /// Makes the rules; unnamed values take the defaults.
    package init(
        from: CivilDate? = WalesListeningToPeople.defaultStart, earlyResolutionWorkingDays: Int? = nil,
        redressCap2011: Int = WalesListeningToPeople.redressCap2011Default,
        redressCap: Int = WalesListeningToPeople.redressCapDefault
    ) {
        self.from = from
        self.earlyResolutionWorkingDays = earlyResolutionWorkingDays
        self.redressCap2011 = redressCap2011
        self.redressCap = redressCap
    }

    /// Whether a concern of `profile` received on `received` is handled under Listening to People.
    package func applies(to profile: ProfileID, receivedOn received: CivilDate) -> Bool {
        guard profile == .wales, let from else { return false }
        return received >= from
    }

    /// The Welsh rules of a concern of `profile` received on `received`, or nil when it is not a Welsh concern.
    package func rules(
        for profile: ProfileID, receivedOn received: CivilDate, calendar: WorkingDayCalendar
    ) -> WalesCaseRules? {
        guard profile == .wales else { return nil }
        guard applies(to: profile, receivedOn: received) else {
            return WalesCaseRules(regime: .puttingThingsRight2011, earlyResolutionBy: nil, redressCap: redressCap2011)
        }
        let earlyBy = earlyResolutionWorkingDays.map { calendar.adding(workingDays: $0, to: received) }
        return WalesCaseRules(regime: .listeningToPeople2026, earlyResolutionBy: earlyBy, redressCap: redressCap)
    }

    /// The shipped rule sets of `id` with Wales's 2026 rule set moved to `from` (or left out when `from` is nil).
    ///
    /// The 2026 rule set starts with the 2011 numbers (2 working days to acknowledge, 30 to respond, six months'
    /// limit): the amendment's "clearer and shorter" day counts were not found in any source available here.
    package static func shippedRuleSets(for id: ProfileID, from: CivilDate?) -> [DeadlineRuleSet] {
        let shipped = DeadlineRuleSet.shipped(for: id)
        guard id == .wales else { return shipped }
        return shipped.compactMap { set in
            guard set.name == ruleSetName else { return set }
            guard let from else { return nil }
            var moved = set
            moved.effectiveFrom = from
            return moved
        }
    }
}

/// The Welsh rules one concern is handled under, fixed by its day of receipt.
package struct WalesCaseRules: Sendable, Hashable {
    /// Which Welsh regulations apply.
    package enum Regime: String, Sendable, Hashable, CaseIterable {
        /// Putting Things Right, WSI 2011/704, as made.
        case puttingThingsRight2011 = "putting-things-right-2011"
        /// Listening to People: WSI 2011/704 as amended by the 2025 amendment regulations, from 1 April 2026.
        case listeningToPeople2026 = "listening-to-people-2026"
    }

    /// The regulations in force on the day of receipt.
    package var regime: Regime
    /// The target day to complete early resolution, when the organisation configured its length.
    package var earlyResolutionBy: CivilDate?
    /// The most financial redress that may be offered, in pounds.
    package var redressCap: Int

    /// Whether the concern goes through early resolution before any investigation (Listening to People only).
    package var hasEarlyResolution: Bool { regime == .listeningToPeople2026 }

    package init(regime: Regime, earlyResolutionBy: CivilDate?, redressCap: Int) {
        self.regime = regime
        self.earlyResolutionBy = earlyResolutionBy
        self.redressCap = redressCap
    }

    /// "£50,000": a sum of whole pounds as a letter prints it.
    package static func pounds(_ amount: Int) -> String {
        let digits = String(amount)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return "£" + grouped
    }
}
