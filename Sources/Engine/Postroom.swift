import Casework
public import Foundation
import Synchronization
public import Letters
import Mail
public import Outbox
public import Logging
import WorkingDays
import Primitives

/// Where a workspace's letters become queued messages and queued messages become sent mail.
///
/// It joins the casebook, the letter desk and the outbox: queueing records the letter in the case history;
/// every move of a message is recorded there too, and a message that fails or goes on hold flags its case
/// and sends its officer an alert (never an alert about an alert).
///
/// Alerts to one officer are coalesced (``OfficerAlerts``): at most one alert per officer per ``alertWindow``,
/// listing every problem since the last one.
public struct Postroom: Sendable {
    public let casebook: Casebook
    public let letters: LetterDesk
    /// Where queued messages wait, are sent and are archived: the casebook's store unless one was given.
    public let outbox: any OutboxStore
    let logger: Logger
    /// Problems waiting to be told to their officers.
    let alerts: OfficerAlerts

    /// The file transport's folder in `Outbox/`: where mail goes when `mail.transport` is `file`.
    public static let localDeliveryFolder = "local"
    /// The print queue in `Outbox/`: PDF letters for complainants who are written to by post.
    public static let printFolder = "print"

    /// The shortest time between two alerts to one officer: 15 minutes. The first problem is told at once; those
    /// that follow within the window wait for its end and go in one alert.
    public static let defaultAlertWindow: TimeInterval = 15 * 60

    /// - Parameters:
    ///   - outbox: the outbox store; by default the casebook's (the workspace's `Outbox/` folder, logging to `logger`).
    ///   - logger: where the postroom, the outbox, its senders and the SMTP transport log.
    ///   - alertWindow: the shortest time between two alerts to one officer, in seconds.
    public init(
        casebook: Casebook, outbox: (any OutboxStore)? = nil, logger: Logger = Logger(label: "pals"),
        alertWindow: TimeInterval = Self.defaultAlertWindow
    ) throws {
        self.casebook = casebook
        letters = try LetterDesk(casebook: casebook)
        self.outbox = try outbox ?? casebook.outbox(logger: logger)
        self.logger = logger
        alerts = OfficerAlerts(window: alertWindow)
    }

    var configuration: WorkspaceConfiguration { casebook.workspace.configuration }
    var register: any CaseStore { casebook.register }

    // MARK: Queueing letters

    /// What queueing a letter did.
    public enum Queued: Sendable {
        /// An email was queued (or had been queued before under the same key).
        case email(OutboxItem, isNew: Bool)
        /// A PDF was put in the print queue for posting.
        case print(URL, isNew: Bool)
    }

    /// Queues a letter for a case: by email when the complainant prefers email, else as a PDF in the print
    /// queue with the officer told. The key makes it happen once; the case history records it.
    @discardableResult
    public func queue(_ letter: PreparedLetter, key: String) throws -> Queued {
        let now = casebook.clock.now()
        switch letter.delivery {
        case .email:
            let composed = try letters.compose(letter, date: now)
            let caseId = try register.get(letter.reference).caseId
            let labels = MessageLabels(
                reference: letter.reference, caseId: caseId, kind: letter.kind.rawValue, subject: letter.merged.subject)
            let results = try composed.outgoing().map { message in
                try outbox.queue(message: message, key: key, labels: labels.dictionary)
            }
            let result = results[0]
            if result.isNew {
                try register.apply(letter.reference, now: now) { lifecycle in
                    lifecycle.record(.queuedByEmail(messageID: result.item.id), kind: letter.kind.rawValue, at: now)
                }
                logger.info("letter queued", metadata: ["case": "\(letter.reference)", "kind": "\(letter.kind)", "message": "\(result.item.id)"])
            }
            return .email(result.item, isNew: result.isNew)
        case .post:
            let printFolder = casebook.workspace.outboxURL.appending(path: Self.printFolder)
            try PrivateFiles.makeFolder(printFolder)
            try PrivateFiles.checkRealFolder(printFolder.path)  // a link planted here would put letters elsewhere
            let file = printFile(key: key, reference: letter.reference, kind: letter.kind)
            let isNew = !FileManager.default.fileExists(atPath: file.path)
            if isNew {
                try PrivateFiles.write(try letter.pdf(), to: file)
                try register.apply(letter.reference, now: now) { lifecycle in
                    lifecycle.record(.printed(file: file.lastPathComponent), kind: letter.kind.rawValue, at: now)
                }
                logger.info("letter placed in the print queue", metadata: ["case": "\(letter.reference)", "kind": "\(letter.kind)"])
            }
            // Also when the file was there: a retry after a failed alert must still tell the officer (the key
            // makes it once).
            try alertOfficer(
                reference: letter.reference, key: "print/\(key)",
                subject: "Letter to post: \(letter.reference)",
                body: "A \(letter.kind.rawValue) letter for case \(letter.reference) is waiting in the print queue:\n\n  \(file.path)\n\nPlease print it and post it today.")
            return .print(file, isNew: isNew)
        }
    }

    /// A letter's file in the print queue: named by the reference, the kind and the key, never by a person.
    func printFile(key: String, reference: String, kind: LetterKind) -> URL {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        return casebook.workspace.outboxURL.appending(path: "\(Self.printFolder)/\(reference)-\(kind.rawValue)-\(safe).pdf")
    }

    /// Queues a letter an officer writes (`pals letter`): a holding letter moves the agreed response date, a
    /// resolution marks the case responded. Running the same command twice on one day queues it once.
    @discardableResult
    public func sendLetter(_ kind: LetterKind, reference: String, inputs: [String: String]) throws -> Queued {
        let record = try register.get(reference)
        let fingerprint = inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        let key = "letter/\(reference)/\(record.caseId)/\(kind.rawValue)/\(casebook.clock.today().iso)/\(Self.hash(fingerprint))"
        if let existing = try outbox.item(forKey: key) { return .email(existing, isNew: false) }
        let printed = printFile(key: key, reference: reference, kind: kind)
        if FileManager.default.fileExists(atPath: printed.path) { return .print(printed, isNew: false) }
        let letter = try letters.prepare(kind, reference: reference, inputs: inputs)
        let result = try queue(letter, key: key)
        sendAlerts(force: true)  // a one-shot command: the print request cannot wait for a sender pass
        let isNew: Bool
        switch result {
        case .email(_, let new), .print(_, let new): isNew = new
        }
        guard isNew else { return result }
        let now = casebook.clock.now()
        try register.apply(reference, now: now) { lifecycle in
            if let holding = letter.holding {
                try lifecycle.extend(to: holding.newDate, reason: holding.reason, at: now)
            } else if kind == .acknowledgement {
                try lifecycle.acknowledge(.byOfficerLetter, at: now)
            } else if kind == .resolution {
                try lifecycle.respond(at: now)
            }
        }
        return result
    }

    /// A short stable hash (FNV-1a, hex) of a text; the keys it is part of must never change.
    public static func hash(_ text: String) -> String { StableHash(text).hex }

}
