package import Casework
package import Foundation
package import Primitives

/// One case as the measures see it: its dates, deadlines and coding, and no person's details. Built from the
/// register by ``Casebook/measuredCases()``; tests build them directly.
package struct MeasuredCase: Sendable, Equatable {
    /// The reference (for naming a case that could not be measured; never printed in a report).
    package var reference: String
    package var kind: CaseKind
    package var status: CaseStatus
    /// The stage at the end (Scotland, NI model procedure): 2 once escalated, else 1; nil for unstaged profiles.
    package var stage: Int?
    /// The day the complaint was received.
    package var received: CivilDate
    /// The day it was acknowledged, if it was.
    package var acknowledged: CivilDate?
    /// The day to acknowledge by (the deadline computation of its profile's rule set on its calendar).
    package var acknowledgeBy: CivilDate?
    /// The day of its final response: the last `responded` event of its history.
    package var responded: CivilDate?
    /// The response date in force (the agreed or extended date, else the target).
    package var respondBy: CivilDate?
    /// The latest date the procedure allows (England's six months, moved only by an agreement), if any.
    package var backstop: CivilDate?
    /// Working days from receipt to the final response, on the case's calendar.
    package var workingDaysToResponse: Int?
    /// The day it ended: its final response, else its withdrawal, else its closing.
    package var ended: CivilDate?
    /// How many times its response date was extended.
    package var extensions: Int
    /// Its outcome, when coded.
    package var outcome: CaseOutcome?
    /// Its subjects in words (the coding list's labels), one or more.
    package var subjects: [String]
    /// Its referrals to the ombudsman.
    package var ombudsmanReferrals: [OmbudsmanReferral]

    package init(
        reference: String, kind: CaseKind = .complaint, status: CaseStatus, stage: Int? = nil, received: CivilDate,
        acknowledged: CivilDate? = nil, acknowledgeBy: CivilDate? = nil, responded: CivilDate? = nil,
        respondBy: CivilDate? = nil, backstop: CivilDate? = nil, workingDaysToResponse: Int? = nil,
        ended: CivilDate? = nil, extensions: Int = 0, outcome: CaseOutcome? = nil, subjects: [String] = [],
        ombudsmanReferrals: [OmbudsmanReferral] = []
    ) {
        self.reference = reference
        self.kind = kind
        self.status = status
        self.stage = stage
        self.received = received
        self.acknowledged = acknowledged
        self.acknowledgeBy = acknowledgeBy
        self.responded = responded
        self.respondBy = respondBy
        self.backstop = backstop
        self.workingDaysToResponse = workingDaysToResponse
        self.ended = ended ?? responded
        self.extensions = extensions
        self.outcome = outcome
        self.subjects = subjects
        self.ombudsmanReferrals = ombudsmanReferrals
    }

    /// Whether the case counts at all: a case still in triage has not been taken on as a complaint or a concern.
    var counts: Bool { status != .triage }
}

/// A count in a month.
package struct MonthFigure: Sendable, Equatable, Codable {
    package var month: ReportMonth
    package var count: Int
}

/// A count under a name (a subject, an outcome, an ombudsman's result).
package struct CategoryFigure: Sendable, Equatable, Codable {
    package var name: String
    package var count: Int
}

/// A part of a whole, e.g. 46 of 50 acknowledged in time.
package struct ShareFigure: Sendable, Equatable, Codable {
    package var part: Int
    package var whole: Int

    /// The share as a percentage, or `nil` when the whole is zero.
    package var percent: Double? { whole > 0 ? Double(part) * 100 / Double(whole) : nil }

    /// "92% (46 of 50)", or "no complaints" when the whole is zero.
    package var words: String {
        guard let percent else { return "no complaints" }
        return "\(Int(percent.rounded()))% (\(part) of \(whole))"
    }

    private enum CodingKeys: String, CodingKey { case part, whole, percent }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(part, forKey: .part)
        try container.encode(whole, forKey: .whole)
        try container.encode(percent.map { ($0 * 10).rounded() / 10 }, forKey: .percent)
    }

    package init(part: Int, whole: Int) {
        self.part = part
        self.whole = whole
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        part = try container.decode(Int.self, forKey: .part)
        whole = try container.decode(Int.self, forKey: .whole)
    }
}

/// The measures of complaints handling over a period: what the annual report and the board's performance report
/// print. Each is defined in its doc comment, and counts complaints only unless it says concerns; cases still in
/// triage count nowhere.
package struct ComplaintMeasures: Sendable, Equatable, Codable {
    package var period: ReportPeriod
    /// The day the measures were taken: an acknowledgement not yet due on it is not counted either way.
    package var asOf: CivilDate
    /// Complaints received in the period.
    package var complaintsReceived: Int
    /// Complaints received in each month of the period.
    package var receivedByMonth: [MonthFigure]
    /// Complaints whose final response was sent in the period.
    package var complaintsResponded: Int
    /// Complaints whose final response was sent in each month.
    package var respondedByMonth: [MonthFigure]
    /// PALS concerns received in the period (counted apart from complaints).
    package var concernsReceived: Int
    /// PALS concerns resolved (resolution letter sent) in the period.
    package var concernsResolved: Int
    /// Of the complaints received in the period whose acknowledgement was due by ``asOf`` or made: those
    /// acknowledged on or before the statutory day.
    package var acknowledgedInTime: ShareFigure
    /// Of the complaints responded to in the period: those whose final response was on or before the response date
    /// in force (agreed or extended, else the target).
    package var respondedByDateInForce: ShareFigure
    /// Of the complaints responded to in the period under a profile with a backstop (England): those responded to
    /// on or before it.
    package var respondedWithinBackstop: ShareFigure
    /// The median of working days from receipt to final response, over complaints responded to in the period.
    package var medianWorkingDaysToResponse: Double?
    /// The mean of the same (the model complaints procedures' "average time").
    package var meanWorkingDaysToResponse: Double?
    /// Complaints received in the period by subject; a complaint counts once under each of its subjects, and one
    /// with none under "Not coded". Most first, then by name.
    package var subjects: [CategoryFigure]
    /// Complaints that ended in the period (final response, else withdrawal, else closing).
    package var complaintsEnded: Int
    /// Those by outcome, in the order of ``CaseOutcome``, then "Not recorded"; outcomes with no complaint left out.
    package var outcomes: [CategoryFigure]
    /// Complaints that ended in the period decided well founded: upheld or partly upheld.
    package var wellFounded: Int
    /// Referrals to the ombudsman made in the period.
    package var ombudsmanReferred: Int
    /// The ombudsman's decisions made in the period, by result.
    package var ombudsmanResults: [CategoryFigure]
    /// Complaints responded to in the period whose response date was extended at least once.
    package var extended: Int

    /// The measures of `cases` over `period`, taken on `asOf`.
    package static func measure(_ cases: [MeasuredCase], period: ReportPeriod, asOf: CivilDate) -> ComplaintMeasures {
        let counted = cases.filter(\.counts)
        let complaints = counted.filter { $0.kind == .complaint }
        let concerns = counted.filter { $0.kind == .concern }
        let received = complaints.filter { period.contains($0.received) }
        let responded = complaints.filter { $0.responded.map(period.contains) ?? false }
        let ended = complaints.filter { $0.ended.map(period.contains) ?? false }

        let months = period.months
        func byMonth(_ days: [CivilDate]) -> [MonthFigure] {
            let counts = Dictionary(grouping: days) { ReportMonth($0) }.mapValues(\.count)
            return months.map { MonthFigure(month: $0, count: counts[$0] ?? 0) }
        }

        let due = received.filter { item in
            guard let by = item.acknowledgeBy else { return false }
            return item.acknowledged != nil || by <= asOf
        }
        let acknowledgedInTime = due.filter { item in
            guard let acknowledged = item.acknowledged, let by = item.acknowledgeBy else { return false }
            return acknowledged <= by
        }
        let withDate = responded.filter { $0.respondBy != nil }
        let onTime = withDate.filter { $0.responded! <= $0.respondBy! }
        let withBackstop = responded.filter { $0.backstop != nil }
        let inBackstop = withBackstop.filter { $0.responded! <= $0.backstop! }

        var subjectCounts: [String: Int] = [:]
        for item in received {
            for subject in Set(item.subjects.isEmpty ? ["Not coded"] : item.subjects) {
                subjectCounts[subject, default: 0] += 1
            }
        }
        let subjects = subjectCounts.map { CategoryFigure(name: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.name) > ($1.count, $0.name) }

        var outcomes = CaseOutcome.allCases.map { outcome in
            CategoryFigure(name: outcome.label, count: ended.filter { $0.outcome == outcome }.count)
        }
        outcomes.append(CategoryFigure(name: "Not recorded", count: ended.filter { $0.outcome == nil }.count))
        outcomes.removeAll { $0.count == 0 }

        let referrals = complaints.flatMap(\.ombudsmanReferrals)
        let decided = referrals.filter { $0.resultOn.map(period.contains) ?? false }
        let results = OmbudsmanResult.allCases.compactMap { result -> CategoryFigure? in
            let count = decided.filter { $0.result == result }.count
            return count == 0 ? nil : CategoryFigure(name: result.label, count: count)
        }

        return ComplaintMeasures(
            period: period, asOf: asOf, complaintsReceived: received.count,
            receivedByMonth: byMonth(received.map(\.received)), complaintsResponded: responded.count,
            respondedByMonth: byMonth(responded.compactMap(\.responded)),
            concernsReceived: concerns.filter { period.contains($0.received) }.count,
            concernsResolved: concerns.filter { $0.responded.map(period.contains) ?? false }.count,
            acknowledgedInTime: ShareFigure(part: acknowledgedInTime.count, whole: due.count),
            respondedByDateInForce: ShareFigure(part: onTime.count, whole: withDate.count),
            respondedWithinBackstop: ShareFigure(part: inBackstop.count, whole: withBackstop.count),
            medianWorkingDaysToResponse: median(responded.compactMap(\.workingDaysToResponse)),
            meanWorkingDaysToResponse: mean(responded.compactMap(\.workingDaysToResponse)),
            subjects: subjects, complaintsEnded: ended.count, outcomes: outcomes,
            wellFounded: ended.filter { $0.outcome == .upheld || $0.outcome == .partlyUpheld }.count,
            ombudsmanReferred: referrals.filter { period.contains($0.referredOn) }.count,
            ombudsmanResults: results,
            extended: responded.filter { $0.extensions > 0 }.count)
    }

    /// The mean of `values`, or `nil` for none.
    package static func mean(_ values: [Int]) -> Double? {
        values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
    }

    /// The median of `values` (the mean of the middle two for an even count), or `nil` for none.
    package static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return Double(sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// A period's measures with those of the period of equal length before it.
package struct MeasuresComparison: Sendable, Equatable, Codable {
    package var current: ComplaintMeasures
    package var previous: ComplaintMeasures

    /// The measures of `period` and of ``ReportPeriod/previous``.
    package static func compare(_ cases: [MeasuredCase], period: ReportPeriod, asOf: CivilDate) -> Self {
        MeasuresComparison(
            current: .measure(cases, period: period, asOf: asOf),
            previous: .measure(cases, period: period.previous, asOf: asOf))
    }
}

extension CaseOutcome {
    /// The outcome as a report's row label, e.g. "Partly upheld".
    package var label: String { words.prefix(1).uppercased() + words.dropFirst() }
}

extension OmbudsmanResult {
    /// The result as a report's row label, e.g. "Not investigated".
    package var label: String { words.prefix(1).uppercased() + words.dropFirst() }
}
