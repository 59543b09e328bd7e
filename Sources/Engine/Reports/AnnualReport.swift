package import Casework
import Foundation
package import Primitives
package import Reports

/// Which annual report a workspace writes, chosen by its profile: each nation's law asks for a different one.
package enum ReportEdition: String, Sendable, CaseIterable, Codable {
    /// England: regulation 18 of the 2009 complaints regulations (SI 2009/309).
    case england
    /// Wales: regulation 51 of the Putting Things Right regulations (WSI 2011/704), where complaints are "concerns".
    case wales
    /// Scotland: the SPSO model complaints handling procedure's annual performance report and its indicators.
    case scotland
    /// Northern Ireland under the HSC complaints procedure.
    case northernIreland = "northern-ireland"
    /// Northern Ireland under NIPSO's model complaints handling procedure (two stages).
    case northernIrelandModel = "northern-ireland-mchp"

    /// The edition of a profile.
    package init(profile: ProfileID) {
        switch profile {
        case .england: self = .england
        case .wales: self = .wales
        case .scotland: self = .scotland
        case .northernIreland: self = .northernIreland
        case .northernIrelandMCHP: self = .northernIrelandModel
        }
    }

    /// What complaints are called in the edition's law ("concerns" in Wales).
    var noun: String { self == .wales ? "concerns" : "complaints" }

    /// The report's title for `year`.
    package func title(_ year: String) -> String {
        switch self {
        case .england, .northernIreland: "Annual complaints report \(year)"
        case .wales: "Annual report on concerns \(year)"
        case .scotland, .northernIrelandModel: "Annual complaints performance report \(year)"
        }
    }

    /// The law or procedure the report answers.
    var basis: String {
        switch self {
        case .england:
            "This report meets regulation 18 of the Local Authority Social Services and National Health Service "
                + "Complaints (England) Regulations 2009: the number of complaints received, the number decided to "
                + "be well founded, the number referred to the Parliamentary and Health Service Ombudsman, the "
                + "subjects of complaints, and the matters of general importance they raised and the action taken."
        case .wales:
            "This report follows regulation 51 of the National Health Service (Concerns, Complaints and Redress "
                + "Arrangements) (Wales) Regulations 2011 (Putting Things Right): the number of concerns notified, "
                + "their nature, the number found well founded, the number referred to the Public Services "
                + "Ombudsman for Wales, and the lessons learned and action taken."
        case .scotland:
            "This report follows the Scottish Public Services Ombudsman's model complaints handling procedure, "
                + "which asks each body to report its performance against the model's indicators every year."
        case .northernIreland:
            "This report covers complaints handled under the Health and Social Care complaints procedure in "
                + "Northern Ireland: the number received, their outcomes and subjects, the number referred to the "
                + "Northern Ireland Public Services Ombudsman, and what was learned."
        case .northernIrelandModel:
            "This report follows the Northern Ireland Public Services Ombudsman's model complaints handling "
                + "procedure, reporting performance at each of its two stages."
        }
    }

    /// The ombudsman complainants may go to.
    var ombudsman: String {
        switch self {
        case .england: "Parliamentary and Health Service Ombudsman"
        case .wales: "Public Services Ombudsman for Wales"
        case .scotland: "Scottish Public Services Ombudsman"
        case .northernIreland, .northernIrelandModel: "Northern Ireland Public Services Ombudsman"
        }
    }

    /// Whether the edition reports by stage.
    var hasStages: Bool { self == .scotland || self == .northernIrelandModel }
}

/// Builds the annual report and the board's performance report from the measures: the words, tables and charts.
///
/// Every figure comes from ``ComplaintMeasures``; no case is named (not even by reference) and no person.
package enum AnnualReport {
    /// What goes into a report besides the measures.
    package struct Inputs: Sendable {
        /// The organisation's name, from configuration.
        package var organisation: String
        /// The matters of general importance and the action taken, as paragraphs written by the complaints team
        /// (empty: the report says none were added).
        package var generalImportance: [String]
        /// The cases of the register (for the stage breakdowns of the model procedures).
        package var cases: [MeasuredCase]
        /// How many cases could not be measured (their deadlines could not be computed).
        package var problems: Int

        package init(organisation: String, generalImportance: [String] = [], cases: [MeasuredCase], problems: Int = 0) {
            self.organisation = organisation
            self.generalImportance = generalImportance
            self.cases = cases
            self.problems = problems
        }
    }

    /// The annual report of `year` in `edition`.
    package static func annual(
        year: FinancialYear, edition: ReportEdition, inputs: Inputs, asOf: CivilDate
    ) -> ReportDocument {
        let period = ReportPeriod(year: year)
        let comparison = MeasuresComparison.compare(inputs.cases, period: period, asOf: asOf)
        let now = comparison.current
        let before = comparison.previous
        let noun = edition.noun
        let title = edition.title(year.description)
        let this = year.description
        let last = year.previous.description
        var blocks: [ReportBlock] = [
            .heading(level: 1, text: title),
            .paragraph("\(inputs.organisation). The year from \(period.words)."),
            .paragraph(edition.basis),
            .paragraph(
                "Figures are counts of \(noun); no person is named or can be identified. Each figure for \(this) "
                    + "is shown beside the same figure for \(last)."),
            .heading(level: 2, text: "Summary"),
            .table(summaryTable(comparison, edition: edition, this: this, last: last)),
        ]
        blocks += [
            .heading(level: 2, text: "\(noun.capitalizedFirst) received and responded to"),
            .paragraph(
                "\(now.complaintsReceived) \(noun) were received in \(this) (\(before.complaintsReceived) in \(last)), "
                    + "and \(now.complaintsResponded) received a final response."),
            .chart(monthlyChart(now, noun: noun)),
            .heading(level: 2, text: "Timeliness"),
            .paragraph(timelinessWords(now, edition: edition)),
            .chart(sharesChart(now, edition: edition)),
            .chart(medianChart(comparison, this: this, last: last)),
            .heading(level: 2, text: edition == .wales ? "Concerns found well founded" : "Outcomes"),
            .paragraph(
                "Of the \(now.complaintsEnded) \(noun) that ended in \(this), \(now.wellFounded) were decided to be "
                    + "well founded (upheld or partly upheld); \(before.wellFounded) in \(last)."),
            .chart(outcomesChart(comparison, this: this, last: last)),
            .heading(level: 2, text: edition == .wales ? "The nature of concerns" : "Subjects of \(noun)"),
            .paragraph(
                "A \(noun.dropLast()) about more than one subject is counted once under each, so these add up to more "
                    + "than the number received."),
            .chart(subjectsChart(comparison, this: this, last: last)),
            .heading(level: 2, text: "Referrals to the \(edition.ombudsman)"),
            .paragraph(
                "\(now.ombudsmanReferred) \(noun) were referred to the \(edition.ombudsman) in \(this) "
                    + "(\(before.ombudsmanReferred) in \(last))."),
            .chart(ombudsmanChart(comparison, this: this, last: last)),
        ]
        if edition.hasStages {
            blocks += stageIndicators(inputs.cases, period: period, asOf: asOf, edition: edition)
        }
        blocks.append(
            .heading(
                level: 2,
                text: edition == .wales
                    ? "Lessons learned and action taken"
                    : edition == .scotland
                        ? "Learning from complaints" : "Matters of general importance and action taken"))
        if inputs.generalImportance.isEmpty {
            blocks.append(
                .paragraph(
                    "The complaints team has not added its account of the matters raised and the action taken for "
                        + "this report."))
        } else {
            blocks += inputs.generalImportance.map { ReportBlock.paragraph($0) }
        }
        blocks += [
            .heading(level: 2, text: "PALS concerns"),
            .paragraph(
                "Concerns resolved informally by the Patient Advice and Liaison Service are counted apart from "
                    + "formal \(noun): \(now.concernsReceived) were received in \(this) (\(before.concernsReceived) "
                    + "in \(last)) and \(now.concernsResolved) were resolved."),
            .heading(level: 2, text: "How the figures are counted"),
            .bullets(definitions(edition: edition, problems: inputs.problems)),
        ]
        return ReportDocument(title: title, organisation: inputs.organisation, blocks: blocks)
    }

    /// The board's performance report for `period`, beside the period before it.
    package static func performance(
        period: ReportPeriod, edition: ReportEdition, inputs: Inputs, asOf: CivilDate
    ) -> ReportDocument {
        let comparison = MeasuresComparison.compare(inputs.cases, period: period, asOf: asOf)
        let now = comparison.current
        let this = "\(period.from.iso) to \(period.to.iso)"
        let last = "\(period.previous.from.iso) to \(period.previous.to.iso)"
        let title = "Complaints performance report, \(period.words)"
        let blocks: [ReportBlock] = [
            .heading(level: 1, text: title),
            .paragraph(
                "\(inputs.organisation). Complaints handling from \(period.words), beside the period of equal "
                    + "length before it (\(period.previous.words)). Counts only; no person is named."),
            .table(summaryTable(comparison, edition: edition, this: "This period", last: "Previous period")),
            .chart(monthlyChart(now, noun: edition.noun)),
            .chart(sharesChart(now, edition: edition)),
            .chart(medianChart(comparison, this: this, last: last)),
            .chart(outcomesChart(comparison, this: "This period", last: "Previous period")),
            .chart(subjectsChart(comparison, this: "This period", last: "Previous period")),
            .chart(ombudsmanChart(comparison, this: "This period", last: "Previous period")),
            .heading(level: 2, text: "How the figures are counted"),
            .bullets(definitions(edition: edition, problems: inputs.problems)),
        ]
        return ReportDocument(title: title, organisation: inputs.organisation, blocks: blocks)
    }

    // MARK: Parts

    static func summaryTable(
        _ comparison: MeasuresComparison, edition: ReportEdition, this: String, last: String
    ) -> ReportTable {
        let now = comparison.current
        let before = comparison.previous
        let noun = edition.noun.capitalizedFirst
        var rows: [[String]] = [
            ["\(noun) received", "\(now.complaintsReceived)", "\(before.complaintsReceived)"],
            ["\(noun) given a final response", "\(now.complaintsResponded)", "\(before.complaintsResponded)"],
            ["Decided well founded (upheld or partly upheld)", "\(now.wellFounded)", "\(before.wellFounded)"],
            ["Referred to the ombudsman", "\(now.ombudsmanReferred)", "\(before.ombudsmanReferred)"],
            [
                "Acknowledged within \(acknowledgementDays(edition))", percent(now.acknowledgedInTime),
                percent(before.acknowledgedInTime),
            ],
            [
                "Responded to by the date in force", percent(now.respondedByDateInForce),
                percent(before.respondedByDateInForce),
            ],
            [
                "Median working days to respond", days(now.medianWorkingDaysToResponse),
                days(before.medianWorkingDaysToResponse),
            ],
            ["PALS concerns received", "\(now.concernsReceived)", "\(before.concernsReceived)"],
        ]
        if edition == .england {
            rows.insert(
                [
                    "Responded to within six months (or the date agreed)", percent(now.respondedWithinBackstop),
                    percent(before.respondedWithinBackstop),
                ], at: 6)
        }
        return ReportTable(caption: "Key figures", header: ["Measure", this, last], rows: rows)
    }

    static func acknowledgementDays(_ edition: ReportEdition) -> String {
        switch edition {
        case .england: "3 working days"
        case .wales, .northernIreland: "2 working days"
        case .scotland, .northernIrelandModel: "the statutory working days"
        }
    }

    static func percent(_ share: ShareFigure) -> String {
        share.percent.map { "\(Int($0.rounded()))%" } ?? "none due"
    }

    static func days(_ value: Double?) -> String { value.map { Chart.number(($0 * 10).rounded() / 10) } ?? "none" }

    static func monthlyChart(_ measures: ComplaintMeasures, noun: String) -> Chart {
        let received = measures.receivedByMonth.map { Double($0.count) }
        let responded = measures.respondedByMonth.map { Double($0.count) }
        let pairs = zip(measures.receivedByMonth, measures.respondedByMonth).map {
            "\($0.month.label) \($0.count) received, \($1.count) responded"
        }
        return .columns(
            BarChart(
                title: "\(noun.capitalizedFirst) received and responded to, by month",
                summary: "Bars by month: \(pairs.joined(separator: "; ")).", categoryHeading: "Month",
                categories: measures.receivedByMonth.map(\.month.shortLabel),
                series: [
                    ChartSeries(name: "Received", values: received, pattern: .solid),
                    ChartSeries(name: "Responded to", values: responded, pattern: .hatched),
                ]))
    }

    static func shareItems(_ measures: ComplaintMeasures, edition: ReportEdition) -> [ShareItem] {
        var items = [
            ShareItem(
                label: "Acknowledged within \(acknowledgementDays(edition))", part: measures.acknowledgedInTime.part,
                whole: measures.acknowledgedInTime.whole),
            ShareItem(
                label: "Responded to by the date in force", part: measures.respondedByDateInForce.part,
                whole: measures.respondedByDateInForce.whole),
        ]
        if edition == .england {
            items.append(
                ShareItem(
                    label: "Responded to within six months", part: measures.respondedWithinBackstop.part,
                    whole: measures.respondedWithinBackstop.whole))
        }
        return items
    }

    static func sharesChart(_ measures: ComplaintMeasures, edition: ReportEdition) -> Chart {
        let items = shareItems(measures, edition: edition)
        return .shares(
            ShareChart(
                title: "Acknowledged and responded to in time",
                summary: items.map {
                    "\($0.label): \($0.fraction == nil ? "none due" : "\($0.percentText), \($0.ofText)")"
                }
                .joined(separator: "; ") + ".",
                items: items))
    }

    static func medianChart(_ comparison: MeasuresComparison, this: String, last: String) -> Chart {
        let values = [comparison.previous, comparison.current].map { $0.medianWorkingDaysToResponse ?? 0 }
        return .bars(
            BarChart(
                title: "Median working days from receipt to final response",
                summary: "Median working days to respond: \(days(comparison.current.medianWorkingDaysToResponse)) "
                    + "in \(this), \(days(comparison.previous.medianWorkingDaysToResponse)) in \(last).",
                categoryHeading: "Period", categories: [last, this],
                series: [ChartSeries(name: "Median working days", values: values, pattern: .solid)]))
    }

    /// A bar chart of named counts, this period solid and the previous hatched, in this period's order.
    static func comparedBars(
        title: String, heading: String, now: [CategoryFigure], before: [CategoryFigure], this: String, last: String,
        order: [String]? = nil, limit: Int = 12
    ) -> Chart {
        var names = order ?? now.map(\.name)
        for name in before.map(\.name) where !names.contains(name) { names.append(name) }
        names = names.filter { name in (now + before).contains { $0.name == name && $0.count > 0 } }
        func count(_ list: [CategoryFigure], _ name: String) -> Double {
            Double(list.first { $0.name == name }?.count ?? 0)
        }
        var categories = Array(names.prefix(limit))
        var current = categories.map { count(now, $0) }
        var previous = categories.map { count(before, $0) }
        if names.count > limit {
            let rest = names.dropFirst(limit)
            categories.append("All other (\(rest.count))")
            current.append(rest.map { count(now, $0) }.reduce(0, +))
            previous.append(rest.map { count(before, $0) }.reduce(0, +))
        }
        let words = zip(categories, zip(current, previous)).map {
            "\($0) \(Chart.number($1.0)) (\(Chart.number($1.1)) before)"
        }
        return .bars(
            BarChart(
                title: title,
                summary: words.isEmpty ? "None in either period." : words.joined(separator: "; ") + ".",
                categoryHeading: heading, categories: categories,
                series: [
                    ChartSeries(name: this, values: current, pattern: .solid),
                    ChartSeries(name: last, values: previous, pattern: .hatched),
                ]))
    }

    static func outcomesChart(_ comparison: MeasuresComparison, this: String, last: String) -> Chart {
        comparedBars(
            title: "Outcomes of complaints that ended", heading: "Outcome", now: comparison.current.outcomes,
            before: comparison.previous.outcomes, this: this, last: last,
            order: CaseOutcome.allCases.map(\.label) + ["Not recorded"])
    }

    static func subjectsChart(_ comparison: MeasuresComparison, this: String, last: String) -> Chart {
        comparedBars(
            title: "Subjects of complaints received", heading: "Subject", now: comparison.current.subjects,
            before: comparison.previous.subjects, this: this, last: last)
    }

    static func ombudsmanChart(_ comparison: MeasuresComparison, this: String, last: String) -> Chart {
        let now =
            [CategoryFigure(name: "Referred", count: comparison.current.ombudsmanReferred)]
            + comparison.current.ombudsmanResults.map { CategoryFigure(name: "Decided: \($0.name)", count: $0.count) }
        let before =
            [CategoryFigure(name: "Referred", count: comparison.previous.ombudsmanReferred)]
            + comparison.previous.ombudsmanResults.map { CategoryFigure(name: "Decided: \($0.name)", count: $0.count) }
        return comparedBars(
            title: "Ombudsman referrals and decisions", heading: "Referrals", now: now, before: before, this: this,
            last: last, order: ["Referred"] + OmbudsmanResult.allCases.map { "Decided: \($0.label)" })
    }

    static func timelinessWords(_ measures: ComplaintMeasures, edition: ReportEdition) -> String {
        var text =
            "Acknowledged within \(acknowledgementDays(edition)): \(measures.acknowledgedInTime.words). Responded to "
            + "by the date in force (the date agreed with the complainant, or the target): "
            + "\(measures.respondedByDateInForce.words)."
        if edition == .england {
            text +=
                " Responded to within six months of receipt (or a later date agreed before then): "
                + "\(measures.respondedWithinBackstop.words)."
        }
        text += " Median working days from receipt to final response: \(days(measures.medianWorkingDaysToResponse))."
        return text
    }

    /// The model procedures' indicators, stage by stage, with those pals cannot compute named.
    static func stageIndicators(
        _ cases: [MeasuredCase], period: ReportPeriod, asOf: CivilDate, edition: ReportEdition
    ) -> [ReportBlock] {
        let stage1 = ComplaintMeasures.measure(cases.filter { ($0.stage ?? 1) == 1 }, period: period, asOf: asOf)
        let stage2 = ComplaintMeasures.measure(cases.filter { $0.stage == 2 }, period: period, asOf: asOf)
        func outcome(_ measures: ComplaintMeasures, _ outcome: CaseOutcome) -> String {
            "\(measures.outcomes.first { $0.name == outcome.label }?.count ?? 0)"
        }
        func mean(_ measures: ComplaintMeasures) -> String { days(measures.meanWorkingDaysToResponse) }
        let rows: [[String]] = [
            ["Closed (ended) at the stage", "\(stage1.complaintsEnded)", "\(stage2.complaintsEnded)"],
            ["Upheld", outcome(stage1, .upheld), outcome(stage2, .upheld)],
            ["Partly upheld", outcome(stage1, .partlyUpheld), outcome(stage2, .partlyUpheld)],
            ["Not upheld", outcome(stage1, .notUpheld), outcome(stage2, .notUpheld)],
            ["Average working days to respond", mean(stage1), mean(stage2)],
            [
                "Responded to within the stage's timescale", percent(stage1.respondedByDateInForce),
                percent(stage2.respondedByDateInForce),
            ],
            ["Responded to after an extension", "\(stage1.extended)", "\(stage2.extended)"],
        ]
        let owner = edition == .scotland ? "SPSO" : "NIPSO"
        return [
            .heading(level: 2, text: "Performance at each stage (\(owner) model indicators)"),
            .paragraph(
                "The indicators pals can compute from the register: complaints closed at each stage, their outcomes, "
                    + "the average time to respond, the share responded to within the timescale and the number "
                    + "extended. Stage 2 counts complaints escalated to stage 2 and those taken straight to it; "
                    + "times count from receipt."),
            .table(
                ReportTable(caption: "Indicators by stage", header: ["Indicator", "Stage 1", "Stage 2"], rows: rows)),
            .paragraph(
                "Not computed by pals, because the register does not hold them: learning from complaints (see "
                    + "below), the complainants' experience of the process (a survey), staff awareness and training, "
                    + "and complaints per 1,000 of the population served (the number received is given above)."),
        ]
    }

    static func definitions(edition: ReportEdition, problems: Int) -> [String] {
        var items = [
            "Received: \(edition.noun) whose date of receipt is in the period. Cases still waiting to be triaged are "
                + "not counted; PALS concerns are counted apart.",
            "Responded to: \(edition.noun) whose final response was sent in the period (the last final response, "
                + "if one was reopened).",
            "Acknowledged in time: of \(edition.noun) received in the period whose acknowledgement was due (or made), "
                + "those acknowledged by the day the statutory working days give, on the working-day calendar of "
                + "the rules in force on the day of receipt.",
            "Responded to by the date in force: of \(edition.noun) responded to in the period, those responded to "
                + "by the date agreed with the complainant (or extended), or else the target date.",
            "Working days: Monday to Friday, not bank holidays or local closure days, counted from the day after "
                + "receipt.",
            "Outcomes: \(edition.noun) that ended in the period (final response, withdrawal or closing), by the "
                + "outcome recorded when they closed.",
        ]
        if problems > 0 {
            items.append(
                "\(problems) case\(problems == 1 ? "" : "s") could not be fully measured (their deadlines could not "
                    + "be computed) and are counted without their deadlines.")
        }
        return items
    }
}

extension String {
    /// The text with its first letter in capitals.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension MeasuresComparison {
    /// The comparison as a text table for a terminal: each measure, this period and the previous one.
    package func text(edition: ReportEdition) -> String {
        let table = AnnualReport.summaryTable(self, edition: edition, this: "This period", last: "Previous period")
        var rows = table.rows
        rows.append(["Complaints that ended", "\(current.complaintsEnded)", "\(previous.complaintsEnded)"])
        for outcome in CaseOutcome.allCases {
            func count(_ measures: ComplaintMeasures) -> String {
                "\(measures.outcomes.first { $0.name == outcome.label }?.count ?? 0)"
            }
            rows.append(["  \(outcome.label)", count(current), count(previous)])
        }
        let heading =
            "Complaints performance, \(current.period.from.iso) to \(current.period.to.iso) "
            + "(previous: \(previous.period.from.iso) to \(previous.period.to.iso))\n"
        return heading + TextTable.render(header: table.header, rows: rows)
    }
}
