package import Foundation
import GRDB

// Idempotency keys that expire (`http.idempotencyHours`), and the indexes that let the API page the case list and
// sweep old keys in SQL instead of reading whole tables.

extension WebRecords {
    static func registerExpiryMigrations(_ migrator: inout DatabaseMigrator) {
        let name = "web2: indexes for idempotency expiry, the paged case list and the board's change stamp"
        migrator.registerMigration(name) { db in
            // The sweep of expired keys is a range of this index, never a scan of the table.
            try db.create(index: "api_idempotency_on_createdAt", on: "api_idempotency", columns: ["createdAt"])
            // The case list's order (received, then reference), so a page is read from the index.
            try db.create(index: "cases_on_receivedAt_reference", on: "cases", columns: ["receivedAt", "reference"])
            // The board's change stamp (CaseRegister.changeStamp) reads the latest change from this index.
            try db.create(index: "cases_on_updatedAt", on: "cases", columns: ["updatedAt"])
        }
    }

    /// Claims `key` as ``claimIdempotent(token:key:requestHash:now:)`` does, after forgetting every key claimed
    /// before `cutoff`: an expired key is a new request. The sweep is one indexed range delete on each claim (the
    /// only insert), so nothing scans the table and no table grows without end.
    package func claimIdempotent(
        token: String, key: String, requestHash: String, now: Date, forgettingBefore cutoff: Date
    ) throws(WebRecordError) -> IdempotentAnswer? {
        do {
            try register.write { db in
                try db.execute(sql: "DELETE FROM api_idempotency WHERE createdAt < ?", arguments: [cutoff])
            }
        } catch {
            throw WebRecordError.storage(error)
        }
        return try claimIdempotent(token: token, key: key, requestHash: requestHash, now: now)
    }
}
