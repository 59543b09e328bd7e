import Casework
import Letters
import Logging
import Outbox
public import WorkingDays

/// Retention: what is kept of a closed case, and for how long.
extension Postroom {
    /// How long a closed case's correspondence is kept: 10 years after closure.
    public static let retentionMonths = 120

    /// `pals archive purge`: removes the correspondence of cases closed before `day`. A day within the retention
    /// period is refused unless `force`; returns the ids removed (or that would be, for a dry run) and the cases.
    public func purgeClosed(before day: CivilDate, dryRun: Bool, force: Bool) throws -> (ids: [String], cases: Int) {
        let limit = casebook.clock.today().adding(months: -Self.retentionMonths)
        if day > limit, !force {
            throw LetterDeskError(message: "--closed-before \(day.iso) is within the 10-year retention period (cases closed before \(limit.iso) may be purged); add --force to override")
        }
        let closed = Set(try register.cases(CaseFilter(status: .closed)).filter {
            guard let at = $0.closedAt else { return false }
            return CivilDate(at) < day
        }.map(\.reference))
        let report = try outbox.archive.purge(
            where: { labels in MessageLabels(labels).reference.map(closed.contains) ?? false }, dryRun: dryRun)
        if !dryRun, !report.ids.isEmpty {
            logger.notice("archive purged", metadata: ["messages": "\(report.ids.count)", "cases": "\(closed.count)"])
        }
        return (report.ids, closed.count)
    }
}
