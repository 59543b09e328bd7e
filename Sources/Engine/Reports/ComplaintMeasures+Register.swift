package import Casework
import Foundation
package import Primitives
import WorkingDays

extension Casebook {
    /// Every case of the register as the measures see it, with the cases that could not be measured named by
    /// reference (a case whose deadlines cannot be computed is still counted, without them).
    package func measuredCases() throws -> (cases: [MeasuredCase], problems: [CaseProblem]) {
        let desk = try DeadlineDesk(workspace: workspace)
        let subjects = workspace.configuration.coding.subjects
        var measured: [MeasuredCase] = []
        var problems: [CaseProblem] = []
        for record in try register.cases() {
            let history: [CaseEvent]
            do {
                history = try register.events(for: record.reference)
            } catch {
                problems.append(CaseProblem(reference: record.reference, officer: record.officer, reason: "\(error)"))
                history = []
            }
            var deadlines: CaseDeadlines?
            do {
                deadlines = try desk.deadlines(for: record)
            } catch {
                problems.append(CaseProblem(reference: record.reference, officer: record.officer, reason: "\(error)"))
            }
            let responded = history.last { $0.kind == .responded }.map { CivilDate($0.at) }
            let withdrawn = history.last { $0.kind == .withdrawn }.map { CivilDate($0.at) }
            let calendar = desk.calculator(for: record.schedule).calendar
            measured.append(
                MeasuredCase(
                    reference: record.reference, kind: record.kind, status: record.status,
                    stage: record.profile.hasStages ? (record.stage ?? 1) : nil, received: record.receivedDate,
                    acknowledged: record.acknowledgedAt.map { CivilDate($0) }, acknowledgeBy: deadlines?.acknowledgeBy,
                    responded: responded, respondBy: deadlines?.respondBy, backstop: deadlines?.backstop,
                    workingDaysToResponse: responded.map { calendar.workingDays(from: record.receivedDate, to: $0) },
                    ended: responded ?? withdrawn ?? record.closedAt.map { CivilDate($0) },
                    extensions: record.extensions, outcome: record.coding.outcome,
                    subjects: record.coding.subjects.map { CodingCategories.find($0, in: subjects)?.label ?? $0 },
                    ombudsmanReferrals: record.ombudsmanReferrals))
        }
        return (measured, problems)
    }
}
