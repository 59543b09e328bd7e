package import Foundation
import GRDB

/// What changes whenever a case is logged or changed: the last event's id, the latest `updatedAt` and the last row. Equal stamps
/// mean the open cases read the same, so a board worked out from them may be shown again.
package struct RegisterChangeStamp: Sendable, Equatable {
    package let lastEvent: Int64
    package let lastUpdate: Date?
    package let lastRow: Int64
}

extension CaseRegister {
    /// The register's change stamp: three indexed look-ups, never a scan.
    package func changeStamp() throws(RegisterError) -> RegisterChangeStamp {
        try read { db in
            RegisterChangeStamp(
                lastEvent: try Int64.fetchOne(db, sql: "SELECT max(id) FROM case_events") ?? 0,
                lastUpdate: try Date.fetchOne(db, sql: "SELECT max(updatedAt) FROM cases"),
                lastRow: try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM cases") ?? 0)
        }
    }
}
