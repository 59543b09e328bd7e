package import Foundation
package import Logging
package import Mail
package import Primitives

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A durable outbox and sent-items archive kept in plain folders, moved between states by atomic renames: the
/// ``OutboxStore`` of a workspace on one machine (``InMemoryOutbox`` is its twin for tests).
///
/// Postfix's queue and Maildir are the models: an operator can inspect everything with `ls` and `cat`.
///
/// ## Layout
/// ```
/// Outbox/
///   queued/      <id>.eml + <id>.json   waiting, due now
///   active/      <owner>/<id>.eml + <id>.json, one folder per running sender process, holding its flock'd
///                <owner>/.lock; a message is renamed here just before it is handed to the transport
///   deferred/    <id>.eml + <id>.json   temporary failure; `nextAttempt` in the JSON says when it is due
///   hold/        <id>.eml + <id>.json   waiting for an officer (uncertain outcome, interrupted send, held by hand)
///   failed/      <id>.eml + <id>.json   permanent failure, or retried for longer than the policy allows
///   cancelled/   <id>.eml + <id>.json   taken out of the queue by an officer, kept for the record
///   sent/        a Maildir: tmp/ new/ cur/; sent messages are cur/<secs>.<id>.<host>:2,S (seen flag)
///     meta/      <id>.json for each sent message (outside tmp/new/cur, so mail clients ignore it)
///   keys/        one file per idempotency key (the key percent-encoded), holding the message id
///   incoming/    messages being queued, before their key is claimed
///   purged/      <id>: an empty tombstone for each message purged from the archive
/// ```
/// Folders are 0700 and files 0600. Every file is written to a hidden temporary name (`.tmp-…`), fsynced and
/// renamed into place; folders are fsynced after renames.
///
/// ## Messages and metadata
/// Each message is a complete `.eml` file (the exact bytes handed to the transport, CRLF line ends). Its
/// metadata is the sidecar `<id>.json` beside it: id, idempotency key, labels, envelope sender and
/// recipient, Message-ID, size, created, `queuedAt` (start of the retry lifetime), state, `nextAttempt`,
/// `attempts` (time, outcome, SMTP code and reply of each), `lastReply`, `history` (every state entered,
/// when and why), `archiveFile` (sent only) and `revision` (incremented at each write).
///
/// Ids are `yyyyMMddTHHmmssSSSZ-` plus 12 random hex digits: they sort by queueing time and are safe file names.
///
/// ## Rules that make it crash-safe
/// - **The `.eml` file's folder is the message's state.** A `.json` without its `.eml` beside it is a leftover of an
///   interrupted move and is ignored (the copy with the highest `revision` is the truth when the sidecar is missing).
/// - **A move out of a shared folder renames the `.eml` first**: the rename is the claim, and whoever's rename
///   succeeds owns the message (two senders, or a sender and an officer, never both act on it); the owner then
///   writes the new sidecar and removes the old one.
/// - **A sender settling a message it owns writes the destination sidecar first** (with the outcome), then renames
///   the `.eml`, then removes its `active/` sidecar; recovery finishes such a move rather than guessing.
/// - **Recovery** (when a sender starts, for every `active/<owner>/` whose lock is free, i.e. whose process died):
///   a message whose outcome was already written is moved on to it; a message that was claimed but whose `active`
///   sidecar was never written (so it was never handed to the transport) goes back where it came from; every
///   other message goes to `hold/` with "interrupted while sending; the server may have accepted it". Nothing found
///   in `active/` is ever resent automatically.
/// - **Nothing is trusted as a path** (DESIGN invariant 12): files are opened without following links and only
///   regular files are read; a folder of the layout that is a symbolic link stops the outbox (`unsafeFile`); a
///   sidecar whose id or `archiveFile` would lead outside its folder is refused as unsafe; a queued message that
///   cannot be read safely is moved to `hold/` with the reason and never sent.
/// - **Idempotency**: `queue` writes the message to `incoming/`, then claims the key with `link(2)` of a complete
///   file (atomic, fails if the key exists), then renames the message into `queued/`. A key whose message is still in
///   `incoming/` (its claimer died) is completed by the next caller with the same rename.
package final class Outbox: OutboxStore {
    /// The outbox folder.
    package let folder: URL
    /// Where "now" comes from.
    package let clock: WallClock
    /// Where recoveries, lost races and failures to record are logged (message ids only, never addresses).
    package let logger: Logger
    let root: String
    /// Failures injected by tests into the sender's writes and renames (none in production).
    let faults: FileFaults

    /// Opens (creating it if needed) the outbox in `folder`.
    /// - Parameters:
    ///   - folder: the `Outbox/` folder; made with mode 0700 when missing, with its subfolders.
    ///   - clock: the time used for ids, attempts, due dates and history.
    ///   - logger: where recoveries, lost races and failures to record are logged; silent by default.
    /// - Throws: ``OutboxError`` `unsafeFile` when the folder or one of its subfolders is a symbolic link.
    package convenience init(folder: URL, clock: WallClock, logger: Logger = .outboxSilent) throws(OutboxError) {
        try self.init(folder: folder, clock: clock, logger: logger, faults: .none)
    }

    /// Opens the outbox with failures injected into the sender's writes and renames (for tests).
    package init(
        folder: URL, clock: WallClock, logger: Logger = .outboxSilent, faults: FileFaults
    ) throws(OutboxError) {
        self.folder = folder.standardizedFileURL
        self.clock = clock
        self.logger = logger
        self.root = self.folder.path
        self.faults = faults
        for path in [root] + Self.layout.map({ root + "/" + $0 }) {
            try Files.makeFolder(path)
        }
        try verifyLayout()
    }

    /// Checks that the outbox folder and every folder of its layout are real folders, not symbolic links (a link
    /// such as `hold -> /elsewhere` would make the outbox read, write or delete outside itself).
    /// - Throws: ``OutboxError`` `unsafeFile` naming the first folder that is not.
    package func verifyLayout() throws(OutboxError) {
        for path in [root] + Self.layout.map({ root + "/" + $0 }) {
            try Files.checkRealFolder(path)
        }
    }

    static let layout = [
        "queued", "active", "deferred", "hold", "failed", "cancelled", "sent", "sent/tmp", "sent/new", "sent/cur",
        "sent/meta", "keys", "incoming", "purged",
    ]

    /// States kept in a flat folder of `<id>.eml` + `<id>.json`.
    static let parked: [OutboxState] = [.queued, .deferred, .hold, .failed, .cancelled]

    // MARK: Paths

    func folderPath(_ state: OutboxState) -> String {
        switch state {
        case .sent: root + "/sent/meta"
        default: root + "/" + state.rawValue
        }
    }
    var activeRoot: String { root + "/active" }
    var incomingPath: String { root + "/incoming" }
    var keysPath: String { root + "/keys" }
    var purgedPath: String { root + "/purged" }
    var sentRoot: String { root + "/sent" }

    static let encoder: @Sendable () -> JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
    static let decoder: @Sendable () -> JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    func encode(_ item: OutboxItem) throws(OutboxError) -> Data {
        try Self.encode(item)
    }

    /// The sidecar form of an item (pretty JSON, sorted keys).
    static func encode(_ item: OutboxItem) throws(OutboxError) -> Data {
        do {
            return try Self.encoder().encode(item)
        } catch {
            throw OutboxError(.storage, id: item.id, reason: "could not encode the metadata: \(error)")
        }
    }

    /// Reads and decodes a sidecar; nil when the file is missing.
    /// - Throws: ``OutboxError`` `unsafeFile` when the file is a link, or its id or `archiveFile` would name a
    ///   file outside its folder; `corrupt` when it cannot be decoded.
    func readItem(_ path: String) throws(OutboxError) -> OutboxItem? {
        guard let data = try Files.read(path) else { return nil }
        let item: OutboxItem
        do {
            item = try Self.decoder().decode(OutboxItem.self, from: data)
        } catch {
            throw OutboxError(.corrupt, path: path, reason: "the metadata cannot be decoded: \(error)")
        }
        guard MessageIDs.isValid(item.id) else {
            throw OutboxError(
                .unsafeFile, path: path,
                reason: "the metadata's id \(item.id.debugDescription) is not an outbox id; refused")
        }
        if let file = item.archiveFile, !Self.isArchiveName(file) {
            throw OutboxError(
                .unsafeFile, id: item.id, path: path,
                reason: "the metadata names the archive file \(file.debugDescription), which is not a file of "
                    + "sent/cur or sent/new; refused (nothing outside the outbox is read or deleted)")
        }
        return item
    }

    /// True for a Maildir file name relative to `sent/`: `cur/NAME` or `new/NAME`, NAME a plain visible file name.
    static func isArchiveName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "cur" || parts[0] == "new" else { return false }
        let file = parts[1]
        return !file.isEmpty && !file.hasPrefix(".") && !file.utf8.contains(0) && file.utf8.count <= 255
    }

    /// The owner folders in `active/`: real folders only (a symbolic link planted there is never entered).
    func activeOwners(includingHidden: Bool = false) -> [String] {
        Files.names(in: activeRoot).filter { name in
            (includingHidden || !name.hasPrefix(".")) && Files.kind(activeRoot + "/" + name) == S_IFDIR
        }
    }

    /// Every readable copy of a message's sidecar, wherever it is.
    func copies(of id: String) -> [OutboxItem] {
        var paths = Self.parked.map { folderPath($0) + "/\(id).json" } + [folderPath(.sent) + "/\(id).json"]
        for owner in activeOwners() {
            paths.append(activeRoot + "/\(owner)/\(id).json")
        }
        // Copies are fallbacks for a missing sidecar (left by an interrupted move): one that cannot be read cannot be
        // the truth, and the sidecar beside the `.eml` (or `orphan`) already says what is wrong with the message.
        return paths.compactMap { try? readItem($0) }.filter { $0.id == id }
    }

    /// The sidecar beside the `.eml` in `folder`, else the copy with the highest revision anywhere.
    func metadata(of id: String, in folder: String) throws(OutboxError) -> OutboxItem? {
        if let item = try readItem(folder + "/\(id).json") {
            guard item.id == id else {
                throw OutboxError(
                    .unsafeFile, id: id, path: folder + "/\(id).json",
                    reason: "the metadata belongs to another message (\(item.id)); refused")
            }
            return item
        }
        return copies(of: id).max(by: { $0.revision < $1.revision })
    }

    // MARK: Finding messages

    /// Where a message's `.eml` is.
    struct Location: Sendable {
        var state: OutboxState
        /// The `.eml` file.
        var eml: String
        /// The folder of its sidecar.
        var metaFolder: String
    }

    /// Finds a message's `.eml`; tries again when a concurrent move made it slip between two looks.
    func locate(_ id: String) -> Location? {
        for _ in 0..<5 {
            if let found = locateOnce(id) { return found }
        }
        return nil
    }

    private func locateOnce(_ id: String) -> Location? {
        for state in Self.parked {
            let eml = folderPath(state) + "/\(id).eml"
            if Files.exists(eml) { return Location(state: state, eml: eml, metaFolder: folderPath(state)) }
        }
        for owner in activeOwners() {
            let eml = activeRoot + "/\(owner)/\(id).eml"
            if Files.exists(eml) { return Location(state: .active, eml: eml, metaFolder: activeRoot + "/\(owner)") }
        }
        if let eml = sentFile(of: id) {
            return Location(state: .sent, eml: eml, metaFolder: folderPath(.sent))
        }
        return nil
    }

    /// The Maildir file of a sent message: the recorded name, else any `cur/` or `new/` file naming the id
    /// (a mail client may have changed its flags).
    func sentFile(of id: String, recorded: String? = nil) -> String? {
        var recordedName = recorded
        // An unsafe or unreadable sent sidecar means no archive file is believed; `notFound(_:)` re-reads it to say
        // why, so show and data report the refusal instead of "not found".
        if recordedName == nil, let item = try? readItem(folderPath(.sent) + "/\(id).json") {
            recordedName = item.archiveFile
        }
        guard let recordedName else { return nil }
        if Files.exists(sentRoot + "/" + recordedName) { return sentRoot + "/" + recordedName }
        for sub in ["cur", "new"] {
            if let name = Files.names(in: sentRoot + "/" + sub).first(where: { $0.contains(".\(id).") }) {
                return sentRoot + "/\(sub)/\(name)"
            }
        }
        return nil
    }

    /// The metadata of the message at `location`, with its state and file filled in.
    func item(at location: Location, id: String) throws(OutboxError) -> OutboxItem {
        guard var item = try metadata(of: id, in: location.metaFolder) else {
            return try orphan(at: location, id: id)
        }
        item.state = location.state
        item.file = URL(fileURLWithPath: location.eml)
        return item
    }

    /// A message whose sidecar is lost: shown (never hidden) with what its `.eml` says and a reason saying so.
    private func orphan(at location: Location, id: String) throws(OutboxError) -> OutboxItem {
        guard let data = try Files.read(location.eml) else { throw notFound(id) }
        let created = Self.date(fromID: id) ?? Date(timeIntervalSince1970: 0)
        var item = OutboxItem(
            id: id, key: "", labels: [:], sender: "", recipient: "", messageID: HeaderScan.messageID(in: data),
            size: data.count, created: created, queuedAt: created, state: location.state, nextAttempt: nil,
            attempts: [], lastReply: nil, history: [], archiveFile: nil, revision: 0)
        item.history = [.init(at: created, state: location.state, reason: "its metadata file is missing")]
        item.file = URL(fileURLWithPath: location.eml)
        return item
    }

    /// The queueing time encoded in an id.
    static func date(fromID id: String) -> Date? {
        let digits = Array(id.prefix(18)).filter(\.isNumber)
        guard digits.count == 17, let value = Int(String(digits)) else { return nil }
        var parts = DateComponents()
        parts.timeZone = TimeZone(identifier: "UTC")
        parts.year = value / 10_000_000_000_000
        parts.month = value / 100_000_000_000 % 100
        parts.day = value / 1_000_000_000 % 100
        parts.hour = value / 10_000_000 % 100
        parts.minute = value / 100_000 % 100
        parts.second = value / 1000 % 100
        parts.nanosecond = value % 1000 * 1_000_000
        return Calendar(identifier: .gregorian).date(from: parts)
    }

    func checkID(_ id: String) throws(OutboxError) { try OutboxRules.checkID(id) }

    func notFound(_ id: String) -> OutboxError {
        if Files.exists(purgedPath + "/\(id)") {
            return OutboxError(.purged, id: id, reason: "the message was purged from the archive")
        }
        do {
            // A sent message whose metadata is refused (an unsafe archive file): say why, not "not found".
            _ = try readItem(folderPath(.sent) + "/\(id).json")
        } catch {
            return error
        }
        return OutboxError(.notFound, id: id, reason: "no message has this id")
    }

    // MARK: Queueing

    /// What ``queue(message:key:labels:)`` did.
    package typealias QueueResult = OutboxQueueResult

    /// Queues a message once per idempotency key.
    ///
    /// Queueing a key that was used before (whatever became of its message, sent included) queues nothing and
    /// returns the existing message; two processes queueing the same key at the same moment queue one message.
    /// - Parameters:
    ///   - message: the envelope and the bytes to send.
    ///   - key: the idempotency key, such as `ack/PALS-2026-0042/1` (1 to 200 characters).
    ///   - labels: free-form labels kept with the message, such as `["case": "PALS-2026-0042", "kind": "ack"]`.
    ///   - heldReason: when given, the message is published straight into `hold/` with this reason, so no sender
    ///     ever sees it until an operator releases it (never queued and then held: a crash between the two could
    ///     send it).
    /// - Throws: ``OutboxError`` (`invalidKey`, `invalidMessage`, `storage`, or `purged` when the key's
    ///   message was purged from the archive).
    @discardableResult
    package func queue(
        message: OutgoingMessage, key: String, labels: [String: String] = [:], heldReason: String? = nil
    ) throws(OutboxError) -> QueueResult {
        let keyPath = try keyPath(for: key)
        guard !message.data.isEmpty else {
            throw OutboxError(.invalidMessage, reason: "the message has no bytes")
        }
        if let existing = try existingItem(forKeyAt: keyPath) { return QueueResult(item: existing, isNew: false) }

        let now = clock.now()
        var id = MessageIDs.make(at: now)
        var item = OutboxItem(
            id: id, key: key, labels: labels, sender: message.envelope.sender.address,
            recipient: message.envelope.recipient.address, messageID: HeaderScan.messageID(in: message.data),
            size: message.data.count, created: now, queuedAt: now, state: .queued, nextAttempt: nil, attempts: [],
            lastReply: nil, history: [], archiveFile: nil, revision: 0)
        item.enter(.queued, at: now, reason: nil)
        if let heldReason { item.enter(.hold, at: now, reason: heldReason) }

        // 1. Stage the complete message where no sender looks (the sidecar's link(2) also proves the id unused).
        while try !Files.writeExclusively(try encode(item), to: incomingPath + "/\(id).json") {
            id = MessageIDs.make(at: now)
            item.id = id
        }
        let stagedJSON = incomingPath + "/\(id).json"
        let stagedEML = incomingPath + "/\(id).eml"
        try Files.writeAtomically(message.data, to: stagedEML)
        Files.syncFolder(incomingPath)

        // 2. Claim the key: link(2) of a complete file fails if the key exists.
        let temporary = try Files.writeTemporary(Data((id + "\n").utf8), besides: keyPath)
        let linked = link(temporary, keyPath) == 0
        let linkError = errno
        Files.remove(temporary)
        guard linked else {
            Files.remove(stagedEML)
            Files.remove(stagedJSON)
            guard linkError == EEXIST else { throw Files.failure("claim the key", keyPath, code: linkError) }
            guard let existing = try existingItem(forKeyAt: keyPath) else {
                throw OutboxError(.storage, path: keyPath, reason: "the key is claimed but names no message")
            }
            return QueueResult(item: existing, isNew: false)
        }
        Files.syncFolder(keysPath)

        // 3. Publish it.
        try publish(id)
        item.file = URL(fileURLWithPath: folderPath(item.state) + "/\(id).eml")
        return QueueResult(item: item, isNew: true)
    }

    /// The folder a staged message is published into: `hold/` when it was queued held (its staged sidecar says so,
    /// or the sidecar already went there), else `queued/`. Read from the files, so whoever finishes the queueing of
    /// a claimer that died puts a held message on hold too.
    func publishState(of id: String) -> OutboxState {
        if let staged = try? readItem(incomingPath + "/\(id).json") { return staged.state == .hold ? .hold : .queued }
        return Files.exists(folderPath(.hold) + "/\(id).json") ? .hold : .queued
    }

    /// Moves a staged message from `incoming/` into `queued/` (or `hold/` when queued held; sidecar first);
    /// a lost race is fine.
    private func publish(_ id: String) throws(OutboxError) {
        let queued = folderPath(publishState(of: id))
        let sidecar = try Files.move(incomingPath + "/\(id).json", queued + "/\(id).json", id: id)
        let message = try Files.move(incomingPath + "/\(id).eml", queued + "/\(id).eml", id: id)
        if case .moved = sidecar {
            Files.syncFolder(queued)
        } else if case .moved = message {
            Files.syncFolder(queued)
        }
    }

    /// The message already queued under the key at `keyPath`, completing its queueing if its claimer died.
    private func existingItem(forKeyAt keyPath: String) throws(OutboxError) -> OutboxItem? {
        guard let data = try Files.read(keyPath) else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard MessageIDs.isValid(id) else {
            throw OutboxError(.corrupt, path: keyPath, reason: "the key file does not hold a message id")
        }
        try publish(id)
        guard let location = locate(id) else { throw notFound(id) }
        return try item(at: location, id: id)
    }

    /// The key's file: the key percent-encoded (letters, digits, `-`, `_` and inner `.` kept).
    func keyPath(for key: String) throws(OutboxError) -> String {
        try OutboxRules.checkKey(key)
        var name = ""
        for (index, byte) in key.utf8.enumerated() {
            let plain =
                (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == 45 || byte == 95 || (byte == 46 && index > 0)
            if plain {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                name += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return keysPath + "/" + name
    }

    // MARK: Looking

    /// A message by id, in whatever state it is.
    /// - Throws: ``OutboxError`` `notFound`, `purged` or `invalidID`.
    package func show(_ id: String) throws(OutboxError) -> OutboxItem {
        try checkID(id)
        guard let location = locate(id) else { throw notFound(id) }
        return try item(at: location, id: id)
    }

    /// The message queued under an idempotency key, if any.
    package func item(forKey key: String) throws(OutboxError) -> OutboxItem? {
        try existingItem(forKeyAt: try keyPath(for: key))
    }

    /// The messages in a state (all states when nil) whose labels include every pair of `labels`, oldest first.
    package func list(state: OutboxState? = nil, labels: [String: String] = [:]) throws(OutboxError) -> [OutboxItem] {
        var found: [OutboxItem] = []
        for current in state.map({ [$0] }) ?? OutboxState.allCases {
            for (id, location) in locations(in: current) {
                let item: OutboxItem
                do {
                    item = try self.item(at: location, id: id)
                } catch {
                    // One unreadable message does not stop the list of the others (DESIGN invariant 10); `show`
                    // gives its error.
                    logger.warning(
                        "outbox: a message cannot be listed",
                        metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
                    continue
                }
                if labels.allSatisfy({ item.labels[$0.key] == $0.value }) { found.append(item) }
            }
        }
        return found.sorted { $0.id < $1.id }
    }

    /// The messages of a state, by id.
    func locations(in state: OutboxState) -> [(String, Location)] {
        switch state {
        case .active:
            return activeOwners().flatMap { owner in
                let folder = activeRoot + "/" + owner
                return Files.messageIDs(in: folder).map {
                    ($0, Location(state: .active, eml: folder + "/\($0).eml", metaFolder: folder))
                }
            }
        case .sent:
            return Files.names(in: folderPath(.sent)).compactMap { name in
                guard !name.hasPrefix("."), name.hasSuffix(".json") else { return nil }
                let id = String(name.dropLast(5))
                guard let eml = sentFile(of: id) else { return nil }
                return (id, Location(state: .sent, eml: eml, metaFolder: folderPath(.sent)))
            }
        default:
            let folder = folderPath(state)
            return Files.messageIDs(in: folder).map {
                ($0, Location(state: state, eml: folder + "/\($0).eml", metaFolder: folder))
            }
        }
    }

    /// How many messages are in each state (every state is present, zero included).
    package func counts() -> [OutboxState: Int] {
        var counts: [OutboxState: Int] = [:]
        for state in OutboxState.allCases {
            switch state {
            case .sent:
                counts[state] = ["cur", "new"].reduce(0) { total, sub in
                    total + Files.names(in: sentRoot + "/" + sub).filter { !$0.hasPrefix(".") }.count
                }
            default:
                counts[state] = locations(in: state).count
            }
        }
        return counts
    }

    /// The oldest message waiting to be sent (in `queued/` or `deferred/`), if any.
    package func oldestQueued() throws(OutboxError) -> OutboxItem? {
        let waiting = (locations(in: .queued) + locations(in: .deferred)).sorted { $0.0 < $1.0 }
        for (id, location) in waiting {
            do {
                return try item(at: location, id: id)
            } catch {
                logger.warning(
                    "outbox: a waiting message cannot be read",
                    metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
            }
        }
        return nil
    }

    /// The bytes of a message's `.eml`.
    package func data(of id: String) throws(OutboxError) -> Data {
        let item = try show(id)
        guard let path = item.file?.path, let data = try Files.read(path) else { throw notFound(id) }
        return data
    }

    // MARK: Operator actions

    /// Moves the message's files to the move's folder (the `.eml` first: the rename is the move).
    @discardableResult
    package func apply(_ move: OperatorMove, to id: String) throws(OutboxError) -> OutboxItem {
        try checkID(id)
        for _ in 0..<5 {
            guard let location = locate(id) else { throw notFound(id) }
            guard move.from.contains(location.state) else { throw move.refusal(id: id, state: location.state) }
            let targetFolder = folderPath(move.to)
            guard case .moved = try Files.move(location.eml, targetFolder + "/\(id).eml", id: id) else {
                continue  // it moved under us (a sender or another officer): look again
            }
            let now = clock.now()
            guard var item = try metadata(of: id, in: location.metaFolder) else {
                throw OutboxError(.corrupt, id: id, path: location.eml, reason: "the message has no metadata file")
            }
            move.update(&item, now)
            item.enter(move.to, at: now, reason: move.reason)
            try Files.writeAtomically(try encode(item), to: targetFolder + "/\(id).json")
            Files.syncFolder(targetFolder)
            Files.remove(location.metaFolder + "/\(id).json")
            Files.syncFolder(location.metaFolder)
            item.file = URL(fileURLWithPath: targetFolder + "/\(id).eml")
            return item
        }
        throw OutboxError(
            .storage, id: id, reason: "the message kept moving while trying to \(move.operation) it; try again")
    }
}
