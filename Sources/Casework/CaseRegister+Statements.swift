package import Foundation
import GRDB
package import Primitives

extension CaseRegister {
    /// The schema of statement requests: one row per request, numbered within its case.
    static func registerStatementMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("kinds: statement requests to other departments") { db in
            try db.create(table: "statement_requests") { t in
                t.column("reference", .text).notNull()
                    .references("cases", column: "reference", onDelete: .cascade)
                t.column("number", .integer).notNull()
                t.column("department", .text).notNull()
                t.column("address", .text).notNull()
                t.column("requestedAt", .datetime).notNull()
                t.column("due", .text).notNull()
                t.column("receivedAt", .datetime)
                t.primaryKey(["reference", "number"])
            }
            try db.execute(
                sql: "CREATE INDEX statement_requests_outstanding ON statement_requests(due) WHERE receivedAt IS NULL")
        }
    }
}

extension CaseRegister: StatementStore {
    package func addStatementRequest(
        _ draft: StatementDraft, to reference: String, now: Date
    ) throws -> StatementRequest {
        let outcome: Result<StatementRequest, any Error> = try write { db in
            guard let record = try CaseRow.fetchOne(db, key: reference)?.record else {
                throw RegisterError.notFound(reference)
            }
            var lifecycle = CaseLifecycle(record)
            if let refusal = lifecycle.statementRefusal() { return .failure(refusal) }
            let last =
                try Int.fetchOne(
                    db, sql: "SELECT MAX(number) FROM statement_requests WHERE reference = ?", arguments: [reference])
                ?? 0
            let request = StatementRequest(
                reference: reference, number: last + 1, department: draft.department, address: draft.address,
                requestedAt: now, due: draft.due)
            try db.execute(
                sql: """
                    INSERT INTO statement_requests(reference, number, department, address, requestedAt, due)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [reference, request.number, request.department, request.address, now, request.due.iso])
            lifecycle.recordStatement(
                "statement \(request.id) requested from \(request.department), due \(request.due.iso)", at: now)
            for event in lifecycle.events { try EventRow(reference: reference, event: event).insert(db) }
            return .success(request)
        }
        return try outcome.get()
    }

    package func statementRequests(for reference: String) throws(RegisterError) -> [StatementRequest] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM statement_requests WHERE reference = ? ORDER BY number", arguments: [reference]
            ).map(Self.statement)
        }
    }

    package func outstandingStatementRequests() throws(RegisterError) -> [StatementRequest] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM statement_requests s JOIN cases c ON c.reference = s.reference
                    WHERE s.receivedAt IS NULL ORDER BY s.due, s.reference, s.number
                    """
            ).map(Self.statement)
        }
    }

    package func markStatementReceived(_ reference: String, number: Int, now: Date) throws -> StatementRequest {
        let outcome: Result<StatementRequest, any Error> = try write { db in
            guard let record = try CaseRow.fetchOne(db, key: reference)?.record else {
                throw RegisterError.notFound(reference)
            }
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM statement_requests WHERE reference = ? AND number = ?",
                    arguments: [reference, number])
            else { return .failure(StatementError.notFound(reference, number: number)) }
            var request = try Self.statement(row)
            guard request.isOutstanding else { return .failure(StatementError.alreadyReceived(request)) }
            request.receivedAt = now
            try db.execute(
                sql: "UPDATE statement_requests SET receivedAt = ? WHERE reference = ? AND number = ?",
                arguments: [now, reference, number])
            var lifecycle = CaseLifecycle(record)
            lifecycle.recordStatement("statement \(request.id) received from \(request.department)", at: now)
            for event in lifecycle.events { try EventRow(reference: reference, event: event).insert(db) }
            return .success(request)
        }
        return try outcome.get()
    }

    /// A request read from its row; a due date that is not a date is a problem naming the case.
    private static func statement(_ row: Row) throws -> StatementRequest {
        let reference: String = row["reference"]
        guard let due = CivilDate(iso: row["due"]) else {
            throw RegisterError.invalid(reference, "a statement request's due date is not a date in the register")
        }
        return StatementRequest(
            reference: reference, number: row["number"], department: row["department"], address: row["address"],
            requestedAt: row["requestedAt"], due: due, receivedAt: row["receivedAt"])
    }
}
