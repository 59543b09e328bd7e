import Casework
package import Foundation
import Letters
import Logging
import Primitives

extension LetterQueue {
    /// The folder of held postal letters, inside the print folder but not in the print queue: `print/held/`.
    package static let heldPrintFolder = "held"

    /// Whether a file the queue returned is a held postal letter rather than one in the print queue.
    package static func isHeldPrint(_ file: URL) -> Bool {
        file.deletingLastPathComponent().lastPathComponent == heldPrintFolder
    }

    /// A held postal letter's file: named like its print-queue file, in `print/held/`.
    func heldPrintFile(key: String, reference: String, kind: LetterKind) -> URL {
        let file = printFile(key: key, reference: reference, kind: kind)
        return file.deletingLastPathComponent().appending(path: "\(Self.heldPrintFolder)/\(file.lastPathComponent)")
    }

    /// The note beside a held print file saying what the letter does to its case once it is posted.
    static func effectNote(of heldFile: URL) -> URL {
        heldFile.deletingPathExtension().appendingPathExtension("effect.json")
    }

    /// Records on the case that a letter was queued held: a `letter-held` event with the reasons, and the
    /// attention flag naming the kind and the reasons. Nothing for a letter that is not held.
    static func recordHold(of letter: PreparedLetter, as id: String, in lifecycle: inout CaseLifecycle, at now: Date) {
        guard let reason = letter.heldReason else { return }
        let kind = letter.kind.rawValue
        lifecycle.record(.held(messageID: id, reason: reason), kind: kind, at: now)
        lifecycle.flag(.letterHeld(kind: kind, messageID: id, reason: reason), at: now)
    }

    /// Tells the case's officer that a letter is held, why, and what to do (`next`); once per letter (the key).
    func alertHold(of letter: PreparedLetter, key: String, next: String) throws {
        guard letter.isHeld else { return }
        let reasons = letter.holdReasons.map { "  - \($0)\n" }.joined()
        try staff.alertOfficer(
            reference: letter.reference, key: "held/\(key)",
            subject: "Letter held: \(letter.reference)",
            body: """
                A \(letter.kind.rawValue) letter for case \(letter.reference) is held and has not been sent:

                \(reasons)
                \(next)
                Nothing is sent until you release it.
                """)
        logger.notice(
            "letter held",
            metadata: ["case": "\(letter.reference)", "kind": "\(letter.kind)", "reason": "\(letter.heldReason ?? "")"])
    }

    /// Puts a held postal letter (and its enclosures) in `print/held/`, never in the print queue, records the hold on
    /// the case and alerts the officer.
    func holdPrint(_ letter: PreparedLetter, key: String, effect: HeldLetterEffect? = nil) throws -> Queued {
        let now = casebook.clock.now()
        let printFolder = casebook.workspace.outboxURL.appending(path: Postroom.printFolder)
        let heldFolder = printFolder.appending(path: Self.heldPrintFolder)
        try PrivateFiles.makeFolder(printFolder)
        try PrivateFiles.checkRealFolder(printFolder.path)
        try PrivateFiles.makeFolder(heldFolder)
        try PrivateFiles.checkRealFolder(heldFolder.path)  // a link planted here would put letters elsewhere
        let file = heldPrintFile(key: key, reference: letter.reference, kind: letter.kind)
        let isNew = !FileManager.default.fileExists(atPath: file.path)
        if isNew {
            for enclosure in letter.enclosures {
                let enclosed = heldPrintFile(key: key, reference: letter.reference, kind: enclosure.kind)
                try PrivateFiles.write(try letter.pdf(of: enclosure), to: enclosed)
            }
            if let effect { try PrivateFiles.write(Data(effect.label.utf8), to: Self.effectNote(of: file)) }
            try PrivateFiles.write(try letter.pdf(), to: file)
            try register.apply(letter.reference, now: now) { lifecycle in
                Self.recordHold(of: letter, as: file.lastPathComponent, in: &lifecycle, at: now)
            }
        }
        try alertHold(
            of: letter, key: key,
            next: """
                It is not in the print queue:

                  \(file.path)

                To post this copy as well, move it (and any enclosure beside it) into \(printFolder.path);
                to cancel it, delete it.
                """)
        return .print(file, isNew: isNew)
    }
}
