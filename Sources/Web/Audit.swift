package import Casework
package import Foundation
package import Primitives

/// The record-access audit (invariant 15): every view of a case and every action on it over the web, with who
/// did it and when, appended to the register's audit trail (append-only: the register refuses to change a line).
///
/// The API records through it; the web app calls ``record(reference:principal:action:detail:)`` from its pages.
package struct Audit: Sendable {
    package let records: WebRecords
    package let clock: WallClock

    package init(records: WebRecords, clock: WallClock) {
        self.records = records
        self.clock = clock
    }

    /// Records that `principal` did `action` to the case `reference`; `detail` says more (a kind of letter, a
    /// message id), never personal data.
    package func record(reference: String, principal: Principal, action: AuditAction, detail: String? = nil) throws {
        try records.appendAudit([
            AuditEntry(at: clock.now(), reference: reference, actor: principal.actor, action: action, detail: detail)
        ])
    }

    /// Records one action on many cases at once (a page of a list), in one transaction.
    package func record(references: [String], principal: Principal, action: AuditAction) throws {
        let now = clock.now()
        try records.appendAudit(
            references.map { AuditEntry(at: now, reference: $0, actor: principal.actor, action: action) })
    }
}
