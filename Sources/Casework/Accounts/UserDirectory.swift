package import Foundation
internal import GRDB
package import Primitives

/// The web app's accounts and sessions, kept in the case register's database (so a backup of the register keeps
/// them, and `pals user …` and the server see the same rows).
///
/// Passwords are never stored: the caller hashes them (bcrypt, in the Web target) and gives the hash. Sessions are
/// stored under the SHA-256 of their cookie value, also computed by the caller.
package final class UserDirectory: Sendable {
    /// The register whose database holds the accounts.
    package let register: CaseRegister

    /// The accounts in `register`'s database.
    package init(register: CaseRegister) {
        self.register = register
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-webapp: users and sessions") { db in
            try db.create(table: "web_users") { t in
                t.column("name", .text).primaryKey()
                t.column("role", .text).notNull()
                t.column("officer", .text)
                t.column("passwordHash", .text).notNull()
                t.column("isDisabled", .boolean).notNull().defaults(to: false)
                t.column("failedSignIns", .integer).notNull().defaults(to: 0)
                t.column("lockedUntil", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("lastSignIn", .datetime)
            }
            try db.create(table: "web_sessions") { t in
                t.column("idHash", .text).primaryKey()
                t.column("user", .text).notNull().references("web_users", onDelete: .cascade)
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.column("absoluteExpiry", .datetime).notNull()
            }
            try db.create(index: "web_sessions_on_user", on: "web_sessions", columns: ["user"])
        }
        migrator.registerMigration("v4-webapp2: totp") { db in
            try db.alter(table: "web_users") { t in
                t.add(column: "totpSecret", .text)
                t.add(column: "totpLastStep", .integer)
            }
        }
    }

    // MARK: Accounts

    /// Adds an account; the name must be new and valid, and an officer account must name its officer id.
    package func add(_ account: UserAccount) throws(AccountError) {
        guard UserAccount.isValidName(account.name) else { throw AccountError.invalidName(account.name) }
        if account.role == .officer, (account.officer ?? "").isEmpty {
            throw AccountError(.invalid, "an officer account needs the officer id its cases use", user: account.name)
        }
        guard account.passwordHash.hasPrefix("$") else {
            throw AccountError(.invalid, "the password hash is not in crypt form", user: account.name)
        }
        try write { db in
            if try UserRow.fetchOne(db, key: account.name) != nil {
                throw AccountError(.exists, "there is already an account named \(account.name)", user: account.name)
            }
            try UserRow(account).insert(db)
        }
    }

    /// Every account, by name.
    package func accounts() throws(AccountError) -> [UserAccount] {
        try read { db in try UserRow.order(Column("name")).fetchAll(db).map(\.account) }
    }

    /// The account named `name`, or nil.
    package func account(named name: String) throws(AccountError) -> UserAccount? {
        guard UserAccount.isValidName(name) else { return nil }
        return try read { db in try UserRow.fetchOne(db, key: name)?.account }
    }

    /// Disables an account and ends its sessions.
    package func disable(_ name: String) throws(AccountError) {
        try write { db in
            guard var row = try UserRow.fetchOne(db, key: name) else { throw AccountError.notFound(name) }
            row.isDisabled = true
            try row.update(db)
            try db.execute(sql: "DELETE FROM web_sessions WHERE user = ?", arguments: [name])
        }
    }

    /// Sets a new password hash, clears any lockout and ends the account's sessions.
    package func setPassword(_ name: String, hash: String) throws(AccountError) {
        try write { db in
            guard var row = try UserRow.fetchOne(db, key: name) else { throw AccountError.notFound(name) }
            row.passwordHash = hash
            row.failedSignIns = 0
            row.lockedUntil = nil
            try row.update(db)
            try db.execute(sql: "DELETE FROM web_sessions WHERE user = ?", arguments: [name])
        }
    }

    /// Enrols `name` in sign-in codes with `secret`, or (nil) removes them; the last used step is forgotten.
    ///
    /// The secret is kept as it is, not hashed like a password: the server must compute each code from it, so a
    /// one-way hash cannot serve. It lives in the register beside the accounts, which only pals's own user may
    /// read (0600), and it is never shown again after enrolment. Its worth alone is small: a code also needs the
    /// account's password.
    package func setTOTP(_ name: String, secret: String?) throws(AccountError) {
        try write { db in
            guard var row = try UserRow.fetchOne(db, key: name) else { throw AccountError.notFound(name) }
            row.totpSecret = secret
            row.totpLastStep = nil
            try row.update(db)
        }
    }

    /// Takes `step` as the account's latest accepted code step, unless that step or a later one was already
    /// accepted; the check and the write are one transaction, so two sign-ins cannot both use one code.
    /// - Returns: false when the code's step was already used (a replay).
    package func useTOTPStep(_ name: String, step: Int64) throws(AccountError) -> Bool {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE web_users SET totpLastStep = ? WHERE name = ? AND totpSecret IS NOT NULL \
                    AND (totpLastStep IS NULL OR totpLastStep < ?)
                    """, arguments: [step, name, step])
            return db.changesCount > 0
        }
    }

    /// Records a failed sign-in of `name`; returns until when the account is now locked, if this failure locked it.
    @discardableResult
    package func recordFailure(_ name: String, at now: Date, policy: SignInPolicy) throws(AccountError) -> Date? {
        try write { db in
            guard var row = try UserRow.fetchOne(db, key: name) else { return nil }
            row.failedSignIns += 1
            var locked: Date?
            if row.failedSignIns >= policy.maximumFailures {
                locked = now.addingTimeInterval(policy.lockout)
                row.lockedUntil = locked
                row.failedSignIns = 0
            }
            try row.update(db)
            return locked
        }
    }

    /// Records a successful sign-in: failures are forgotten.
    package func recordSuccess(_ name: String, at now: Date) throws(AccountError) {
        try write { db in
            guard var row = try UserRow.fetchOne(db, key: name) else { throw AccountError.notFound(name) }
            row.failedSignIns = 0
            row.lockedUntil = nil
            row.lastSignIn = now
            try row.update(db)
        }
    }

    // MARK: Sessions

    /// Stores a new session.
    package func startSession(_ session: WebSession) throws(AccountError) {
        try write { db in try SessionRow(session).insert(db) }
    }

    /// The live session stored under `idHash` with its enabled account, or nil (unknown, expired or disabled).
    /// A session used within its idle time is extended by `idle` (never past its absolute expiry).
    package func session(idHash: String, at now: Date, idle: TimeInterval) throws(AccountError) -> (
        WebSession, UserAccount
    )? {
        try write { db -> (WebSession, UserAccount)? in
            guard var row = try SessionRow.fetchOne(db, key: idHash) else { return nil }
            guard row.expiresAt > now, row.absoluteExpiry > now,
                let user = try UserRow.fetchOne(db, key: row.user), !user.isDisabled
            else {
                try SessionRow.deleteOne(db, key: idHash)
                return nil
            }
            let extended = min(now.addingTimeInterval(idle), row.absoluteExpiry)
            // Written at most once a minute, so a busy page does not write the register on every request.
            if extended.timeIntervalSince(row.expiresAt) > 60 {
                row.expiresAt = extended
                try row.update(db)
            }
            return (row.session, user.account)
        }
    }

    /// Ends the session stored under `idHash` (sign out).
    package func endSession(idHash: String) throws(AccountError) {
        try write { db in _ = try SessionRow.deleteOne(db, key: idHash) }
    }

    /// Removes every session that has expired at `now`; returns how many.
    @discardableResult
    package func removeExpiredSessions(at now: Date) throws(AccountError) -> Int {
        try write { db in
            try db.execute(
                sql: "DELETE FROM web_sessions WHERE expiresAt <= ? OR absoluteExpiry <= ?", arguments: [now, now])
            return db.changesCount
        }
    }

    // MARK: Plumbing

    private func read<T>(_ body: (Database) throws -> T) throws(AccountError) -> T {
        var inner: AccountError?
        do {
            return try register.read { db in
                do { return try body(db) } catch let error as AccountError {
                    inner = error
                    throw error
                }
            }
        } catch {
            throw inner ?? AccountError.wrap(error)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(AccountError) -> T {
        var inner: AccountError?
        do {
            return try register.write { db in
                do { return try body(db) } catch let error as AccountError {
                    inner = error
                    throw error
                }
            }
        } catch {
            throw inner ?? AccountError.wrap(error)
        }
    }
}

private struct UserRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "web_users"
    var name: String
    var role: String
    var officer: String?
    var passwordHash: String
    var isDisabled: Bool
    var failedSignIns: Int
    var lockedUntil: Date?
    var createdAt: Date
    var lastSignIn: Date?
    var totpSecret: String?
    var totpLastStep: Int64?

    init(_ account: UserAccount) {
        name = account.name
        role = account.role.rawValue
        officer = account.officer
        passwordHash = account.passwordHash
        isDisabled = account.isDisabled
        failedSignIns = account.failedSignIns
        lockedUntil = account.lockedUntil
        createdAt = account.createdAt
        lastSignIn = account.lastSignIn
        totpSecret = account.totpSecret
        totpLastStep = account.totpLastStep
    }

    var account: UserAccount {
        UserAccount(
            // An unknown role (a newer pals) is read as the narrower one.
            name: name, role: AccountRole(rawValue: role) ?? .officer, officer: officer, passwordHash: passwordHash,
            isDisabled: isDisabled, failedSignIns: failedSignIns, lockedUntil: lockedUntil, createdAt: createdAt,
            lastSignIn: lastSignIn, totpSecret: totpSecret, totpLastStep: totpLastStep)
    }
}

private struct SessionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "web_sessions"
    var idHash: String
    var user: String
    var csrfToken: String
    var createdAt: Date
    var expiresAt: Date
    var absoluteExpiry: Date

    init(_ session: WebSession) {
        idHash = session.idHash
        user = session.user
        csrfToken = session.csrfToken
        createdAt = session.createdAt
        expiresAt = session.expiresAt
        absoluteExpiry = session.absoluteExpiry
    }

    var session: WebSession {
        WebSession(
            idHash: idHash, user: user, csrfToken: csrfToken, createdAt: createdAt, expiresAt: expiresAt,
            absoluteExpiry: absoluteExpiry)
    }
}

/// A problem with the web app's accounts or sessions.
package struct AccountError: PalsError, Hashable {
    package typealias Code = ErrorCode<AccountError>
    package let code: Code
    /// What went wrong and what to do.
    package let message: String
    /// The account concerned (a sign-in name, safe for logs), if any.
    package let user: String?

    init(_ code: Code, _ message: String, user: String? = nil) {
        self.code = code
        self.message = message
        self.user = user
    }

    package var errorDescription: String? { message }
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] { user.map { [("user", $0)] } ?? [] }
    package var logReason: String? { code == .storage || user != nil ? message : nil }

    static func invalidName(_ name: String) -> Self {
        AccountError(
            .invalid,
            "'\(name.escapingControls)' cannot be a user name: use 1 to 64 lower-case letters, digits, '.', '_' or '-'"
        )
    }

    static func notFound(_ name: String) -> Self {
        AccountError(.notFound, "there is no account named \(name.escapingControls)", user: nil)
    }

    static func wrap(_ error: any Error) -> Self {
        if let error = error as? AccountError { return error }
        if let error = error as? RegisterError { return AccountError(.storage, error.errorDescription ?? "\(error)") }
        return AccountError(.storage, "the accounts could not be read or written: \(error)")
    }
}

extension ErrorCode where Domain == AccountError {
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }
    /// A name, role or officer that cannot be used.
    package static let invalid = Self("invalid account")
    /// The name is taken.
    package static let exists = Self("account exists")
    /// No account of that name.
    package static let notFound = Self("account not found")
    /// The register could not be read or written.
    package static let storage = Self("account storage failure")
}
