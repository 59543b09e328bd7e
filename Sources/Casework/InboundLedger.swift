package import Foundation
internal import GRDB
package import Primitives

/// What the ledger knows of one mailbox folder: the UIDVALIDITY its UIDs belong to and the highest UID taken.
package struct InboundFolderState: Sendable, Hashable {
    /// While this stays the same, a UID names the same message for ever.
    package let uidValidity: UInt32
    /// Every message up to this UID is in the ledger (or was a duplicate, or gone).
    package let highestUID: UInt32
}

/// Where an inbound message is in its handling.
package enum InboundState: String, Sendable, Hashable, CaseIterable {
    /// Recorded; not yet turned into a case, a reply or a bounce.
    case pending
    /// Handled; ``InboundMessage/outcome`` says how.
    case processed
}

/// One message taken from the team mailbox: where it came from, and where its raw bytes are kept.
package struct InboundMessage: Sendable, Hashable, Identifiable {
    /// The ledger's own number for it.
    package let id: Int64
    /// The mailbox it came from, `user@host:port`.
    package let mailbox: String
    /// The folder it was read from.
    package let folder: String
    /// The folder's UIDVALIDITY when it was taken.
    package let uidValidity: UInt32
    /// Its UID in that folder.
    package let uid: UInt32
    /// Its Message-ID header, as sent (with the angle brackets), if it had one.
    package let messageID: String?
    /// When the server received it (INTERNALDATE), else when pals fetched it.
    package let arrivedAt: Date
    /// When pals fetched it.
    package let fetchedAt: Date
    /// Its size in bytes.
    package let size: Int
    /// The kept raw message, `Inbox/<uidvalidity>/<uid>.eml` under the workspace (a 0600 file).
    package let rawFile: URL
    /// Pending or processed.
    package let state: InboundState
    /// What it became (set with ``InboundLedger/markProcessed(id:outcome:at:)``).
    package let outcome: String?
    /// When it was processed.
    package let processedAt: Date?

    /// The raw message as it was fetched; a link in its place is refused.
    package func rawBytes() throws(InboundError) -> Data {
        do {
            guard let data = try PrivateFiles.read(rawFile.path) else {
                throw InboundError(.rawMissing, "the kept copy of inbound message \(id) is missing", file: rawFile)
            }
            return data
        } catch let error as InboundError {
            throw error
        } catch {
            throw InboundError(
                .storage, "the kept copy of inbound message \(id) cannot be read: \(error)", file: rawFile)
        }
    }
}

/// A message fetched from the server, ready to be recorded.
package struct FetchedInbound: Sendable {
    package let mailbox: String
    package let folder: String
    package let uidValidity: UInt32
    package let uid: UInt32
    package let messageID: String?
    /// INTERNALDATE, when the server said it.
    package let internalDate: Date?
    package let raw: Data

    package init(
        mailbox: String, folder: String, uidValidity: UInt32, uid: UInt32, messageID: String?, internalDate: Date?,
        raw: Data
    ) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.uid = uid
        self.messageID = messageID
        self.internalDate = internalDate
        self.raw = raw
    }
}

/// What recording a fetched message did.
package enum InboundRecording: Sendable, Hashable {
    /// A new row, pending.
    case recorded(InboundMessage)
    /// The ledger already holds this message (same UID, same Message-ID, or the same bytes): no new row.
    case duplicate(of: Int64)
}

/// The inbound ledger: every message taken from the team mailbox, once, in the case register's database.
///
/// Invariant 14: the raw message is written (0600, fsynced) before its row commits, and the row commits before the
/// message is marked or moved on the server; so a crash at any point loses nothing (a message not in the ledger
/// is still on the server, unmarked) and takes nothing twice (a row's UID is never fetched again, and its
/// Message-ID or bytes are recognised after a UIDVALIDITY change).
///
/// Rows share the register's SQLite database, so the mailbox rules can create a case and mark its row processed
/// in one transaction (``markProcessed(_:id:outcome:at:)`` inside ``CaseRegister``'s write).
package final class InboundLedger: Sendable {
    /// The register whose database holds the ledger.
    package let register: CaseRegister
    /// The workspace folder; raw messages are kept under `Inbox/` in it.
    package let workspaceRoot: URL

    /// The ledger in `register`'s database, keeping raw messages under `workspaceRoot/Inbox`.
    package init(register: CaseRegister, workspaceRoot: URL) {
        self.register = register
        self.workspaceRoot = workspaceRoot
    }

    /// The folder of kept raw messages.
    package var inboxFolder: URL { workspaceRoot.appending(path: "Inbox", directoryHint: .isDirectory) }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-imap: inbound ledger of messages taken from the team mailbox") { db in
            try db.create(table: "inbound_folders") { t in
                t.column("mailbox", .text).notNull()
                t.column("folder", .text).notNull()
                t.column("uidValidity", .integer).notNull()
                t.column("highestUid", .integer).notNull()
                t.primaryKey(["mailbox", "folder"])
            }
            try db.create(table: "inbound_messages") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mailbox", .text).notNull()
                t.column("folder", .text).notNull()
                t.column("uidValidity", .integer).notNull()
                t.column("uid", .integer).notNull()
                t.column("messageId", .text)
                t.column("fingerprint", .text).notNull()
                t.column("arrivedAt", .datetime).notNull()
                t.column("fetchedAt", .datetime).notNull()
                t.column("size", .integer).notNull()
                t.column("rawPath", .text).notNull()
                t.column("state", .text).notNull()
                t.column("outcome", .text)
                t.column("processedAt", .datetime)
                // When the message was marked or moved on the server; NULL until then.
                t.column("settledAt", .datetime)
            }
            try db.create(
                index: "inbound_messages_on_uid", on: "inbound_messages",
                columns: ["mailbox", "folder", "uidValidity", "uid"], options: .unique)
            try db.create(
                index: "inbound_messages_on_messageId", on: "inbound_messages", columns: ["messageId"],
                options: .unique, condition: Column("messageId") != nil)
            try db.create(index: "inbound_messages_on_fingerprint", on: "inbound_messages", columns: ["fingerprint"])
            try db.create(index: "inbound_messages_on_state", on: "inbound_messages", columns: ["state"])
        }
    }

    // MARK: Folders

    /// What the ledger knows of `folder` in `mailbox`; nil before its first poll.
    package func folderState(mailbox: String, folder: String) throws(InboundError) -> InboundFolderState? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT uidValidity, highestUid FROM inbound_folders WHERE mailbox = ? AND folder = ?",
                arguments: [mailbox, folder]
            ).map { row in
                InboundFolderState(
                    uidValidity: UInt32(truncatingIfNeeded: row["uidValidity"] as Int64),
                    highestUID: UInt32(truncatingIfNeeded: row["highestUid"] as Int64))
            }
        }
    }

    /// Starts tracking `folder` under `uidValidity` from the first UID: at the first poll, and when the server
    /// changed the folder's UIDVALIDITY (every message in it is then looked at again, and those already taken are
    /// recognised by Message-ID or bytes).
    package func startFolder(mailbox: String, folder: String, uidValidity: UInt32) throws(InboundError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO inbound_folders(mailbox, folder, uidValidity, highestUid) VALUES (?, ?, ?, 0)
                    ON CONFLICT(mailbox, folder) DO UPDATE SET uidValidity = excluded.uidValidity, highestUid = 0
                    """,
                arguments: [mailbox, folder, Int64(uidValidity)])
        }
    }

    /// Notes that every UID up to `uid` is done with although no row was made for it (a duplicate, or a message
    /// that left the folder before it could be fetched).
    package func passOver(mailbox: String, folder: String, uidValidity: UInt32, uid: UInt32) throws(InboundError) {
        try write { db in try Self.advance(db, mailbox: mailbox, folder: folder, uidValidity: uidValidity, to: uid) }
    }

    private static func advance(_ db: Database, mailbox: String, folder: String, uidValidity: UInt32, to uid: UInt32)
        throws
    {
        try db.execute(
            sql: """
                UPDATE inbound_folders SET highestUid = max(highestUid, ?)
                WHERE mailbox = ? AND folder = ? AND uidValidity = ?
                """,
            arguments: [Int64(uid), mailbox, folder, Int64(uidValidity)])
    }

    // MARK: Recording

    /// Records a fetched message: keeps its raw bytes (0600, fsynced), then commits its row, pending, and moves the
    /// folder's highest UID on. A message the ledger already holds is not recorded again.
    /// - Throws: ``InboundError`` when the bytes cannot be kept (a link in the way, a full disk) or the row cannot
    ///   be written; nothing is recorded then, and the message stays unmarked on the server.
    package func record(_ fetched: FetchedInbound, fetchedAt: Date) throws(InboundError) -> InboundRecording {
        let fingerprint = Self.fingerprint(fetched.raw)
        if let existing = try existingCopy(of: fetched, fingerprint: fingerprint) { return .duplicate(of: existing) }
        let relative = "Inbox/\(fetched.uidValidity)/\(fetched.uid).eml"
        let file = workspaceRoot.appending(path: relative)
        try keep(fetched.raw, at: file, uidValidity: fetched.uidValidity)
        let arrivedAt = fetched.internalDate ?? fetchedAt
        return try write { db -> InboundRecording in
            // Another poller may have taken it between the check above and this transaction.
            if let id = try Self.duplicateID(db, of: fetched, fingerprint: fingerprint, workspaceRoot: workspaceRoot) {
                return .duplicate(of: id)
            }
            try db.execute(
                sql: """
                    INSERT INTO inbound_messages(mailbox, folder, uidValidity, uid, messageId, fingerprint, arrivedAt,
                        fetchedAt, size, rawPath, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    fetched.mailbox, fetched.folder, Int64(fetched.uidValidity), Int64(fetched.uid),
                    fetched.messageID, fingerprint, arrivedAt, fetchedAt, fetched.raw.count, relative,
                    InboundState.pending.rawValue,
                ])
            let id = db.lastInsertedRowID
            try Self.advance(
                db, mailbox: fetched.mailbox, folder: fetched.folder, uidValidity: fetched.uidValidity, to: fetched.uid)
            return .recorded(
                InboundMessage(
                    id: id, mailbox: fetched.mailbox, folder: fetched.folder, uidValidity: fetched.uidValidity,
                    uid: fetched.uid, messageID: fetched.messageID, arrivedAt: arrivedAt, fetchedAt: fetchedAt,
                    size: fetched.raw.count, rawFile: file, state: .pending, outcome: nil, processedAt: nil))
        }
    }

    private func existingCopy(of fetched: FetchedInbound, fingerprint: String) throws(InboundError) -> Int64? {
        let root = workspaceRoot
        return try read { db in try Self.duplicateID(db, of: fetched, fingerprint: fingerprint, workspaceRoot: root) }
    }

    /// The row that already holds this message: same folder, UIDVALIDITY and UID; else the same Message-ID; else
    /// (no Message-ID) the same bytes, compared in full with the kept copy, not by hash alone.
    private static func duplicateID(_ db: Database, of fetched: FetchedInbound, fingerprint: String, workspaceRoot: URL)
        throws -> Int64?
    {
        if let id = try Int64.fetchOne(
            db,
            sql: "SELECT id FROM inbound_messages WHERE mailbox = ? AND folder = ? AND uidValidity = ? AND uid = ?",
            arguments: [fetched.mailbox, fetched.folder, Int64(fetched.uidValidity), Int64(fetched.uid)])
        {
            return id
        }
        if let messageID = fetched.messageID {
            return try Int64.fetchOne(
                db, sql: "SELECT id FROM inbound_messages WHERE messageId = ?", arguments: [messageID])
        }
        let candidates = try Row.fetchAll(
            db, sql: "SELECT id, rawPath FROM inbound_messages WHERE fingerprint = ? AND messageId IS NULL",
            arguments: [fingerprint])
        for row in candidates {
            let path = workspaceRoot.appending(path: row["rawPath"] as String).path
            if let kept = try? PrivateFiles.read(path), kept == fetched.raw { return row["id"] }
        }
        return nil
    }

    /// FNV-1a of the bytes with their length: a quick filter for equal messages, confirmed byte for byte.
    static func fingerprint(_ raw: Data) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in raw { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return "\(raw.count):\(String(value, radix: 16))"
    }

    /// Throws unless `Inbox/` is a real folder or absent (checked before a poll downloads anything).
    package func checkInboxFolder() throws(InboundError) {
        switch PrivateFiles.kind(inboxFolder.path) {
        case nil, .folder?: return
        case .symbolicLink?:
            throw InboundError(
                .linkRefused, "\(inboxFolder.path) is a symbolic link; pals keeps inbound mail only in a real folder",
                file: inboxFolder)
        case .file?, .other?:
            throw InboundError(
                .storage, "\(inboxFolder.path) is in the way of the inbound mail folder: it is not a folder",
                file: inboxFolder)
        }
    }

    /// Writes the raw message into `Inbox/<uidvalidity>/`, refusing a link anywhere the ledger made a folder.
    private func keep(_ raw: Data, at file: URL, uidValidity: UInt32) throws(InboundError) {
        let inbox = inboxFolder.path
        let validityFolder = file.deletingLastPathComponent().path
        do {
            for folder in [inbox, validityFolder] {
                switch PrivateFiles.kind(folder) {
                case .symbolicLink?:
                    throw InboundError(
                        .linkRefused, "\(folder) is a symbolic link; pals keeps inbound mail only in a real folder",
                        file: URL(filePath: folder))
                case .folder?:
                    try PrivateFiles.checkRealFolder(folder)
                case nil:
                    try PrivateFiles.makeFolder(folder)
                    PrivateFiles.syncFolder(URL(filePath: folder).deletingLastPathComponent().path)
                case .file?, .other?:
                    throw InboundError(
                        .storage, "\(folder) is in the way of the inbound mail folder: it is not a folder",
                        file: URL(filePath: folder))
                }
            }
            if PrivateFiles.kind(file.path) == .symbolicLink {
                throw InboundError(.linkRefused, "\(file.path) is a symbolic link; refused", file: file)
            }
            try PrivateFiles.write(raw, to: file)
        } catch let error as InboundError {
            throw error
        } catch {
            throw InboundError(.storage, "the inbound message cannot be kept: \(error)", file: file)
        }
    }

    // MARK: Settling on the server

    /// UIDs recorded under `uidValidity` but not yet marked or moved on the server (a crash came between).
    package func unsettled(mailbox: String, folder: String, uidValidity: UInt32) throws(InboundError) -> [UInt32] {
        try read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT uid FROM inbound_messages
                    WHERE mailbox = ? AND folder = ? AND uidValidity = ? AND settledAt IS NULL ORDER BY uid
                    """,
                arguments: [mailbox, folder, Int64(uidValidity)]
            ).map { UInt32(truncatingIfNeeded: $0) }
        }
    }

    /// Notes that these messages were marked or moved on the server.
    package func markSettled(mailbox: String, folder: String, uidValidity: UInt32, uids: [UInt32], at: Date)
        throws(InboundError)
    {
        guard !uids.isEmpty else { return }
        try write { db in
            for uid in uids {
                try db.execute(
                    sql: """
                        UPDATE inbound_messages SET settledAt = ?
                        WHERE mailbox = ? AND folder = ? AND uidValidity = ? AND uid = ? AND settledAt IS NULL
                        """,
                    arguments: [at, mailbox, folder, Int64(uidValidity), Int64(uid)])
            }
        }
    }

    /// Rows of an old UIDVALIDITY never settled: their UIDs now name other messages (or none), so they are never
    /// marked or moved; noted as settled so they are not asked about again.
    package func abandonUnsettled(mailbox: String, folder: String, except uidValidity: UInt32, at: Date)
        throws(InboundError)
    {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE inbound_messages SET settledAt = ?
                    WHERE mailbox = ? AND folder = ? AND uidValidity != ? AND settledAt IS NULL
                    """,
                arguments: [at, mailbox, folder, Int64(uidValidity)])
        }
    }

    // MARK: Processing

    /// Every message still pending, oldest first.
    package func pendingInbound() throws(InboundError) -> [InboundMessage] {
        try messages(where: "state = ?", [InboundState.pending.rawValue])
    }

    /// Every message in the ledger, oldest first.
    package func allInbound() throws(InboundError) -> [InboundMessage] {
        try messages(where: "1 = 1", [])
    }

    /// The message with this id.
    package func inbound(id: Int64) throws(InboundError) -> InboundMessage? {
        try messages(where: "id = ?", [id]).first
    }

    /// The processed messages whose stored outcome contains `text` (a case reference in its JSON), oldest first:
    /// a narrowing the caller confirms by decoding the outcome.
    package func processed(outcomeContaining text: String) throws(InboundError) -> [InboundMessage] {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return try messages(
            where: "state = ? AND outcome LIKE ? ESCAPE '\\'", [InboundState.processed.rawValue, "%" + escaped + "%"])
    }

    /// Marks a pending message processed with what it became; a message already processed keeps its outcome.
    /// - Returns: false when it was already processed (another processor got there first).
    @discardableResult
    package func markProcessed(id: Int64, outcome: String, at: Date) throws(InboundError) -> Bool {
        try write { db in try Self.markProcessed(db, id: id, outcome: outcome, at: at) }
    }

    /// Marks a message processed inside a transaction of the register (to make a case and mark its message at
    /// once). Throws when there is no such message.
    /// - Returns: false when it was already processed.
    static func markProcessed(_ db: Database, id: Int64, outcome: String, at: Date) throws -> Bool {
        guard try Int64.fetchOne(db, sql: "SELECT id FROM inbound_messages WHERE id = ?", arguments: [id]) != nil else {
            throw InboundError(.notFound, "no inbound message \(id) in the ledger")
        }
        try db.execute(
            sql: "UPDATE inbound_messages SET state = ?, outcome = ?, processedAt = ? WHERE id = ? AND state = ?",
            arguments: [InboundState.processed.rawValue, outcome, at, id, InboundState.pending.rawValue])
        return db.changesCount > 0
    }

    private func messages(where condition: String, _ arguments: [(any DatabaseValueConvertible)?]) throws(InboundError)
        -> [InboundMessage]
    {
        let root = workspaceRoot
        return try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM inbound_messages WHERE \(condition) ORDER BY id",
                arguments: StatementArguments(arguments)
            ).map { row in
                let stateText: String = row["state"]
                guard let state = InboundState(rawValue: stateText) else {
                    throw InboundError(.storage, "inbound message \(row["id"] as Int64) has an unknown state")
                }
                return InboundMessage(
                    id: row["id"], mailbox: row["mailbox"], folder: row["folder"],
                    uidValidity: UInt32(truncatingIfNeeded: row["uidValidity"] as Int64),
                    uid: UInt32(truncatingIfNeeded: row["uid"] as Int64), messageID: row["messageId"],
                    arrivedAt: row["arrivedAt"], fetchedAt: row["fetchedAt"], size: row["size"],
                    rawFile: root.appending(path: row["rawPath"] as String), state: state, outcome: row["outcome"],
                    processedAt: row["processedAt"])
            }
        }
    }

    // MARK: Plumbing

    private func read<T>(_ body: (Database) throws -> T) throws(InboundError) -> T {
        var inner: InboundError?
        do {
            return try register.read { db in
                do { return try body(db) } catch let error as InboundError {
                    inner = error
                    throw error
                }
            }
        } catch {
            throw inner ?? InboundError.wrap(error)
        }
    }

    /// Runs `body` in an immediate transaction of the register; an ``InboundError`` it throws comes out as it is.
    private func write<T>(_ body: (Database) throws -> T) throws(InboundError) -> T {
        var inner: InboundError?
        do {
            return try register.write { db in
                do { return try body(db) } catch let error as InboundError {
                    inner = error
                    throw error
                }
            }
        } catch {
            throw inner ?? InboundError.wrap(error)
        }
    }
}

/// A problem with the inbound ledger or its kept messages.
package struct InboundError: PalsError, Hashable {
    package typealias Code = ErrorCode<InboundError>
    package let code: Code
    /// What went wrong and what to do, naming no person.
    package let message: String
    /// The file concerned, if any.
    package let file: URL?

    init(_ code: Code, _ message: String, file: URL? = nil) {
        self.code = code
        self.message = message
        self.file = file
    }

    package var errorDescription: String? { message }
    package var description: String { logDescription }
    package var logReason: String? { message }

    static func wrap(_ error: any Error) -> Self {
        if let error = error as? InboundError { return error }
        if let error = error as? RegisterError {
            return InboundError(.storage, error.errorDescription ?? "\(error)", file: error.file)
        }
        return InboundError(.storage, "the inbound ledger failed: \(error)")
    }
}

extension ErrorCode where Domain == InboundError {
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }
    /// The register or a kept file could not be read or written.
    package static let storage = Self("inbound ledger storage failure")
    /// A symbolic link stood where the ledger keeps messages.
    package static let linkRefused = Self("inbound link refused")
    /// A row's kept copy is gone.
    package static let rawMissing = Self("inbound copy missing")
    /// No such message in the ledger.
    package static let notFound = Self("inbound message not found")
}
