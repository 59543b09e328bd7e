package import Foundation
internal import GRDB
package import Primitives
import WorkingDays

/// The case register: every complaint and its history, in one SQLite file (WAL, created 0600).
///
/// Safe to share between threads and between processes: writes are serialised by SQLite and
/// references are allocated inside an immediate transaction.
///
/// Only ``init(url:)`` creates a register (for `pals init`); every other command opens an existing one with
/// ``init(existing:readOnly:)``, which refuses a missing or emptied file: a fresh register would issue again
/// the references that letters in the outbox and archive already carry.
package final class CaseRegister: CaseStore {
    private let database: any DatabaseWriter
    /// Where the register lives.
    package let url: URL
    /// Whether this register was opened read-only (`case list`, `case show`, `status`, `deadlines`).
    package let isReadOnly: Bool
    /// Set when a read-only open had to read the main file alone (the folder cannot take SQLite's `-shm`
    /// file): changes still in the `-wal` file are then not seen. Meant for a warning on standard error.
    package let notice: String?

    /// Creates the register at `url` if there is none (mode 0600), opens it and migrates it to the current
    /// schema. Only `pals init` (and tests) should create a register.
    package init(url: URL) throws(RegisterError) {
        self.url = url
        isReadOnly = false
        notice = nil
        do {
            try Self.createPrivately(url)
            let pool = try DatabasePool(path: url.path, configuration: Self.configuration(readOnly: false))
            try Self.migrator.migrate(pool)
            database = pool
        } catch let error as RegisterError {
            throw error
        } catch {
            throw RegisterError.storage(url, error)
        }
    }

    /// Opens the existing register at `url`; a missing, empty or foreign file is an error that says how to restore it.
    ///
    /// Read-only opens never write the register (they work on a full or read-only filesystem): SQLite opens it with
    /// `SQLITE_OPEN_READONLY`; in a folder where it cannot create its `-shm` coordination file it reads the main
    /// file as immutable. A register from an older pals is migrated first, which needs write access.
    package init(existing url: URL, readOnly: Bool) throws(RegisterError) {
        self.url = url
        isReadOnly = readOnly
        try Self.checkPresent(url)
        do {
            if readOnly {
                var (queue, notice) = try Self.openReadOnly(url)
                try Self.checkIsRegister(queue, url)
                if try !queue.read({ db in try Self.migrator.hasCompletedMigrations(db) }) {
                    // An older schema: upgrade it once with a writing connection, then read.
                    do {
                        _ = try CaseRegister(existing: url, readOnly: false)
                    } catch {
                        throw RegisterError.needsUpgrade(url, error)
                    }
                    (queue, notice) = try Self.openReadOnly(url)
                }
                database = queue
                self.notice = notice
            } else {
                let pool = try DatabasePool(path: url.path, configuration: Self.configuration(readOnly: false))
                try Self.checkIsRegister(pool, url)
                try Self.migrator.migrate(pool)
                database = pool
                notice = nil
            }
        } catch let error as RegisterError {
            throw error
        } catch {
            throw RegisterError.storage(url, error)
        }
    }

    private static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(15)
        configuration.label = "pals.register"
        configuration.readonly = readOnly
        return configuration
    }

    /// A missing or zero-length register is never opened: SQLite would take it for a new, empty database.
    private static func checkPresent(_ url: URL) throws(RegisterError) {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            if errno == ENOENT { throw RegisterError.missing(url) }
            throw RegisterError.cannotOpen(url, errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw RegisterError.notARegister(url, "it is not a regular file")
        }
        guard info.st_size > 0 else { throw RegisterError.empty(url) }
    }

    /// A register has its tables; an SQLite file without them is not one (and is not silently filled).
    private static func checkIsRegister(_ database: any DatabaseReader, _ url: URL) throws {
        let hasCases = try database.read { db in try db.tableExists("cases") }
        guard hasCases else { throw RegisterError.notARegister(url, "it has no cases table") }
    }

    /// A read-only connection; where SQLite cannot make its `-shm` file beside a WAL register (a read-only or
    /// full filesystem), the main file is read as immutable, which is right only because no one can write it then.
    private static func openReadOnly(_ url: URL) throws -> (DatabaseQueue, String?) {
        let configuration = configuration(readOnly: true)
        do {
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return (queue, nil)
        } catch let error as DatabaseError where Self.cannotCoordinate.contains(error.resultCode) {
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#%")
            let path = url.path.addingPercentEncoding(withAllowedCharacters: allowed) ?? url.path
            let queue = try DatabaseQueue(path: "file:\(path)?immutable=1", configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            let wal = URL(filePath: url.path + "-wal")
            let pending = ((try? FileManager.default.attributesOfItem(atPath: wal.path)[.size] as? Int) ?? 0) > 0
            let notice =
                pending
                ? "the register's folder cannot be written, so changes still in \(wal.lastPathComponent) are not shown"
                : nil
            return (queue, notice)
        }
    }

    /// The failures of a read-only open that mean SQLite cannot make or use its `-shm` file (a read-only, immutable
    /// or full folder), after which reading the main file alone is the only way; any other failure is reported.
    private static let cannotCoordinate: [ResultCode] = [
        .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_FULL,
    ]

    /// Creates the file with mode 0600 before SQLite opens it; SQLite gives its WAL and SHM files the same mode.
    private static func createPrivately(_ url: URL) throws(RegisterError) {
        let fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RegisterError.cannotCreate(url, errno: errno) }
        fchmod(fd, 0o600)
        close(fd)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: cases, events, reference counters") { db in
            try db.create(table: "cases") { t in
                t.column("reference", .text).primaryKey()
                t.column("receivedAt", .datetime).notNull()
                t.column("channel", .text).notNull()
                t.column("complainant", .jsonText).notNull()
                t.column("patient", .jsonText)
                t.column("consent", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("service", .text).notNull()
                t.column("officer", .text).notNull()
                t.column("profile", .text).notNull()
                t.column("stage", .integer)
                t.column("escalatedOn", .text)
                t.column("complexity", .text)
                t.column("agreedResponseDate", .text)
                t.column("extensions", .integer).notNull().defaults(to: 0)
                t.column("status", .text).notNull()
                t.column("acknowledgedOutsidePals", .boolean).notNull().defaults(to: false)
                t.column("acknowledgedAt", .datetime)
                t.column("attention", .text)
                t.column("closedAt", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "cases_on_status_officer", on: "cases", columns: ["status", "officer"])
            try db.execute(
                sql:
                    "CREATE INDEX cases_awaiting_acknowledgement ON cases(status) WHERE acknowledgedAt IS NULL AND acknowledgedOutsidePals = 0"
            )
            try db.create(table: "case_events") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("reference", .text).notNull().indexed()
                    .references("cases", column: "reference", onDelete: .cascade)
                t.column("at", .datetime).notNull()
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "reference_counters") { t in
                t.column("scope", .text).primaryKey()
                t.column("last", .integer).notNull()
            }
        }
        migrator.registerMigration("v2: a permanent random id for each case") { db in
            try db.alter(table: "cases") { t in t.add(column: "caseId", .text) }
            for reference in try String.fetchAll(db, sql: "SELECT reference FROM cases") {
                try db.execute(
                    sql: "UPDATE cases SET caseId = ? WHERE reference = ?",
                    arguments: [UUID().uuidString.lowercased(), reference])
            }
            try db.create(index: "cases_on_caseId", on: "cases", columns: ["caseId"], options: .unique)
            // The id is given once and kept for ever: a row without one, or a change of it, is refused.
            try db.execute(
                sql: """
                    CREATE TRIGGER cases_caseId_required BEFORE INSERT ON cases WHEN NEW.caseId IS NULL OR NEW.caseId = ''
                    BEGIN SELECT RAISE(ABORT, 'a case needs its caseId'); END;
                    CREATE TRIGGER cases_caseId_kept BEFORE UPDATE OF caseId ON cases WHEN NEW.caseId IS NOT OLD.caseId
                    BEGIN SELECT RAISE(ABORT, 'a case keeps its caseId for ever'); END;
                    """)
        }
        migrator.registerMigration("deadlines: the agreed backstop and when the complainant was last written to") {
            db in
            try db.alter(table: "cases") { t in
                t.add(column: "backstopAgreedDate", .text)
                t.add(column: "lastLetterAt", .datetime)
            }
            // A case logged before this knew its letters only from its history.
            try db.execute(
                sql: """
                    UPDATE cases SET lastLetterAt = (SELECT max(at) FROM case_events e
                        WHERE e.reference = cases.reference AND e.kind IN ('letter-queued', 'letter-printed'))
                    """)
        }
        migrator.registerMigration("kinds: a case is a complaint or a PALS concern") { db in
            // Every case logged before kinds existed is a complaint.
            try db.alter(table: "cases") { t in t.add(column: "kind", .text).notNull().defaults(to: "complaint") }
        }
        registerStatementMigration(&migrator)
        InboundLedger.registerMigrations(&migrator)
        registerCodingMigration(&migrator)
        WebRecords.registerMigrations(&migrator)
        UserDirectory.registerMigrations(&migrator)
        WebRecords.registerExpiryMigrations(&migrator)
        return migrator
    }

    // MARK: Creating

    /// Logs a new case: allocates its reference atomically, gives it a new random ``Case/caseId`` and records the
    /// `logged` event. A reference in `taken` (one the outbox or archive already carries) is skipped for good.
    package func create(
        _ form: CaseForm, pattern: ReferencePattern, now: Date, taken: Set<String> = []
    ) throws(RegisterError) -> Case {
        try write { db in
            let scope = pattern.scope(year: CivilDate(form.receivedAt).year)
            var reference: String
            repeat {
                let number = try Int.fetchOne(
                    db,
                    sql: """
                        INSERT INTO reference_counters(scope, last) VALUES (?, 1)
                        ON CONFLICT(scope) DO UPDATE SET last = last + 1 RETURNING last
                        """,
                    arguments: [scope.key]
                )!
                reference = scope.reference(number: number)
            } while try taken.contains(reference) || CaseRow.exists(db, key: reference)
            let (record, logged) = CaseLifecycle.start(
                form, reference: reference, caseId: UUID().uuidString.lowercased(), now: now)
            try CaseRow(record).insert(db)
            try EventRow(reference: reference, event: logged).insert(db)
            return record
        }
    }

    // MARK: Reading

    /// The case with this reference, or `nil`.
    package func find(_ reference: String) throws(RegisterError) -> Case? {
        try read { db in try CaseRow.fetchOne(db, key: reference)?.record }
    }

    /// Cases matching `filter`, oldest first.
    package func cases(_ filter: CaseFilter = CaseFilter()) throws(RegisterError) -> [Case] {
        try read { db in try Self.request(CaseRow.all(), filter).fetchAll(db).map(\.record) }
    }

    /// One page of the cases matching `filter`, oldest first, read with LIMIT/OFFSET, and how many match in all.
    package func cases(_ filter: CaseFilter, offset: Int, limit: Int) throws(RegisterError) -> (
        cases: [Case], total: Int
    ) {
        try read { db in
            let request = Self.request(CaseRow.all(), filter)
            return (try request.limit(limit, offset: offset).fetchAll(db).map(\.record), try request.fetchCount(db))
        }
    }

    /// The schedules of the cases matching `filter`, oldest first: the columns deadlines need, no personal data.
    package func schedules(_ filter: CaseFilter = CaseFilter()) throws(RegisterError) -> [CaseSchedule] {
        try read { db in
            try Self.request(ScheduleRow.all().select(ScheduleRow.columns), filter).fetchAll(db).map(\.schedule)
        }
    }

    /// The schedules of the cases matching `filter`, each row read on its own: a row that cannot be read is
    /// returned as a problem naming its reference, never an error that hides every other case.
    package func scheduleScan(_ filter: CaseFilter = CaseFilter()) throws(RegisterError) -> (
        schedules: [CaseSchedule], problems: [CaseProblem]
    ) {
        var schedules: [CaseSchedule] = []
        var problems: [CaseProblem] = []
        try forEachSchedule(filter) {
            schedules.append($0)
        } problem: {
            problems.append($0)
        }
        return (schedules, problems)
    }

    /// Visits the schedules of the cases matching `filter`, oldest first, one row at a time from a cursor, so a
    /// listing of 100,000 cases never holds them all; a row that cannot be read goes to `problem`, naming its
    /// reference, and the scan goes on.
    package func forEachSchedule(
        _ filter: CaseFilter = CaseFilter(), _ body: (CaseSchedule) -> Void, problem: (CaseProblem) -> Void
    ) throws(RegisterError) {
        try read { db in
            let rows = try Row.fetchCursor(db, Self.request(ScheduleRow.all().select(ScheduleRow.columns), filter))
            while let row = try rows.next() {
                do {
                    body(try ScheduleRow(row: row).schedule)
                } catch {
                    let reference = (try? row.decode(String?.self, forColumn: "reference")) ?? nil
                    let officer = (try? row.decode(String?.self, forColumn: "officer")) ?? nil
                    problem(
                        CaseProblem(
                            reference: reference ?? "(no reference)", officer: officer,
                            reason: "cannot be read from the register: \(Self.reason(error))"))
                }
            }
        }
    }

    /// A row decoding failure in words, without the row's values.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? RegisterError { return error.message }
        return "a column holds a value of the wrong kind"
    }

    private static func request<Record>(_ base: QueryInterfaceRequest<Record>, _ filter: CaseFilter)
        -> QueryInterfaceRequest<Record>
    {
        var request = base
        if filter.openOnly {
            request = request.filter(
                [CaseStatus.open.rawValue, CaseStatus.awaitingConsent.rawValue]
                    .contains(Column("status")))
        }
        if let officer = filter.officer { request = request.filter(Column("officer") == officer) }
        if let status = filter.status { request = request.filter(Column("status") == status.rawValue) }
        if filter.awaitingAcknowledgement {
            request = request.filter(Column("acknowledgedAt") == nil && Column("acknowledgedOutsidePals") == false)
            // A PALS concern is never acknowledged under the complaint regulations.
            request = request.filter(Column("kind") == CaseKind.complaint.rawValue)
        }
        return request.order(Column("receivedAt"), Column("reference"))
    }

    /// The history of a case, oldest first.
    package func events(for reference: String) throws(RegisterError) -> [CaseEvent] {
        try read { db in
            try EventRow.filter(Column("reference") == reference).order(Column("id")).fetchAll(db).map(\.event)
        }
    }

    /// The references of cases with an event of `kind` whose detail contains `text`, oldest case first: one scan of
    /// the history inside SQLite, for finding what an interrupted step already recorded without reading every case.
    package func references(withEvent kind: CaseEventKind, containing text: String) throws(RegisterError) -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT reference FROM case_events WHERE kind = ? AND instr(detail, ?) > 0
                    GROUP BY reference ORDER BY min(id)
                    """,
                arguments: [kind.rawValue, text])
        }
    }

    // MARK: Changing

    /// Runs a lifecycle transition on a case in one transaction: stores the case as the transition left it (with
    /// `now` as its last change, when it changed) and every event it recorded; returns the case.
    /// - Throws: ``RegisterError`` when the case is missing or the register fails; what `transition` throws (e.g.
    ///   ``CaseTransitionError``) when it refuses, and then nothing is stored.
    @discardableResult
    package func apply(
        _ reference: String, now: Date, _ transition: (inout CaseLifecycle) throws -> Void
    ) throws -> Case {
        let outcome: Result<Case, any Error> = try write { db in
            guard let record = try CaseRow.fetchOne(db, key: reference)?.record else {
                throw RegisterError.notFound(reference)
            }
            var lifecycle = CaseLifecycle(record)
            do { try transition(&lifecycle) } catch { return .failure(error) }
            var changed = lifecycle.record
            if changed != record {
                changed.updatedAt = now
                try CaseRow(changed).update(db)
            }
            for event in lifecycle.events { try EventRow(reference: reference, event: event).insert(db) }
            return .success(changed)
        }
        return try outcome.get()
    }

    // MARK: Plumbing

    func read<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        do { return try database.read(body) } catch { throw RegisterError.wrap(error, url) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        guard !isReadOnly else { throw RegisterError.readOnly(url) }
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw RegisterError.wrap(error, url)
        }
    }
}

/// Which cases to list.
package struct CaseFilter: Sendable {
    /// Only open and awaiting-consent cases.
    package var openOnly: Bool
    /// Only cases of this officer.
    package var officer: String?
    /// Only cases in this state.
    package var status: CaseStatus?
    /// Only cases with no acknowledgement yet (neither sent by pals nor made outside it).
    package var awaitingAcknowledgement: Bool

    package init(
        openOnly: Bool = false, officer: String? = nil, status: CaseStatus? = nil, awaitingAcknowledgement: Bool = false
    ) {
        self.openOnly = openOnly
        self.officer = officer
        self.status = status
        self.awaitingAcknowledgement = awaitingAcknowledgement
    }
}

/// An error of the case register, with the case reference or the file it concerns. References, paths and the
/// register's own words carry no personal data, so the log form shows the whole message.
package struct RegisterError: PalsError, Equatable {
    /// What kind of problem this is; compare codes, not messages.
    package typealias Code = ErrorCode<RegisterError>

    /// Errors are equal when their codes are: the context is for people, not for matching.
    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    /// What kind of problem this is.
    package let code: Code
    /// The case concerned, when there is one.
    package let reference: String?
    /// The register file concerned, when the problem is the file.
    package let file: URL?
    /// What a person reading the message needs to know.
    package let message: String

    private init(code: Code, reference: String? = nil, file: URL? = nil, message: String) {
        self.code = code
        self.reference = reference
        self.file = file
        self.message = message
    }

    package var errorDescription: String? { message }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { message }

    /// No case has this reference.
    package static func notFound(_ reference: String) -> Self {
        Self(code: .notFound, reference: reference, message: "no case \(reference.escapingControls) in the register")
    }

    /// A change was refused because it would make the case inconsistent.
    package static func invalid(_ reference: String, _ why: String) -> Self {
        Self(code: .invalid, reference: reference, message: "case \(reference): \(why)")
    }

    static func cannotCreate(_ url: URL, errno code: Int32) -> Self {
        Self(
            code: .cannotCreate, file: url,
            message: "cannot create the register \(url.path): \(String(cString: strerror(code)))")
    }

    /// How to get a register back: never by starting a fresh one in a workspace that has sent letters.
    private static func restoreAdvice(_ url: URL) -> String {
        """
        Restore \(url.lastPathComponent) from your backup into \(url.deletingLastPathComponent().path) (with the \
        daemon stopped). pals does not start a fresh register here: it would issue again the case references that \
        letters in the outbox and archive already carry. Only a new workspace starts with an empty register.
        """
    }

    /// The register file is not there.
    static func missing(_ url: URL) -> Self {
        Self(code: .missing, file: url, message: "the case register \(url.path) is missing.\n" + restoreAdvice(url))
    }

    /// The register file is there but empty (0 bytes).
    static func empty(_ url: URL) -> Self {
        Self(
            code: .missing, file: url,
            message: "the case register \(url.path) is empty (0 bytes).\n" + restoreAdvice(url))
    }

    /// The file is not a case register.
    static func notARegister(_ url: URL, _ why: String) -> Self {
        Self(
            code: .missing, file: url,
            message: "\(url.path) is not a pals case register (\(why)).\n" + restoreAdvice(url))
    }

    static func cannotOpen(_ url: URL, errno code: Int32) -> Self {
        Self(
            code: .storage, file: url,
            message: "cannot open the case register \(url.path): \(String(cString: strerror(code)))")
    }

    static func needsUpgrade(_ url: URL, _ error: any Error) -> Self {
        Self(
            code: .storage, file: url,
            message: "the case register \(url.path) is from an older pals and must be upgraded, which needs write "
                + "access: \(error)")
    }

    static func readOnly(_ url: URL) -> Self {
        Self(
            code: .readOnly, file: url,
            message: "the case register \(url.path) was opened read-only; nothing was changed")
    }

    /// Whether this error says the register is missing, empty or not a register.
    package var isMissing: Bool { code == .missing }

    static func storage(_ url: URL, _ error: any Error) -> Self {
        Self(code: .storage, file: url, message: "the register \(url.path) failed: \(error)")
    }

    static func wrap(_ error: any Error, _ url: URL) -> Self {
        (error as? RegisterError) ?? storage(url, error)
    }

    /// Whether this error says no such case exists.
    package var isNotFound: Bool { code == .notFound }

    /// Matches an error against another of the same code: `catch RegisterError.notFound("") { … }`.
    package static func ~= (pattern: Self, error: any Error) -> Bool {
        (error as? Self)?.code == pattern.code
    }
}

extension ErrorCode where Domain == RegisterError {
    /// Matches an error against a code: `catch RegisterError.Code.notFound { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// No case has the reference.
    package static let notFound = Self("case not found")
    /// The register file cannot be created.
    package static let cannotCreate = Self("register not created")
    /// The register cannot be opened, read or written.
    package static let storage = Self("register storage failure")
    /// A change or a stored row would make a case inconsistent.
    package static let invalid = Self("invalid case")
    /// The register file is missing, empty or not a register (restore it from a backup).
    package static let missing = Self("register missing")
    /// The register was opened read-only and a change was asked.
    package static let readOnly = Self("register read-only")
}

// MARK: Rows

/// How a ``Case`` is stored: one row, with the people as JSON text.
struct CaseRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "cases"
    var record: Case

    init(_ record: Case) { self.record = record }

    init(row: Row) throws {
        let decoder = JSONDecoder()
        func date(_ column: String) -> CivilDate? { (row[column] as String?).flatMap(CivilDate.init(iso:)) }
        func choice<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
            let raw: String = row[column]
            guard let value = T(rawValue: raw) else {
                throw RegisterError.invalid(row["reference"], "unknown \(column) '\(raw)' in the register")
            }
            return value
        }
        let complainant: String = row["complainant"]
        let patient: String? = row["patient"]
        let kind: CaseKind = try choice("kind")
        guard let caseId = try row.decode(String?.self, forColumn: "caseId"), !caseId.isEmpty else {
            throw RegisterError.invalid(row["reference"], "has no case id in the register")
        }
        record = Case(
            reference: row["reference"], caseId: caseId, receivedAt: row["receivedAt"], channel: try choice("channel"),
            complainant: try decoder.decode(Complainant.self, from: Data(complainant.utf8)),
            patient: try patient.map { try decoder.decode(Patient.self, from: Data($0.utf8)) },
            consent: try choice("consent"), summary: row["summary"], service: row["service"],
            officer: row["officer"], profile: try choice("profile"), stage: row["stage"],
            escalatedOn: date("escalatedOn"), complexity: row["complexity"],
            agreedResponseDate: date("agreedResponseDate"), extensions: row["extensions"],
            status: try choice("status"), acknowledgedOutsidePals: row["acknowledgedOutsidePals"],
            acknowledgedAt: row["acknowledgedAt"],
            attention: (row["attention"] as String?).map(CaseAttention.init(storedText:)), closedAt: row["closedAt"],
            createdAt: row["createdAt"], updatedAt: row["updatedAt"],
            backstopAgreedDate: date("backstopAgreedDate"), lastLetterAt: row["lastLetterAt"], kind: kind
        )
        try Self.decodeCoding(row, into: &record)
    }

    func encode(to container: inout PersistenceContainer) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        container["reference"] = record.reference
        container["caseId"] = record.caseId
        container["receivedAt"] = record.receivedAt
        container["channel"] = record.channel.rawValue
        container["complainant"] = String(decoding: try encoder.encode(record.complainant), as: UTF8.self)
        container["patient"] = try record.patient.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        container["consent"] = record.consent.rawValue
        container["summary"] = record.summary
        container["service"] = record.service
        container["officer"] = record.officer
        container["profile"] = record.profile.rawValue
        container["stage"] = record.stage
        container["escalatedOn"] = record.escalatedOn?.iso
        container["complexity"] = record.complexity
        container["agreedResponseDate"] = record.agreedResponseDate?.iso
        container["extensions"] = record.extensions
        container["status"] = record.status.rawValue
        container["acknowledgedOutsidePals"] = record.acknowledgedOutsidePals
        container["acknowledgedAt"] = record.acknowledgedAt
        container["attention"] = record.attention?.storedText
        container["closedAt"] = record.closedAt
        container["createdAt"] = record.createdAt
        container["updatedAt"] = record.updatedAt
        container["backstopAgreedDate"] = record.backstopAgreedDate?.iso
        container["lastLetterAt"] = record.lastLetterAt
        container["kind"] = record.kind.rawValue
        try encodeCoding(to: &container)
    }
}

/// How a ``CaseSchedule`` is read: the deadline columns of a case row.
private struct ScheduleRow: FetchableRecord, TableRecord {
    static let databaseTableName = "cases"
    var schedule: CaseSchedule

    static let columns = [
        "reference", "caseId", "officer", "status", "receivedAt", "profile", "stage", "escalatedOn", "complexity",
        "agreedResponseDate", "acknowledgedAt", "attention", "backstopAgreedDate", "lastLetterAt", "kind",
    ].map { Column($0) }

    /// Reads every column with a throwing decode, so one damaged row is a problem to report, not a crash.
    init(row: Row) throws {
        let reference = try row.decode(String.self, forColumn: "reference")
        func date(_ column: String) throws -> CivilDate? {
            guard let text = try row.decode(String?.self, forColumn: column) else { return nil }
            guard let day = CivilDate(iso: text) else {
                throw RegisterError.invalid(reference, "\(column) is not a date in the form YYYY-MM-DD")
            }
            return day
        }
        guard let status = CaseStatus(rawValue: try row.decode(String.self, forColumn: "status")),
            let profile = ProfileID(rawValue: try row.decode(String.self, forColumn: "profile"))
        else {
            throw RegisterError.invalid(reference, "unknown status or profile in the register")
        }
        guard let caseId = try row.decode(String?.self, forColumn: "caseId"), !caseId.isEmpty else {
            throw RegisterError.invalid(reference, "has no case id in the register")
        }
        schedule = CaseSchedule(
            reference: reference, caseId: caseId, officer: try row.decode(String.self, forColumn: "officer"),
            status: status, receivedAt: try row.decode(Date.self, forColumn: "receivedAt"), profile: profile,
            stage: try row.decode(Int?.self, forColumn: "stage"), escalatedOn: try date("escalatedOn"),
            complexity: try row.decode(String?.self, forColumn: "complexity"),
            agreedResponseDate: try date("agreedResponseDate"),
            acknowledgedAt: try row.decode(Date?.self, forColumn: "acknowledgedAt"),
            attention: try row.decode(String?.self, forColumn: "attention").map(CaseAttention.init(storedText:)),
            backstopAgreedDate: try date("backstopAgreedDate"),
            lastLetterAt: try row.decode(Date?.self, forColumn: "lastLetterAt"),
            kind: try Self.kind(row, reference))
    }

    /// The case's kind; a value this pals does not know is a problem to report, never taken for a complaint.
    private static func kind(_ row: Row, _ reference: String) throws -> CaseKind {
        let raw = try row.decode(String.self, forColumn: "kind")
        guard let kind = CaseKind(rawValue: raw) else {
            throw RegisterError.invalid(reference, "unknown kind '\(raw)' in the register")
        }
        return kind
    }
}

/// How a ``CaseEvent`` is stored.
struct EventRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_events"
    var reference: String
    var event: CaseEvent

    init(reference: String, event: CaseEvent) {
        self.reference = reference
        self.event = event
    }

    init(row: Row) {
        reference = row["reference"]
        event = CaseEvent(at: row["at"], kind: CaseEventKind(rawValue: row["kind"]), detail: row["detail"])
    }

    func encode(to container: inout PersistenceContainer) {
        container["reference"] = reference
        container["at"] = event.at
        container["kind"] = event.kind.rawValue
        container["detail"] = event.detail
    }
}
