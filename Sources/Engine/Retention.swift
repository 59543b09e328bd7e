import Casework
import Foundation
import Letters
import Logging
import Outbox
package import Primitives
package import WorkingDays

/// Retention: what is kept of a closed case, and for how long; purges the archive of cases past it.
package struct Retention: Sendable {
    let casebook: Casebook
    let outbox: any OutboxStore
    let logger: Logger

    init(casebook: Casebook, outbox: any OutboxStore, logger: Logger) {
        self.casebook = casebook
        self.outbox = outbox
        self.logger = logger
    }

    /// How long a closed case's correspondence is kept: 10 years after closure.
    package static let retentionMonths = 120

    /// Removes the correspondence of cases closed before `day`. A day within the retention period is refused unless
    /// `force`; returns the ids removed (or that would be, for a dry run) and the cases.
    /// - Throws: ``RetentionError`` when `day` is within the retention period and `force` is false.
    package func purgeClosed(before day: CivilDate, dryRun: Bool, force: Bool) throws -> (ids: [String], cases: Int) {
        let limit = casebook.clock.today().adding(months: -Self.retentionMonths)
        if day > limit, !force { throw RetentionError(closedBefore: day, purgeableBefore: limit) }
        let closed = Set(
            try casebook.register.cases(CaseFilter(status: .closed)).filter {
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

/// A purge refused because it would remove correspondence still within the retention period. It carries the facts;
/// the caller says how to override (the CLI names its flag).
package struct RetentionError: PalsError, Hashable {
    /// What kind of problem this is.
    package typealias Code = ErrorCode<RetentionError>

    /// The day asked for: cases closed before it would be purged.
    package let closedBefore: CivilDate
    /// The latest day that may be asked for without overriding: cases closed before it are past retention.
    package let purgeableBefore: CivilDate

    /// Always ``ErrorCode/withinRetention``.
    package var code: Code { .withinRetention }

    package var errorDescription: String? {
        "cases closed before \(closedBefore.iso) are not all past the \(Retention.retentionMonths / 12)-year retention "
            + "period: only cases closed before \(purgeableBefore.iso) may be purged; nothing was removed"
    }

    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] {
        [("closed before", closedBefore.iso), ("purgeable before", purgeableBefore.iso)]
    }
    package var logReason: String? { "within the retention period" }
}

extension ErrorCode where Domain == RetentionError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// The day asked for is within the retention period.
    package static let withinRetention = Self("within retention period")
}
