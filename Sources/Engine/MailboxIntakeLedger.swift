package import Casework
package import Foundation
package import Logging
import Mail
import Primitives

/// The mailbox rules as the IMAP poller's processor: each pending ledger row is read from its kept file,
/// parsed (``ReceivedMailParser``), its attachments kept beside it (0600), and given to ``MailboxIntake``; the
/// row is then marked processed with its outcome.
///
/// - Note: the case change and the row's mark are two transactions of the one register; every step is keyed by
///   the row (see ``MailboxIntake``), so a crash between them repeats nothing when the row is offered again.
package struct MailboxIntakeProcessor: InboundProcessor {
    let casebook: Casebook

    package init(casebook: Casebook) {
        self.casebook = casebook
    }

    package func process(_ messages: [InboundMessage], ledger: InboundLedger, logger: Logger) -> Int {
        let postroom: Postroom
        do {
            postroom = try Postroom(casebook: casebook, logger: logger)
        } catch {
            logger.error("mailbox messages left pending: letters cannot be loaded", metadata: ["error": "\(error)"])
            return 0
        }
        let rows = LedgerRows(
            rows: messages, ledger: ledger, root: casebook.workspace.root, clock: casebook.clock,
            logger: logger)
        return MailboxIntake(postroom: postroom, logger: logger).pass(rows).count
    }
}

/// Pending ledger rows as ``MailboxRows``: parsed on reading; a row that cannot be read stays pending (logged by
/// its id) and the others go on.
struct LedgerRows: MailboxRows {
    let rows: [InboundMessage]
    let ledger: InboundLedger
    let root: URL
    let clock: WallClock
    let logger: Logger

    func pendingMessages() throws -> [MailboxMessage] {
        rows.compactMap { row in
            do {
                return try message(of: row)
            } catch {
                logger.error(
                    "mailbox message cannot be read; it stays pending",
                    metadata: ["inbound": "\(row.id)", "error": "\(error)"])
                return nil
            }
        }
    }

    func markProcessed(id: String, outcome: MailboxOutcome) throws {
        guard let number = Int64(id) else { return }
        try ledger.markProcessed(id: number, outcome: outcome.storedText, at: clock.now())
    }

    /// The path of a file under the workspace, relative to it.
    func relative(_ url: URL) -> String {
        let rootPath = root.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(rootPath + "/") ? String(path.dropFirst(rootPath.count + 1)) : url.lastPathComponent
    }

    func message(of row: InboundMessage) throws -> MailboxMessage {
        let mail = try ReceivedMailParser.parse([UInt8](try row.rawBytes()))
        // Attachments are kept beside the raw message, named by their position only (never the sender's name).
        let folder = row.rawFile.deletingPathExtension().appendingPathExtension("attachments")
        var attachments: [MailboxAttachment] = []
        if !mail.attachments.isEmpty { try PrivateFiles.makeFolder(folder) }
        for (index, attachment) in mail.attachments.enumerated() {
            let file = folder.appending(path: "\(index + 1).bin")
            if !FileManager.default.fileExists(atPath: file.path) {
                try PrivateFiles.write(Data(attachment.data), to: file)
            }
            attachments.append(
                MailboxAttachment(
                    filename: attachment.filename ?? "", size: attachment.data.count, keptPath: relative(file)))
        }
        return MailboxMessage(
            ledgerID: String(row.id), arrivedAt: row.arrivedAt, keptPath: relative(row.rawFile),
            fromName: mail.from?.name, fromAddress: mail.from?.address, subject: mail.subject,
            messageID: mail.messageID.map(Self.bracketed), inReplyTo: mail.inReplyTo.map(Self.bracketed),
            references: mail.references.map(Self.bracketed), headers: mail.headers.fields, text: mail.text,
            attachments: attachments,
            deliveryReport: mail.deliveryReport.map { report in
                let failed = report.recipients.first { $0.isPermanentFailure } ?? report.recipients.first
                return MailboxDeliveryReport(
                    originalMessageID: report.originalMessageID.map(Self.bracketed),
                    action: failed?.action, status: failed?.status, diagnostic: failed?.diagnostic)
            })
    }

    /// A message id with its angle brackets, as pals writes and stores them.
    static func bracketed(_ id: String) -> String {
        id.hasPrefix("<") ? id : "<\(id)>"
    }
}
