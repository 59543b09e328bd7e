package import Foundation
internal import Logging
internal import Mail
internal import Primitives

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A sender process's own folder in `active/`, `active/<owner>/`, with its `.lock` held (flock) for as long as
/// this object lives. Another sender that can take the lock knows the owner died and recovers the folder.
final class ActiveLease: OutboxLease {
    let outbox: Outbox
    let owner: String
    let folder: String
    private let lock: FileLock

    init(outbox: Outbox) throws(OutboxError) {
        self.outbox = outbox
        let owner = "p\(getpid())-" + String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
        // Made under a hidden name and renamed once locked, so a visible owner folder always has a held lock
        // while its process lives.
        let staging = outbox.activeRoot + "/.new-" + owner
        try Files.makeFolder(staging)
        guard let lock = try FileLock.tryLock(staging + "/.lock", create: true) else {
            throw OutboxError(.storage, path: staging, reason: "could not lock a new sender folder")
        }
        let folder = outbox.activeRoot + "/" + owner
        guard rename(staging, folder) == 0 else { throw Files.failure("publish the sender folder", folder) }
        Files.syncFolder(outbox.activeRoot)
        self.owner = owner
        self.folder = folder
        self.lock = lock
    }

    deinit {
        // Leave the folder for recovery if messages are still in it (a cancelled batch); else tidy it away.
        guard Files.messageIDs(in: folder).isEmpty else { return }
        for name in Files.names(in: folder) where name != ".lock" { Files.remove(folder + "/" + name) }
        Files.remove(folder + "/.lock")
        rmdir(folder)
    }

    func claim(_ due: [OutboxDue]) -> OutboxClaim { outbox.claim(due, into: self) }

    func settle(_ settlements: [OutboxSettlement]) -> OutboxSettleResult {
        outbox.commit(settlements, sending: [], from: self)
    }

    func commit(_ settlements: [OutboxSettlement], sending: [String]) -> OutboxSettleResult {
        outbox.commit(settlements, sending: sending, from: self)
    }
}

extension Outbox {
    // MARK: Choosing

    /// Messages due now: all of `queued/` and the deferred ones whose time has come, oldest first.
    /// A file whose name is not an outbox id is never taken. A deferred message whose metadata cannot be read is
    /// due too: the claim then puts it on hold with the reason, where an officer sees it (left in `deferred/`, it
    /// would wait there unseen for ever).
    /// - Throws: ``OutboxError`` `unsafeFile` when a folder of the layout is a symbolic link.
    package func due(at now: Date) throws(OutboxError) -> [OutboxDue] {
        try verifyLayout()
        var due = Files.messageIDs(in: folderPath(.queued)).filter(MessageIDs.isValid).map {
            OutboxDue(id: $0, state: .queued)
        }
        let deferred = folderPath(.deferred)
        for id in Files.messageIDs(in: deferred) where MessageIDs.isValid(id) {
            if (deferredDue(id) ?? .distantPast) <= now { due.append(OutboxDue(id: id, state: .deferred)) }
        }
        return due.sorted { $0.id < $1.id }
    }

    /// When a sender next has something to do: now if anything is queued, else the earliest `nextAttempt` in
    /// `deferred/` (now for a message whose metadata cannot be read); nil when nothing waits. Reads the sidecars of
    /// `deferred/` only.
    package func nextDue() -> Date? {
        let now = clock.now()
        if Files.messageIDs(in: folderPath(.queued)).contains(where: MessageIDs.isValid) { return now }
        let deferred = Files.messageIDs(in: folderPath(.deferred)).filter(MessageIDs.isValid)
        return deferred.map { deferredDue($0) ?? now }.min()
    }

    /// A deferred message's `nextAttempt`; nil when due now, or when its metadata cannot be read (logged: the
    /// claim puts it on hold).
    private func deferredDue(_ id: String) -> Date? {
        do {
            return try metadata(of: id, in: folderPath(.deferred))?.nextAttempt
        } catch {
            logger.warning(
                "outbox: a deferred message's metadata cannot be read; it is due now and will be held",
                metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
            return nil
        }
    }

    /// Takes a sender's own folder in `active/`, with its lock held for as long as the lease lives.
    package func openLease() throws(OutboxError) -> any OutboxLease { try ActiveLease(outbox: self) }

    /// Recovers the `active/` folders of senders that died, except `lease`'s; see the folder form below.
    package func recover(except lease: (any OutboxLease)?) -> [OutboxEvent] {
        recover(exceptFolder: (lease as? ActiveLease)?.folder)
    }

    // MARK: Claiming

    /// Claims messages for a sender by renaming each `.eml` into its `active/<owner>/` folder (whoever's rename
    /// succeeds owns it); returns the claimed messages and their bytes, the messages put on hold because they could
    /// not be read safely (a link, not a regular file, unsafe or unreadable metadata: like Postfix with a bad queue
    /// file, never sent), and what could not be recorded.
    ///
    /// Nothing is fsynced and no sidecar is written: a claim alone never lets a message be handed over. Their
    /// sidecars stay in `queued/` or `deferred/` until they are settled, so a claim lost in a crash (the rename
    /// not yet durable, or durable with no `.sending` marker) puts the message back where it waited.
    func claim(_ candidates: [OutboxDue], into lease: ActiveLease) -> OutboxClaim {
        var moved: [(String, String)] = []
        var claim = OutboxClaim()
        for candidate in candidates {
            let (id, state) = (candidate.id, candidate.state)
            let source = folderPath(state)
            do throws(OutboxError) {
                // `.missing` is a lost race (another sender or an officer took it first): not ours, nothing to do.
                if case .moved = try Files.move(source + "/\(id).eml", lease.folder + "/\(id).eml", id: id) {
                    moved.append((id, source))
                }
            } catch {
                // Not claimed, so still where it was: the next pass tries again; say why it was not taken now.
                logger.warning(
                    "outbox: could not claim a message; it stays queued",
                    metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
            }
        }
        let now = clock.now()
        for (id, source) in moved {
            let item: OutboxItem
            let data: Data
            do throws(OutboxError) {
                // The bytes first: a planted link or device is refused before anything else is believed.
                guard let read = try Files.read(lease.folder + "/\(id).eml") else { throw notFound(id) }
                guard let found = try metadata(of: id, in: source) else {
                    throw OutboxError(.corrupt, id: id, reason: "the message has no metadata file")
                }
                (item, data) = (found, read)
            } catch {
                // Unreadable or unsafe: put it on hold for an officer rather than guess; it is never sent.
                do throws(OutboxError) {
                    claim.held.append(try park(id: id, from: lease.folder, reason: "refused, not sent: \(error)"))
                } catch let parking {
                    claim.problems.append(
                        .init(
                            id: id, labels: [:], error: error, wasAccepted: false,
                            consequence: "it could not be put on hold either (\(parking.reason)); the next "
                                + "recovery holds it"))
                }
                continue
            }
            var active = item
            active.enter(.active, at: now, reason: nil)
            active.file = URL(fileURLWithPath: lease.folder + "/\(id).eml")
            claim.claimed.append(OutboxClaim.Claimed(item: active, data: data))
        }
        return claim
    }

    /// Moves a message that has no usable metadata to `hold/` with a minimal record; returns the move.
    /// - Throws: ``OutboxError`` when the move could not be made (the message then stays where it is, for the next
    ///   recovery).
    private func park(id: String, from folder: String, reason: String) throws(OutboxError) -> OutboxEvent {
        let now = clock.now()
        var item = OutboxItem(
            id: id, key: "", labels: [:], sender: "", recipient: "", messageID: nil, size: 0, created: now,
            queuedAt: now, state: .hold, nextAttempt: nil, attempts: [], lastReply: nil, history: [],
            archiveFile: nil, revision: 1_000_000)
        // Only to show the Message-ID and size: a message parked because it cannot be read safely is expected to
        // fail here too, and the reason it is parked is already in `reason`.
        if let data = try? Files.read(folder + "/\(id).eml") {
            item.messageID = HeaderScan.messageID(in: data)
            item.size = data.count
        }
        item.enter(.hold, at: now, reason: reason)
        // The caller owns `folder` (its own lease, or a dead sender's whose lock it holds): sidecar first.
        let hold = folderPath(.hold)
        try Files.writeAtomically(try encode(item), to: hold + "/\(id).json")
        Files.syncFolder(hold)
        guard case .moved = try Files.move(folder + "/\(id).eml", hold + "/\(id).eml", id: id) else {
            throw OutboxError(.storage, id: id, reason: "the message file vanished while it was being put on hold")
        }
        Files.syncFolder(hold)
        Files.remove(folder + "/\(id).json")
        item.file = URL(fileURLWithPath: hold + "/\(id).eml")
        return OutboxEvent(item, at: now)
    }

    // MARK: Settling

    /// One group commit for a sender (see ``OutboxLease/commit(_:sending:)``): settles claimed messages and marks
    /// others as being handed over, with one round of fsyncs for the whole group instead of one per message.
    ///
    /// The steps, and what a kill between them leaves (recovery reads the dead sender's folder):
    /// 1. each message of `sending` gets an empty `<id>.sending` marker beside its `.eml`; each settlement's
    ///    sidecar (with the outcome) is written in its destination folder, every file fsynced (in parallel);
    /// 2. the destination folders are fsynced: every outcome is durable before any `.eml` moves;
    /// 3. each settled `.eml` is renamed to its destination;
    /// 4. the destination folders and the sender's folder are fsynced, once each: the moves and the markers are
    ///    durable, and only now may the transport start a message of `sending`;
    /// 5. stale files are removed (markers of settled messages, their old sidecars in `queued/`/`deferred/`);
    ///    left by a crash they are harmless: recovery reads only what sits beside an `.eml`, newest revision first.
    ///
    /// Killed before 4, a marked message was never handed over yet it is held (the cost of one fsync per group);
    /// a settled message whose outcome is durable but whose `.eml` did not move is moved on by recovery; one whose
    /// outcome is not durable is held (marked) and never resent blindly. A message accepted by the server always
    /// had its marker durable first, so it is in `sent/` or on hold, never back in the queue.
    ///
    /// Returns the settlements fully made and a problem for each settlement or mark that was not. A message whose
    /// outcome could not be written stays in `active/`, marked, so the next recovery puts it on hold; one whose
    /// outcome was written but whose `.eml` could not be moved is moved on by the next recovery.
    func commit(_ settlements: [OutboxSettlement], sending: [String], from lease: ActiveLease) -> OutboxSettleResult {
        var problems: [OutboxSender.Problem] = []
        for id in sending {
            do throws(OutboxError) {
                guard Files.exists(lease.folder + "/\(id).eml") else {
                    throw OutboxError(.storage, id: id, reason: "the message is no longer claimed by this sender")
                }
                try markSending(lease.folder + "/\(id)" + Self.sendingSuffix, id: id)
            } catch {
                problems.append(
                    .init(
                        id: id, labels: [:], error: error, wasAccepted: false,
                        consequence: "it could not be recorded as being sent, so it was not sent"))
            }
        }
        var prepared: [OutboxSettlement] = []
        for var settlement in settlements {
            if settlement.item.state == .sent, settlement.item.archiveFile == nil {
                let sentAt = settlement.item.history.last?.at ?? clock.now()
                settlement.item.archiveFile = archiveName(for: settlement.item.id, at: sentAt)
            }
            settlement.item.file = URL(fileURLWithPath: emlPath(of: settlement.item))
            prepared.append(settlement)
        }
        let outcomes = Files.inParallel(prepared) { settlement throws(OutboxError) in
            let item = settlement.item
            guard Files.exists(lease.folder + "/\(item.id).eml") else {
                throw OutboxError(.storage, id: item.id, reason: "the message is no longer claimed by this sender")
            }
            try self.write(try self.encode(item), to: self.folderPath(item.state) + "/\(item.id).json", id: item.id)
        }
        var written: [OutboxSettlement] = []
        for (settlement, failure) in zip(prepared, outcomes) {
            let item = settlement.item
            guard let error = failure else {
                written.append(settlement)
                continue
            }
            problems.append(
                .init(
                    id: item.id, labels: item.labels, error: error, wasAccepted: item.state == .sent,
                    consequence: "its move to \(item.state.rawValue) could not be recorded; it stays in active/ "
                        + "and the next recovery puts it on hold (it is never sent again by itself)"))
        }
        Files.syncFolders(Set(written.map { folderPath($0.item.state) }))
        var emlFolders: Set<String> = [lease.folder]
        var settled: [OutboxSettlement] = []
        for settlement in written {
            let item = settlement.item
            let target = emlPath(of: item)
            do throws(OutboxError) {
                guard case .moved = try move(lease.folder + "/\(item.id).eml", target, id: item.id) else {
                    throw OutboxError(.storage, id: item.id, reason: "the message file left this sender's folder")
                }
                settled.append(settlement)
                emlFolders.insert((target as NSString).deletingLastPathComponent)
            } catch {
                problems.append(
                    .init(
                        id: item.id, labels: item.labels, error: error, wasAccepted: item.state == .sent,
                        consequence: "its outcome (\(item.state.rawValue)) was recorded but the message file could "
                            + "not be moved; the next recovery finishes the move"))
            }
        }
        Files.syncFolders(emlFolders)
        for settlement in settled {
            let item = settlement.item
            Files.remove(lease.folder + "/\(item.id)" + Self.sendingSuffix)
            Files.remove(lease.folder + "/\(item.id).json")  // a sidecar of the layout before markers
            removeWaitingSidecars(of: item.id, except: item.state)
        }
        return OutboxSettleResult(settled: settled, problems: problems)
    }

    /// The marker beside a claimed `.eml` that says it may have been handed to the server.
    static let sendingSuffix = ".sending"

    /// Creates the empty marker at `path` (its name, not its content, is the record; the folder's fsync makes it
    /// durable), unless a test injected a fault for it.
    private func markSending(_ path: String, id: String) throws(OutboxError) {
        if let code = faults.fail(.write, path) { throw Files.failure("write", path, id: id, code: code) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Files.failure("write", path, id: id) }
        close(descriptor)
    }

    /// Removes the sidecars a message had while it waited (in `queued/` and `deferred/`), except in `state`'s
    /// folder, where its new sidecar is.
    func removeWaitingSidecars(of id: String, except state: OutboxState) {
        for waiting in [OutboxState.queued, .deferred] where waiting != state {
            Files.remove(folderPath(waiting) + "/\(id).json")
        }
    }

    /// Where a settled message's `.eml` goes.
    func emlPath(of item: OutboxItem) -> String {
        if item.state == .sent, let file = item.archiveFile { return sentRoot + "/" + file }
        return folderPath(item.state) + "/\(item.id).eml"
    }

    /// A Maildir name in `cur/` with the seen flag: `<seconds>.<id>.<host>:2,S`.
    func archiveName(for id: String, at time: Date) -> String {
        "cur/\(Int(time.timeIntervalSince1970)).\(id).\(Files.hostName):2,S"
    }

    // MARK: Recovery

    static let interruptedReason = OutboxRules.interrupted

    /// Recovers the `active/<owner>/` folders of senders that died (their lock is free), except `ownFolder`,
    /// and finishes queueing of staged messages whose key was claimed. Returns what it moved.
    func recover(exceptFolder ownFolder: String?) -> [OutboxEvent] {
        // A folder of the layout replaced by a link would make recovery move or delete files elsewhere.
        do {
            try verifyLayout()
        } catch {
            logger.error("outbox: recovery refused", metadata: ["outbox.error": "\(error)"])
            return []
        }
        var events: [OutboxEvent] = []
        for name in activeOwners(includingHidden: true) {
            let folder = activeRoot + "/" + name
            if folder == ownFolder { continue }
            let lockPath = folder + "/.lock"
            var lock: FileLock?
            if Files.exists(lockPath) {
                do {
                    guard let taken = try FileLock.tryLock(lockPath, create: false) else { continue }  // alive
                    lock = taken
                } catch {
                    logger.warning(
                        "outbox: a sender folder's lock cannot be opened; left for the next recovery",
                        metadata: ["outbox.folder": "\(name)", "outbox.error": "\(error)"])
                    continue
                }
            } else if name.hasPrefix(".new-") {
                continue  // being made right now
            }
            var leftBehind = false
            for id in Files.messageIDs(in: folder) {
                do throws(OutboxError) {
                    if let event = try recoverMessage(id, in: folder) { events.append(event) }
                } catch {
                    leftBehind = true
                    logger.error(
                        "outbox: could not recover a message a stopped sender left; it stays for the next recovery",
                        metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
                }
            }
            if leftBehind { continue }  // keep the folder (and its messages) for the next recovery
            for leftover in Files.names(in: folder) where leftover != ".lock" { Files.remove(folder + "/" + leftover) }
            Files.remove(lockPath)
            rmdir(folder)
            _ = lock
        }
        recoverIncoming()
        removeStaleTemporaries()
        return events
    }

    /// Removes `.tmp-…` files (writes cut short by a crash) older than an hour from the shared folders.
    func removeStaleTemporaries() {
        let cutoff = clock.now().addingTimeInterval(-3600).timeIntervalSince1970
        let folders = Self.parked.map { folderPath($0) } + [folderPath(.sent), keysPath, incomingPath, purgedPath]
        for folder in folders {
            for name in Files.names(in: folder) where name.hasPrefix(".tmp-") {
                var info = stat()
                guard stat(folder + "/" + name, &info) == 0 else { continue }
                if Double(info.st_mtim.tv_sec) < cutoff { Files.remove(folder + "/" + name) }
            }
        }
    }

    /// One message found in a dead sender's folder; returns its move (nil when it only went back to the queue).
    /// - Throws: ``OutboxError`` when it could not be moved; it then stays, with its folder, for the next recovery.
    private func recoverMessage(_ id: String, in folder: String) throws(OutboxError) -> OutboxEvent? {
        let eml = folder + "/\(id).eml"
        let active: OutboxItem?
        do {
            active = try readItem(folder + "/\(id).json")
        } catch {
            // Unreadable: recovered as if it had none (back to the queue if its queued copy is found, else on hold).
            logger.warning(
                "outbox: a stopped sender's record of a message cannot be read",
                metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
            active = nil
        }
        let others = copies(of: id).filter { $0.state != .active }
        let waiting = others.filter { $0.state == .queued || $0.state == .deferred }
            .max(by: { $0.revision < $1.revision })
        // Possibly handed to the server: an `active` sidecar (the layout before markers) or a `.sending` marker,
        // whose record is then the sidecar it waited with (a settlement written after it has a higher revision).
        let marked = Files.kind(folder + "/\(id)" + Self.sendingSuffix) != nil
        if let handedOver = active ?? (marked ? waiting : nil) {
            // Was the outcome already written (the sender died between the sidecar and the rename)? Finish the move.
            let settled: Set<OutboxState> = [.sent, .deferred, .failed, .hold]
            if var done = others.filter({ settled.contains($0.state) && $0.revision > handedOver.revision })
                .max(by: { $0.revision < $1.revision })
            {
                try moveOwned(eml, to: emlPath(of: done), id: id)
                Files.syncFolder((emlPath(of: done) as NSString).deletingLastPathComponent)
                Files.remove(folder + "/\(id).json")
                removeWaitingSidecars(of: id, except: done.state)
                done.file = URL(fileURLWithPath: emlPath(of: done))
                return OutboxEvent(done, at: clock.now())
            }
            var item = handedOver
            item.nextAttempt = nil
            item.enter(.hold, at: clock.now(), reason: Self.interruptedReason)
            let event = try moveRecovered(item, from: folder)
            removeWaitingSidecars(of: id, except: .hold)
            return event
        }
        if marked {
            // Marked, but the sidecar it waited with is gone: held with what the `.eml` says.
            return try park(id: id, from: folder, reason: Self.interruptedReason + " (its metadata was lost)")
        }
        if let source = waiting {
            // Claimed but never handed to the transport (no marker, no active sidecar): put it back.
            let target = folderPath(source.state)
            try moveOwned(eml, to: target + "/\(id).eml", id: id)
            Files.syncFolder(target)
            return nil
        }
        return try park(id: id, from: folder, reason: Self.interruptedReason + " (its metadata was lost)")
    }

    /// Renames a file the caller owns (in a folder whose lock it holds): a vanished source is an error here.
    private func moveOwned(_ from: String, to: String, id: String) throws(OutboxError) {
        guard case .moved = try move(from, to, id: id) else {
            throw OutboxError(.storage, id: id, path: from, reason: "the message file vanished while it was moved")
        }
    }

    /// Moves a message out of a dead sender's folder. The recoverer holds that folder's lock, so it owns the
    /// message: the sidecar is written first, as when a sender settles (a crash here is finished next time).
    private func moveRecovered(_ item: OutboxItem, from folder: String) throws(OutboxError) -> OutboxEvent {
        let target = folderPath(item.state)
        try write(try encode(item), to: target + "/\(item.id).json", id: item.id)
        Files.syncFolder(target)
        try moveOwned(folder + "/\(item.id).eml", to: target + "/\(item.id).eml", id: item.id)
        Files.syncFolder(target)
        Files.remove(folder + "/\(item.id).json")
        var moved = item
        moved.file = URL(fileURLWithPath: target + "/\(item.id).eml")
        return OutboxEvent(moved, at: clock.now())
    }

    /// Staged messages in `incoming/`: published if their key names them (the claimer died before publishing),
    /// removed if their key names another message (they lost the race), left alone otherwise (still being queued,
    /// or an orphan of a process that died before claiming its key: removed after a day).
    func recoverIncoming() {
        let now = clock.now()
        for id in Set(
            Files.names(in: incomingPath).compactMap { name -> String? in
                guard !name.hasPrefix(".") else { return nil }
                if name.hasSuffix(".json") { return String(name.dropLast(5)) }
                if name.hasSuffix(".eml") { return String(name.dropLast(4)) }
                return nil
            })
        {
            let item: OutboxItem
            let owner: String?
            do throws(OutboxError) {
                var found = try readItem(incomingPath + "/\(id).json")
                if found == nil { found = try readItem(folderPath(.queued) + "/\(id).json") }
                if found == nil { found = try readItem(folderPath(.hold) + "/\(id).json") }
                // No sidecar: not yet written (still being queued), or already published.
                guard let found else { continue }
                item = found
                owner = try Files.read(try keyPath(for: item.key)).map {
                    String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                }
            } catch {
                logger.warning(
                    "outbox: a message being queued cannot be checked; left in incoming/",
                    metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
                continue
            }
            if owner == id {
                // A message queued held is finished into hold/, never queued/.
                let target = folderPath(publishState(of: id))
                do throws(OutboxError) {
                    // Either half may have been published already (`.missing`): that is the point of finishing it.
                    for suffix in [".json", ".eml"] {
                        _ = try Files.move(incomingPath + "/\(id)" + suffix, target + "/\(id)" + suffix)
                    }
                } catch {
                    logger.error(
                        "outbox: could not finish queueing a message; left in incoming/ for the next recovery",
                        metadata: ["outbox.id": "\(id)", "outbox.error": "\(error)"])
                }
                Files.syncFolder(target)
            } else if owner != nil || now.timeIntervalSince(item.created) > 86_400 {
                Files.remove(incomingPath + "/\(id).eml")
                Files.remove(incomingPath + "/\(id).json")
            }
        }
    }
}
