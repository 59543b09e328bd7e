package import Casework
import Foundation
package import Primitives

/// A complaint whose coding a return needs and does not have: named by reference only.
package struct CodingGap: Sendable, Equatable, Codable {
    /// The case.
    package var reference: String
    /// What is missing or wrong, in words (e.g. "subject", "outcome", "service area 'x' is not configured").
    package var missing: [String]
}

/// Finds the complaints whose coding the national returns need and lack (`pals report check`).
package enum CodingCheck {
    /// The gaps of the complaints a return for `year` counts (every year's when `nil`), oldest received first:
    ///
    /// - a complaint received in the year needs its subjects, service areas (not for a GP or dental practice, whose
    ///   return has none), professions, complainant status and age band, each a category the configuration lists;
    /// - a complaint that ended in the year (responded, withdrawn or closed) needs its outcome;
    /// - a case received in the year and still in triage must be taken on first (only then is it known whether
    ///   it is a complaint).
    ///
    /// PALS concerns are not complaints and need nothing.
    package static func gaps(
        _ rows: [CaseReportRow], year: FinancialYear?, categories: CodingCategories, serviceAreas: Bool = true
    ) -> [CodingGap] {
        var gaps: [CodingGap] = []
        for row in rows where row.kind == .complaint {
            var missing: [String] = []
            let receivedInYear = year.map { $0.contains(row.receivedDate) } ?? true
            if receivedInYear {
                if row.status == .triage {
                    missing.append("still in triage: take it on first")
                } else {
                    missing += row.coding.missingForReturns(serviceArea: serviceAreas)
                    missing += unknownCategories(row.coding, categories)
                }
            }
            if let ended = row.endedOn, year.map({ $0.contains(ended) }) ?? true, row.endedWith == nil {
                missing.append("outcome")
            }
            if !missing.isEmpty { gaps.append(CodingGap(reference: row.reference, missing: missing)) }
        }
        return gaps
    }

    /// The coded categories the configuration no longer lists.
    static func unknownCategories(_ coding: CaseCoding, _ categories: CodingCategories) -> [String] {
        var problems: [String] = []
        for subject in coding.subjects where CodingCategories.find(subject, in: categories.subjects) == nil {
            problems.append("subject '\(subject)' is not a configured subject")
        }
        for area in coding.serviceAreas where CodingCategories.find(area, in: categories.serviceAreas) == nil {
            problems.append("service area '\(area)' is not a configured service area")
        }
        for profession in coding.professions where CodingCategories.find(profession, in: categories.professions) == nil
        {
            problems.append("profession '\(profession)' is not a configured profession")
        }
        return problems
    }
}

extension Casebook {
    /// The complaints missing coding a return for `year` needs (every year's when `nil`); see ``CodingCheck``.
    package func codingGaps(year: FinancialYear?) throws -> [CodingGap] {
        let configuration = workspace.configuration
        return CodingCheck.gaps(
            try register.reportListing(), year: year, categories: configuration.coding,
            serviceAreas: !configuration.organisationType.isPrimaryCare)
    }
}
