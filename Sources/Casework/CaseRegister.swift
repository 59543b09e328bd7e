public import Foundation
internal import GRDB
import WorkingDays

/// The case register: every complaint and its history, in one SQLite file (WAL, created 0600).
///
/// Safe to share between threads and between processes: writes are serialised by SQLite and
/// references are allocated inside an immediate transaction.
public final class CaseRegister: Sendable {
    private let pool: DatabasePool
    /// Where the register lives.
    public let url: URL

    /// Opens (creating if needed) the register at `url` and migrates it to the current schema.
    public init(url: URL) throws(RegisterError) {
        self.url = url
        do {
            try Self.createPrivately(url)
            var configuration = Configuration()
            configuration.busyMode = .timeout(15)
            configuration.label = "pals.register"
            pool = try DatabasePool(path: url.path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch let error as RegisterError {
            throw error
        } catch {
            throw RegisterError.storage(url, error)
        }
    }

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
            try db.execute(sql: "CREATE INDEX cases_awaiting_acknowledgement ON cases(status) WHERE acknowledgedAt IS NULL AND acknowledgedOutsidePals = 0")
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
        return migrator
    }

    // MARK: Creating

    /// Logs a new case: allocates its reference atomically and records the `logged` event.
    public func create(_ form: CaseForm, pattern: ReferencePattern, now: Date) throws(RegisterError) -> Case {
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
            } while try CaseRow.exists(db, key: reference)
            let record = Case(
                reference: reference, receivedAt: form.receivedAt, channel: form.channel,
                complainant: form.complainant, patient: form.patient, consent: form.consent,
                summary: form.summary, service: form.service, officer: form.officer, profile: form.profile,
                stage: form.stage, escalatedOn: nil, complexity: form.complexity,
                agreedResponseDate: form.agreedResponseDate, extensions: 0,
                status: form.consent == .requested ? .awaitingConsent : .open,
                acknowledgedOutsidePals: form.acknowledgedOutsidePals,
                acknowledgedAt: form.acknowledgedOutsidePals ? form.receivedAt : nil, attention: nil, closedAt: nil,
                createdAt: now, updatedAt: now
            )
            try CaseRow(record).insert(db)
            let how = form.acknowledgedOutsidePals ? "; acknowledged outside pals" : ""
            try EventRow(reference: reference, event: .init(at: now, kind: "logged", detail: "logged by \(form.channel.rawValue)\(how)")).insert(db)
            return record
        }
    }

    // MARK: Reading

    /// The case with this reference, or `nil`.
    public func find(_ reference: String) throws(RegisterError) -> Case? {
        try read { db in try CaseRow.fetchOne(db, key: reference)?.record }
    }

    /// The case with this reference; throws ``RegisterError/notFound(_:)`` when there is none.
    public func get(_ reference: String) throws(RegisterError) -> Case {
        guard let found = try find(reference) else { throw RegisterError.notFound(reference) }
        return found
    }

    /// Cases matching `filter`, oldest first.
    public func cases(_ filter: CaseFilter = CaseFilter()) throws(RegisterError) -> [Case] {
        try read { db in try Self.request(CaseRow.all(), filter).fetchAll(db).map(\.record) }
    }

    /// The schedules of the cases matching `filter`, oldest first: the columns deadlines need, no personal data.
    public func schedules(_ filter: CaseFilter = CaseFilter()) throws(RegisterError) -> [CaseSchedule] {
        try read { db in
            let columns = [
                "reference", "officer", "status", "receivedAt", "profile", "stage", "escalatedOn", "complexity",
                "agreedResponseDate", "acknowledgedAt", "attention",
            ].map { Column($0) }
            return try Self.request(ScheduleRow.all().select(columns), filter).fetchAll(db).map(\.schedule)
        }
    }

    private static func request<Record>(_ base: QueryInterfaceRequest<Record>, _ filter: CaseFilter) -> QueryInterfaceRequest<Record> {
            var request = base
            if filter.openOnly {
                request = request.filter([CaseStatus.open.rawValue, CaseStatus.awaitingConsent.rawValue]
                    .contains(Column("status")))
            }
            if let officer = filter.officer { request = request.filter(Column("officer") == officer) }
            if let status = filter.status { request = request.filter(Column("status") == status.rawValue) }
            if filter.awaitingAcknowledgement {
                request = request.filter(Column("acknowledgedAt") == nil && Column("acknowledgedOutsidePals") == false)
            }
            return request.order(Column("receivedAt"), Column("reference"))
    }

    /// The history of a case, oldest first.
    public func events(for reference: String) throws(RegisterError) -> [CaseEvent] {
        try read { db in
            try EventRow.filter(Column("reference") == reference).order(Column("id")).fetchAll(db).map(\.event)
        }
    }

    // MARK: Changing

    /// Changes a case in one transaction and records `event` in its history; returns the changed case.
    @discardableResult
    public func update(
        _ reference: String, now: Date, event: CaseEvent,
        _ change: @Sendable (inout Case) throws(RegisterError) -> Void
    ) throws(RegisterError) -> Case {
        try write { db in
            guard var record = try CaseRow.fetchOne(db, key: reference)?.record else {
                throw RegisterError.notFound(reference)
            }
            try change(&record)
            record.updatedAt = now
            try CaseRow(record).update(db)
            try EventRow(reference: reference, event: event).insert(db)
            return record
        }
    }

    /// Adds an entry to a case's history.
    public func record(_ event: CaseEvent, for reference: String) throws(RegisterError) {
        try write { db in
            guard try CaseRow.exists(db, key: reference) else { throw RegisterError.notFound(reference) }
            try EventRow(reference: reference, event: event).insert(db)
        }
    }

    // MARK: Plumbing

    private func read<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        do { return try pool.read(body) } catch { throw RegisterError.wrap(error, url) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
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
public struct CaseFilter: Sendable {
    /// Only open and awaiting-consent cases.
    public var openOnly: Bool
    /// Only cases of this officer.
    public var officer: String?
    /// Only cases in this state.
    public var status: CaseStatus?
    /// Only cases with no acknowledgement yet (neither sent by pals nor made outside it).
    public var awaitingAcknowledgement: Bool

    public init(openOnly: Bool = false, officer: String? = nil, status: CaseStatus? = nil, awaitingAcknowledgement: Bool = false) {
        self.openOnly = openOnly
        self.officer = officer
        self.status = status
        self.awaitingAcknowledgement = awaitingAcknowledgement
    }
}

/// An error of the case register, with the case reference or the file it concerns.
public struct RegisterError: Error, LocalizedError, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable { case notFound, cannotCreate, storage, invalid }

    /// Errors are equal when their codes are: the context is for people, not for matching.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    private let code: Code
    /// What a person reading the message needs to know.
    public let message: String

    public var errorDescription: String? { message }
    public var description: String { message }

    /// No case has this reference.
    public static func notFound(_ reference: String) -> Self {
        Self(code: .notFound, message: "no case \(reference) in the register")
    }

    /// A change was refused because it would make the case inconsistent.
    public static func invalid(_ reference: String, _ why: String) -> Self {
        Self(code: .invalid, message: "case \(reference): \(why)")
    }

    static func cannotCreate(_ url: URL, errno code: Int32) -> Self {
        Self(code: .cannotCreate, message: "cannot create the register \(url.path): \(String(cString: strerror(code)))")
    }

    static func storage(_ url: URL, _ error: any Error) -> Self {
        Self(code: .storage, message: "the register \(url.path) failed: \(error)")
    }

    static func wrap(_ error: any Error, _ url: URL) -> Self {
        (error as? RegisterError) ?? storage(url, error)
    }

    /// Whether this error says no such case exists.
    public var isNotFound: Bool { code == .notFound }

    public static func ~= (pattern: Self, error: any Error) -> Bool {
        (error as? Self)?.code == pattern.code
    }
}

// MARK: Rows

/// How a ``Case`` is stored: one row, with the people as JSON text.
private struct CaseRow: FetchableRecord, PersistableRecord {
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
        record = Case(
            reference: row["reference"], receivedAt: row["receivedAt"], channel: try choice("channel"),
            complainant: try decoder.decode(Complainant.self, from: Data(complainant.utf8)),
            patient: try patient.map { try decoder.decode(Patient.self, from: Data($0.utf8)) },
            consent: try choice("consent"), summary: row["summary"], service: row["service"],
            officer: row["officer"], profile: try choice("profile"), stage: row["stage"],
            escalatedOn: date("escalatedOn"), complexity: row["complexity"],
            agreedResponseDate: date("agreedResponseDate"), extensions: row["extensions"],
            status: try choice("status"), acknowledgedOutsidePals: row["acknowledgedOutsidePals"],
            acknowledgedAt: row["acknowledgedAt"], attention: row["attention"], closedAt: row["closedAt"], createdAt: row["createdAt"], updatedAt: row["updatedAt"]
        )
    }

    func encode(to container: inout PersistenceContainer) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        container["reference"] = record.reference
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
        container["attention"] = record.attention
        container["closedAt"] = record.closedAt
        container["createdAt"] = record.createdAt
        container["updatedAt"] = record.updatedAt
    }
}

/// How a ``CaseSchedule`` is read: the deadline columns of a case row.
private struct ScheduleRow: FetchableRecord, TableRecord {
    static let databaseTableName = "cases"
    var schedule: CaseSchedule

    init(row: Row) throws {
        func date(_ column: String) -> CivilDate? { (row[column] as String?).flatMap(CivilDate.init(iso:)) }
        let reference: String = row["reference"]
        guard let status = CaseStatus(rawValue: row["status"]), let profile = ProfileID(rawValue: row["profile"]) else {
            throw RegisterError.invalid(reference, "unknown status or profile in the register")
        }
        schedule = CaseSchedule(
            reference: reference, officer: row["officer"], status: status, receivedAt: row["receivedAt"],
            profile: profile, stage: row["stage"], escalatedOn: date("escalatedOn"), complexity: row["complexity"],
            agreedResponseDate: date("agreedResponseDate"), acknowledgedAt: row["acknowledgedAt"],
            attention: row["attention"])
    }
}

/// How a ``CaseEvent`` is stored.
private struct EventRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_events"
    var reference: String
    var event: CaseEvent

    init(reference: String, event: CaseEvent) {
        self.reference = reference
        self.event = event
    }

    init(row: Row) {
        reference = row["reference"]
        event = CaseEvent(at: row["at"], kind: row["kind"], detail: row["detail"])
    }

    func encode(to container: inout PersistenceContainer) {
        container["reference"] = reference
        container["at"] = event.at
        container["kind"] = event.kind
        container["detail"] = event.detail
    }
}
