package import Casework
package import Foundation
package import Logging
package import Mail
package import Primitives

/// Turns pending inbound messages into what they are (a new complaint, a reply on a case, a bounce…) and marks
/// each one it has handled with ``InboundLedger/markProcessed(id:outcome:at:)``.
///
/// A message it cannot handle now stays pending and is offered again at the next poll.
package protocol InboundProcessor: Sendable {
    /// Handles `messages` (oldest first); returns how many it marked processed.
    func process(_ messages: [InboundMessage], ledger: InboundLedger, logger: Logger) -> Int
}

/// The processor used until the mailbox rules exist: it leaves every message pending.
package struct LeavePendingProcessor: InboundProcessor {
    package init() {}
    package func process(_ messages: [InboundMessage], ledger: InboundLedger, logger: Logger) -> Int { 0 }
}

extension Casebook {
    /// The processor of inbound mail for this workspace (`pals intake poll` and the daemon use it).
    package func inboundProcessor(logger: Logger) -> any InboundProcessor { MailboxIntakeProcessor(casebook: self) }
}

/// What one poll of the mailbox did.
package struct MailboxPollReport: Sendable, Hashable {
    /// Messages recorded in the ledger by this poll.
    package var taken = 0
    /// Messages the ledger already held (seen again after a UIDVALIDITY change, or taken by another poller).
    package var duplicates = 0
    /// Messages marked read or moved on the server.
    package var settled = 0
    /// Messages that left the folder between the listing and the download.
    package var gone = 0
    /// Messages over the size limit, taken as a stand-in from their header (the whole stays in the mailbox).
    package var oversize = 0
    /// Pending messages the processor handled.
    package var processed = 0
    /// Messages still pending after the poll.
    package var pending = 0
    /// Whether the folder's UIDVALIDITY changed since the last poll (every message in it was looked at again).
    package var uidValidityChanged = false

    package init() {}
}

/// Polls the team mailbox once: takes new messages into the inbound ledger, exactly once, then hands the pending
/// ones to the processor.
///
/// The order of each message's steps is invariant 14: fetched; kept as a 0600 file and fsynced; its row committed;
/// only then marked read or moved on the server. A crash between any two steps loses nothing and takes nothing
/// twice: UIDs at or below the folder's highest recorded UID are never fetched again, rows not yet settled on the
/// server are settled at the next poll, and after a UIDVALIDITY change a message the ledger holds is recognised by
/// its Message-ID (or its bytes).
///
/// Every call blocks (libcurl, SQLite, fsync): ``poll()`` runs it on a thread of its own.
package final class MailboxPoller: Sendable {
    package let configuration: IMAPConfiguration
    package let ledger: InboundLedger
    let processor: any InboundProcessor
    let clock: WallClock
    let logger: Logger
    /// How many recorded messages are settled on the server in one command.
    let settleBatch: Int
    /// How many messages one IMAP session downloads before the next poll chunk opens a fresh one.
    let sessionChunk = 200

    package init(
        configuration: IMAPConfiguration, ledger: InboundLedger,
        processor: any InboundProcessor = LeavePendingProcessor(),
        clock: WallClock = .system, logger: Logger, settleBatch: Int = 25
    ) {
        self.configuration = configuration
        self.ledger = ledger
        self.processor = processor
        self.clock = clock
        self.logger = logger
        self.settleBatch = max(1, settleBatch)
    }

    /// One poll, off the cooperative pool.
    package func poll() async throws -> MailboxPollReport {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "pals.mailbox.poll").async {
                continuation.resume(with: Result { try self.pass() })
            }
        }
    }

    /// One poll on the calling thread (it blocks): fetch what is new, record it, settle it, then process.
    /// - Throws: ``MailError`` when the mailbox cannot be read, ``InboundError`` when the ledger cannot be
    ///   written; what was recorded before the failure stays recorded.
    package func pass() throws -> MailboxPollReport {
        var report = MailboxPollReport()
        try ledger.checkInboxFolder()
        var session = try IMAPSession(configuration: configuration)
        let mailbox = session.mailboxName
        let folder = configuration.folder
        if let processedFolder = configuration.processedFolder {
            if try !Self.folderExists(processedFolder, session: session) {
                try session.createFolder(processedFolder)
                logger.notice("mailbox: made the processed folder")
            }
        }
        let status = try session.status(folder)
        let known = try ledger.folderState(mailbox: mailbox, folder: folder)
        if known?.uidValidity != status.uidValidity {
            if known != nil {
                report.uidValidityChanged = true
                logger.warning(
                    """
                    mailbox: the folder's UIDVALIDITY changed; every message in it is looked at again, and those \
                    already taken are recognised by Message-ID
                    """,
                    metadata: ["imap.uidvalidity": "\(status.uidValidity)"])
                try ledger.abandonUnsettled(
                    mailbox: mailbox, folder: folder, except: status.uidValidity, at: clock.now())
            }
            try ledger.startFolder(mailbox: mailbox, folder: folder, uidValidity: status.uidValidity)
        }
        let validity = status.uidValidity
        // Rows a crash left between their commit and the server: settled first.
        var batch = SettleBatch()
        batch.toSettle = try ledger.unsettled(mailbox: mailbox, folder: folder, uidValidity: validity)
        try flush(&batch, session: session, mailbox: mailbox, validity: validity, report: &report)

        let highest = try ledger.folderState(mailbox: mailbox, folder: folder)?.highestUID ?? 0
        let first = highest == UInt32.max ? highest : highest + 1
        let uids = try session.uids(in: folder, from: first)
        // libcurl caps what one connection reads as command replies (300 KB): a fresh session every chunk.
        var start = 0
        while start < uids.count {
            let chunk = uids[start..<min(start + sessionChunk, uids.count)]
            if start > 0 {
                try flush(&batch, session: session, mailbox: mailbox, validity: validity, report: &report)
                session = try IMAPSession(configuration: configuration)
            }
            start += sessionChunk
            // libcurl also refuses a long multi-line command reply (it counts it as headers): ten UIDs a FETCH.
            var info: [UInt32: IMAPMessageInfo] = [:]
            var next = chunk.startIndex
            while next < chunk.endIndex {
                let part = chunk[next..<min(next + 10, chunk.endIndex)]
                info.merge(try session.messageInfo(in: folder, from: part.first!, through: part.last!)) { $1 }
                next += 10
            }
            for uid in chunk {
                guard
                    let raw = try download(
                        uid, size: info[uid]?.size, folder: folder, validity: validity, session: session,
                        report: &report)
                else {
                    report.gone += 1
                    batch.passedOver.append(uid)
                    continue
                }
                let fetched = FetchedInbound(
                    mailbox: mailbox, folder: folder, uidValidity: validity, uid: uid,
                    messageID: InboundMessageID.messageID(in: raw), internalDate: info[uid]?.internalDate, raw: raw)
                let recording: InboundRecording
                do {
                    recording = try ledger.record(fetched, fetchedAt: clock.now())
                } catch {
                    // The download marked it read; not recorded, it must stay as it was (best effort: the error wins).
                    if info[uid]?.seen == false { try? session.markUnseen(in: folder, uids: [uid]) }
                    throw error
                }
                switch recording {
                case .recorded(let message):
                    report.taken += 1
                    logger.info(
                        "mailbox: message taken", metadata: ["inbound.id": "\(message.id)", "imap.uid": "\(uid)"])
                    batch.toSettle.append(uid)
                case .duplicate(let id):
                    report.duplicates += 1
                    logger.info(
                        "mailbox: message already in the ledger, not taken again",
                        metadata: ["inbound.id": "\(id)", "imap.uid": "\(uid)"])
                    batch.toSettle.append(uid)
                    batch.passedOver.append(uid)
                }
                if batch.toSettle.count >= settleBatch {
                    try flush(&batch, session: session, mailbox: mailbox, validity: validity, report: &report)
                }
            }
        }
        try flush(&batch, session: session, mailbox: mailbox, validity: validity, report: &report)

        let pending = try ledger.pendingInbound()
        if !pending.isEmpty { report.processed = processor.process(pending, ledger: ledger, logger: logger) }
        report.pending = try ledger.pendingInbound().count
        if report.taken + report.duplicates + report.processed > 0 || report.uidValidityChanged {
            logger.notice(
                "mailbox polled",
                metadata: [
                    "taken": "\(report.taken)", "duplicates": "\(report.duplicates)",
                    "processed": "\(report.processed)", "pending": "\(report.pending)",
                ])
        }
        return report
    }

    /// Whether the folder exists (STATUS answers).
    private static func folderExists(_ folder: String, session: IMAPSession) throws(MailError) -> Bool {
        do {
            _ = try session.status(folder)
            return true
        } catch {
            if error.code == .mailboxFolderMissing { return false }
            throw error
        }
    }

    /// The message, its ``OversizeInbound`` stand-in when it is over the size limit, or nil when it left the
    /// folder between the listing and the download.
    private func download(
        _ uid: UInt32, size: Int?, folder: String, validity: UInt32, session: IMAPSession,
        report: inout MailboxPollReport
    ) throws(MailError) -> Data? {
        let limit = configuration.maximumMessageBytes
        do {
            if let size, size > limit {
                return try standIn(
                    uid, size: size, folder: folder, validity: validity, session: session, report: &report)
            }
            do {
                return try session.fetch(folder: folder, uidValidity: validity, uid: uid)
            } catch  where error.code == .messageTooLarge {
                // The server's size was missing or wrong: the download itself stopped at the limit.
                return try standIn(
                    uid, size: nil, folder: folder, validity: validity, session: session, report: &report)
            }
        } catch {
            if error.code == .messageGone { return nil }
            throw error
        }
    }

    /// Fetches only the header of a message over the size limit and wraps it in its stand-in.
    private func standIn(
        _ uid: UInt32, size: Int?, folder: String, validity: UInt32, session: IMAPSession,
        report: inout MailboxPollReport
    ) throws(MailError) -> Data {
        let header = try session.fetch(folder: folder, uidValidity: validity, uid: uid, headerOnly: true)
        report.oversize += 1
        logger.warning(
            "mailbox: a message over the size limit was taken from its header only; the whole of it stays in the mailbox",
            metadata: ["imap.uid": "\(uid)", "imap.size": "\(size.map(String.init) ?? "unknown")"])
        return OversizeInbound.standIn(
            header: header, size: size, limit: configuration.maximumMessageBytes,
            folder: configuration.processedFolder ?? folder)
    }

    /// Messages recorded (or found already recorded) and not yet marked or moved on the server.
    private struct SettleBatch {
        var toSettle: [UInt32] = []
        /// UIDs done with that have no row of their own (duplicates, messages gone).
        var passedOver: [UInt32] = []
    }

    /// Settles the batch on the server, then moves the folder's highest UID past the UIDs without a row: a
    /// duplicate is passed over only once it is settled, so a crash before leaves it to be seen again.
    private func flush(
        _ batch: inout SettleBatch, session: IMAPSession, mailbox: String, validity: UInt32,
        report: inout MailboxPollReport
    ) throws {
        try settle(session, uids: batch.toSettle, mailbox: mailbox, validity: validity, report: &report)
        if let last = batch.passedOver.max() {
            try ledger.passOver(mailbox: mailbox, folder: configuration.folder, uidValidity: validity, uid: last)
        }
        batch = SettleBatch()
    }

    /// Marks the messages read, or moves them to the processed folder, then notes it in the ledger.
    private func settle(
        _ session: IMAPSession, uids: [UInt32], mailbox: String, validity: UInt32, report: inout MailboxPollReport
    ) throws {
        guard !uids.isEmpty else { return }
        if let processedFolder = configuration.processedFolder {
            try session.move(in: configuration.folder, uids: uids, to: processedFolder)
        } else {
            try session.markSeen(in: configuration.folder, uids: uids)
        }
        try ledger.markSettled(
            mailbox: mailbox, folder: configuration.folder, uidValidity: validity, uids: uids, at: clock.now())
        report.settled += uids.count
    }
}
