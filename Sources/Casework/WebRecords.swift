package import Foundation
internal import GRDB
package import Primitives

// The web's records in the case register: API tokens (hashes only), idempotent requests, and the record-access
// audit trail. They live beside the cases so a register backup carries them, and so one SQLite file is opened.

/// What an API token may do: `intake` only creates cases (the trust's website form), `read` reads cases, the
/// board and previews, `write` reads, creates and queues letters.
package enum TokenScope: String, Sendable, Hashable, CaseIterable, Codable {
    case intake, read, write
}

/// An API token as the register keeps it: never the token itself, only its SHA-256.
package struct APITokenRecord: Sendable, Hashable, Codable {
    /// The name the administrator gave it (unique among tokens not revoked).
    package let name: String
    package let scope: TokenScope
    package let createdAt: Date
    /// When it was revoked; nil while it works.
    package let revokedAt: Date?

    package init(name: String, scope: TokenScope, createdAt: Date, revokedAt: Date?) {
        self.name = name
        self.scope = scope
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Who did something to a case: an API token, a signed-in user, or someone at the command line.
package struct AuditActor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kinds of actor.
    package enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case token, user, cli
    }

    package let kind: Kind
    /// The token's name, the user's name, or the login name at the command line.
    package let name: String

    package init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// `token:website`, `user:aled`, `cli:pals`.
    package var description: String { "\(kind.rawValue):\(name)" }
}

/// What was done to a case, as the record-access audit names it (NHS record-access audit: who saw what, when).
package enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// The case was opened: its details and history were shown.
    case viewed
    /// The case was shown as one row of a list (its summary, not its history).
    case listed
    /// The case was created.
    case created
    /// The case's fields were changed.
    case updated
    /// A letter of the case was previewed.
    case previewed
    /// A letter was queued for the case.
    case queuedLetter = "queued-letter"
    /// A sent letter's archived copy was opened.
    case openedArchive = "opened-archive"
    /// A held or failed message of the case was released, retried or cancelled.
    case actedOnMessage = "acted-on-message"
    /// The case was closed.
    case closed
    /// The case was reopened.
    case reopened
    /// Received correspondence or an attachment of the case was opened.
    case openedCorrespondence = "opened-correspondence"
}

/// One line of the audit trail.
package struct AuditEntry: Sendable, Hashable, Codable {
    package let at: Date
    package let reference: String
    package let actor: AuditActor
    package let action: AuditAction
    /// What the action was about beyond the case, e.g. the kind of letter; never personal data.
    package let detail: String?

    package init(at: Date, reference: String, actor: AuditActor, action: AuditAction, detail: String? = nil) {
        self.at = at
        self.reference = reference
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}

/// A stored answer to a request that carried an `Idempotency-Key`.
package struct IdempotentAnswer: Sendable, Hashable {
    /// What the stored request's body hashed to.
    package let requestHash: String
    /// Nil while the first request is still being answered.
    package let status: Int?
    package let contentType: String?
    package let body: Data?
}

/// A problem with the web's records.
package struct WebRecordError: PalsError {
    package let code: ErrorCode<WebRecordError>
    package let message: String

    package init(code: ErrorCode<WebRecordError>, message: String) {
        self.code = code
        self.message = message
    }

    package var errorDescription: String? { message }
    package var description: String { logDescription }
    package var logReason: String? { message }

    package static func duplicateToken(_ name: String) -> Self {
        Self(code: .duplicateToken, message: "a token named \(name.escapingControls) already exists (revoke it first)")
    }
    package static func noSuchToken(_ name: String) -> Self {
        Self(code: .noSuchToken, message: "no working token is named \(name.escapingControls)")
    }
    package static func storage(_ error: any Error) -> Self {
        Self(code: .storage, message: "the register could not be read or written: \(error)")
    }
}

extension ErrorCode where Domain == WebRecordError {
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }
    /// A working token already has the name.
    package static let duplicateToken = Self("duplicate token")
    /// No working token has the name.
    package static let noSuchToken = Self("no such token")
    /// The register failed.
    package static let storage = Self("web records storage")
}

/// The web's tables in the register: tokens, idempotent answers and the audit trail.
package struct WebRecords: Sendable {
    package let register: CaseRegister

    package init(register: CaseRegister) {
        self.register = register
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("web: api tokens and idempotent requests") { db in
            try db.create(table: "api_tokens") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("scope", .text).notNull()
                // SHA-256 of the token, hex: the token itself is shown once and never stored.
                t.column("hash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("revokedAt", .datetime)
            }
            try db.create(
                index: "api_tokens_working_name", on: "api_tokens", columns: ["name"], options: .unique,
                condition: Column("revokedAt") == nil)
            try db.create(table: "api_idempotency") { t in
                t.column("tokenName", .text).notNull()
                t.column("key", .text).notNull()
                t.column("requestHash", .text).notNull()
                t.column("status", .integer)
                t.column("contentType", .text)
                t.column("body", .blob)
                t.column("createdAt", .datetime).notNull()
                t.primaryKey(["tokenName", "key"])
            }
        }
        migrator.registerMigration("web: the record-access audit trail (append-only)") { db in
            try db.create(table: "audit_events") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("reference", .text).notNull()
                t.column("actorKind", .text).notNull()
                t.column("actorName", .text).notNull()
                t.column("action", .text).notNull()
                t.column("detail", .text)
            }
            try db.create(index: "audit_events_reference", on: "audit_events", columns: ["reference", "id"])
            try db.execute(
                sql: """
                    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    """)
        }
    }

    // MARK: Tokens

    /// Stores a new token's hash under `name`; a working token of that name is an error.
    package func addToken(name: String, scope: TokenScope, hash: String, now: Date) throws(WebRecordError) {
        try write { db in
            let taken =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM api_tokens WHERE name = ? AND revokedAt IS NULL", arguments: [name])
                ?? false
            if taken { throw WebRecordError.duplicateToken(name) }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, scope, hash, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [name, scope.rawValue, hash, now])
        }
    }

    /// Every token, working and revoked, oldest first.
    package func tokens() throws(WebRecordError) -> [APITokenRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, scope, createdAt, revokedAt FROM api_tokens ORDER BY id").map(
                Self.token)
        }
    }

    /// The working token whose hash is `hash`, or nil.
    package func token(hash: String) throws(WebRecordError) -> APITokenRecord? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT name, scope, createdAt, revokedAt FROM api_tokens WHERE hash = ? AND revokedAt IS NULL",
                arguments: [hash]
            ).map(Self.token)
        }
    }

    /// Revokes the working token named `name`: from now on it is refused.
    package func revokeToken(name: String, now: Date) throws(WebRecordError) {
        try write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revokedAt = ? WHERE name = ? AND revokedAt IS NULL", arguments: [now, name])
            if db.changesCount == 0 { throw WebRecordError.noSuchToken(name) }
        }
    }

    private static func token(_ row: Row) -> APITokenRecord {
        APITokenRecord(
            name: row["name"], scope: TokenScope(rawValue: row["scope"]) ?? .read, createdAt: row["createdAt"],
            revokedAt: row["revokedAt"])
    }

    // MARK: Idempotency

    /// Claims `key` for `token` with a request hashing to `requestHash`: returns nil when the key is new (the
    /// caller now answers the request and calls ``finishIdempotent``), else what was stored under it.
    package func claimIdempotent(token: String, key: String, requestHash: String, now: Date) throws(WebRecordError)
        -> IdempotentAnswer?
    {
        try write { db in
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT requestHash, status, contentType, body FROM api_idempotency WHERE tokenName = ? AND key = ?
                    """, arguments: [token, key])
            {
                return IdempotentAnswer(
                    requestHash: row["requestHash"], status: row["status"], contentType: row["contentType"],
                    body: row["body"])
            }
            try db.execute(
                sql: "INSERT INTO api_idempotency (tokenName, key, requestHash, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [token, key, requestHash, now])
            return nil
        }
    }

    /// Stores the answer to a claimed key, so a retry gets it again.
    package func finishIdempotent(token: String, key: String, status: Int, contentType: String, body: Data)
        throws(WebRecordError)
    {
        try write { db in
            try db.execute(
                sql: "UPDATE api_idempotency SET status = ?, contentType = ?, body = ? WHERE tokenName = ? AND key = ?",
                arguments: [status, contentType, body, token, key])
        }
    }

    /// Gives up a claimed key whose request failed before anything was stored, so it can be tried again.
    package func releaseIdempotent(token: String, key: String) throws(WebRecordError) {
        try write { db in
            try db.execute(
                sql: "DELETE FROM api_idempotency WHERE tokenName = ? AND key = ? AND status IS NULL",
                arguments: [token, key])
        }
    }

    // MARK: Audit

    /// Appends entries to the audit trail, all or none.
    package func appendAudit(_ entries: [AuditEntry]) throws(WebRecordError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO audit_events (at, reference, actorKind, actorName, action, detail)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for entry in entries {
                try statement.execute(arguments: [
                    entry.at, entry.reference, entry.actor.kind.rawValue, entry.actor.name, entry.action.rawValue,
                    entry.detail,
                ])
            }
        }
    }

    /// The audit trail of one case, oldest first.
    package func audit(reference: String) throws(WebRecordError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT at, reference, actorKind, actorName, action, detail FROM audit_events
                    WHERE reference = ? ORDER BY id
                    """, arguments: [reference]
            ).map { row in
                AuditEntry(
                    at: row["at"], reference: row["reference"],
                    actor: AuditActor(
                        kind: AuditActor.Kind(rawValue: row["actorKind"]) ?? .cli, name: row["actorName"]),
                    action: AuditAction(rawValue: row["action"]) ?? .viewed, detail: row["detail"])
            }
        }
    }

    // MARK: Plumbing

    private func read<T>(_ body: (Database) throws -> T) throws(WebRecordError) -> T {
        var inner: WebRecordError?
        do {
            return try register.read { db in
                do { return try body(db) } catch let error as WebRecordError {
                    inner = error
                    throw error
                }
            }
        } catch {
            throw inner ?? WebRecordError.storage(error)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(WebRecordError) -> T {
        var inner: WebRecordError?
        do {
            return try register.write { db in
                do { return try body(db) } catch let error as WebRecordError {
                    inner = error
                    throw error
                }
            }
        } catch {
            throw inner ?? WebRecordError.storage(error)
        }
    }
}
