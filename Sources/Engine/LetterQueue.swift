package import Casework
package import Foundation
package import Letters
import Logging
import Mail
package import Outbox
import Primitives

/// Queues letters to complainants: by email when the complainant prefers it, else as a PDF in the print queue
/// with the officer told; every letter queued once per key and recorded in the case history.
package struct LetterQueue: Sendable {
    let casebook: Casebook
    let letters: LetterDesk
    let outbox: any OutboxStore
    let logger: Logger
    /// Where a print request goes to the officer.
    let staff: StaffMail

    init(casebook: Casebook, letters: LetterDesk, outbox: any OutboxStore, logger: Logger, staff: StaffMail) {
        self.casebook = casebook
        self.letters = letters
        self.outbox = outbox
        self.logger = logger
        self.staff = staff
    }

    var register: any CaseStore { casebook.register }

    /// What queueing a letter did.
    package enum Queued: Sendable {
        /// An email was queued (or had been queued before under the same key).
        case email(OutboxItem, isNew: Bool)
        /// A PDF was put in the print queue for posting.
        case print(URL, isNew: Bool)
    }

    /// Queues a letter for a case: by email when the complainant prefers email, else as a PDF in the print
    /// queue with the officer told. The key makes it happen once; the case history records it. A held letter
    /// carries `effect` (what it does to the case) until it is released and delivered or recorded as sent.
    @discardableResult
    package func queue(_ letter: PreparedLetter, key: String, effect: HeldLetterEffect? = nil) throws -> Queued {
        let now = casebook.clock.now()
        switch letter.delivery {
        case .email:
            let composed = try letters.compose(letter, date: now)
            let caseId = try register.get(letter.reference).caseId
            var labels = MessageLabels(
                reference: letter.reference, caseId: caseId, kind: letter.kind.rawValue, subject: letter.merged.subject)
            if letter.isHeld { labels.effect = effect?.label }
            // A held letter is queued already held, in one step: a crash can never leave it queued to be sent.
            let results = try composed.outgoing().map { message in
                try outbox.queue(message: message, key: key, labels: labels.dictionary, heldReason: letter.heldReason)
            }
            let result = results[0]
            if result.isNew {
                try register.apply(letter.reference, now: now) { lifecycle in
                    lifecycle.record(.queuedByEmail(messageID: result.item.id), kind: letter.kind.rawValue, at: now)
                    Self.recordHold(of: letter, as: result.item.id, in: &lifecycle, at: now)
                }
                logger.info(
                    "letter queued",
                    metadata: [
                        "case": "\(letter.reference)", "kind": "\(letter.kind)", "message": "\(result.item.id)",
                    ])
            }
            try alertHold(
                of: letter, key: key,
                next: "It is outbox message \(result.item.id): release it to send it, or cancel it.")
            return .email(result.item, isNew: result.isNew)
        case .post where letter.isHeld:
            return try holdPrint(letter, key: key, effect: effect)
        case .post:
            let printFolder = casebook.workspace.outboxURL.appending(path: Postroom.printFolder)
            try PrivateFiles.makeFolder(printFolder)
            try PrivateFiles.checkRealFolder(printFolder.path)  // a link planted here would put letters elsewhere
            let file = printFile(key: key, reference: letter.reference, kind: letter.kind)
            let isNew = !FileManager.default.fileExists(atPath: file.path)
            let enclosureFiles = letter.enclosures.map {
                (enclosure: $0, file: printFile(key: key, reference: letter.reference, kind: $0.kind))
            }
            if isNew {
                // The enclosures first: a letter in the print queue always has what it says is enclosed beside it.
                for (enclosure, file) in enclosureFiles {
                    try PrivateFiles.write(try letter.pdf(of: enclosure), to: file)
                }
                try PrivateFiles.write(try letter.pdf(), to: file)
                try register.apply(letter.reference, now: now) { lifecycle in
                    lifecycle.record(.printed(file: file.lastPathComponent), kind: letter.kind.rawValue, at: now)
                }
                logger.info(
                    "letter placed in the print queue",
                    metadata: ["case": "\(letter.reference)", "kind": "\(letter.kind)"])
            }
            let enclosed = enclosureFiles.map {
                "\nand the enclosed \($0.enclosure.kind.rawValue), to go in the same envelope:\n\n  \($0.file.path)\n"
            }.joined()
            // Also when the file was there: a retry after a failed alert must still tell the officer (the key
            // makes it once).
            try staff.alertOfficer(
                reference: letter.reference, key: "print/\(key)",
                subject: "Letter to post: \(letter.reference)",
                body: """
                    A \(letter.kind.rawValue) letter for case \(letter.reference) is waiting in the print queue:

                      \(file.path)
                    \(enclosed)
                    Please print it and post it today.
                    """)
            return .print(file, isNew: isNew)
        }
    }

    /// What an officer's letter does to its case once it reaches the complainant, or nil for a letter that
    /// changes no state (a withdrawn letter records the complainant's decision, sent or not).
    static func effect(of letter: PreparedLetter) -> HeldLetterEffect? {
        let kind = letter.kind
        if let holding = letter.holding {
            let notice = kind == .lateResponse ? "a late-response letter" : "a holding letter"
            return .extend(newDate: holding.newDate, reason: holding.reason, notice: notice)
        }
        if kind == .acknowledgement { return .acknowledge(automaticStage: nil) }
        if kind == .resolution || kind == .concernResolution || kind == .redressResponse { return .respond }
        return nil
    }

    /// A letter's file in the print queue: named by the reference, the kind and the key, never by a person.
    func printFile(key: String, reference: String, kind: LetterKind) -> URL {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        let name = "\(reference)-\(kind.rawValue)-\(safe).pdf"
        return casebook.workspace.outboxURL.appending(path: "\(Postroom.printFolder)/\(name)")
    }

    /// Queues a letter an officer writes (`pals letter`): a holding letter moves the agreed response date, a
    /// resolution (or a concern resolution) marks the case responded, a withdrawn letter marks an open case
    /// withdrawn. Running the same command twice on one day queues it once.
    @discardableResult
    package func sendLetter(_ kind: LetterKind, reference: String, inputs: [String: String]) throws -> Queued {
        let record = try register.get(reference)
        let fingerprint = inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        let day = casebook.clock.today().iso
        let key = "letter/\(reference)/\(record.caseId)/\(kind.rawValue)/\(day)/\(Postroom.hash(fingerprint))"
        if let existing = try outbox.item(forKey: key) { return .email(existing, isNew: false) }
        let printed = printFile(key: key, reference: reference, kind: kind)
        if FileManager.default.fileExists(atPath: printed.path) { return .print(printed, isNew: false) }
        let heldPrint = heldPrintFile(key: key, reference: reference, kind: kind)
        if FileManager.default.fileExists(atPath: heldPrint.path) { return .print(heldPrint, isNew: false) }
        let letter = try letters.prepare(kind, reference: reference, inputs: inputs)
        let effect = Self.effect(of: letter)
        let result = try queue(letter, key: key, effect: effect)
        staff.sendAlerts(force: true)  // a one-shot command: the print request cannot wait for a sender pass
        let isNew: Bool
        switch result {
        case .email(_, let new), .print(_, let new): isNew = new
        }
        guard isNew else { return result }
        let now = casebook.clock.now()
        try register.apply(reference, now: now) { lifecycle in
            // A held letter has reached no one: it changes the case when it is delivered (``HeldLetterEffect``).
            if let effect, !letter.isHeld {
                switch effect {
                case .extend(let newDate, let reason, let notice):
                    try lifecycle.extend(to: newDate, reason: reason, at: now, notice: notice)
                case .acknowledge: try lifecycle.acknowledge(.byOfficerLetter, at: now)
                case .respond: try lifecycle.respond(at: now)
                }
            } else if kind == .withdrawn, lifecycle.allows(.withdraw) {
                try lifecycle.withdraw(at: now)
            }
        }
        return result
    }
}
