import Casework
package import Foundation
package import Letters
import Logging
import Outbox
import Primitives

/// How a held letter reached the complainant when pals did not send it: the officer posted a copy they made
/// (large print, braille, a translation), handed it over, or emailed it themselves.
package enum SentOutsidePals: String, Sendable, CaseIterable {
    case post
    case hand
    case email

    /// The words of the case history: "by post", "by hand", "by email (outside pals)".
    package var wording: String {
        switch self {
        case .post: "by post"
        case .hand: "by hand"
        case .email: "by email outside pals"
        }
    }
}

extension LetterQueue {
    /// A held letter waiting for its officer: what it does to its case, and where it is.
    struct HeldLetter {
        var effect: HeldLetterEffect
        /// The outbox message, for a held email.
        var messageID: String?
        /// The note beside a held print file, removed once the letter is recorded as sent.
        var note: URL?
    }

    /// Records that the held `kind` letter of case `reference` went to the complainant another way (`route`), and
    /// changes the case as the letter does (acknowledged, response date moved, responded). A held email stays in
    /// the outbox's hold: an officer cancels it, or releases it to send that copy as well (it changes nothing then).
    /// - Returns: the held email's outbox id, when the letter was one.
    /// - Throws: ``LetterDeskError`` when the case has no such held letter; a ``CaseTransitionError`` when the case
    ///   no longer allows the change (e.g. it was acknowledged another way).
    @discardableResult
    package func recordSent(_ kind: LetterKind, reference: String, by route: SentOutsidePals) throws -> String? {
        guard let held = try heldLetter(kind, reference: reference) else {
            throw LetterDeskError(
                .other, reference: reference,
                message: "case \(reference) has no held \(kind.rawValue) letter waiting to be recorded as sent")
        }
        let now = casebook.clock.now()
        try register.apply(reference, now: now) { lifecycle in
            lifecycle.recordSentOutsidePals(
                kind: kind.rawValue, heldAs: held.messageID ?? held.note.map(Self.heldFileName), how: route.wording,
                at: now)
            try lifecycle.apply(held.effect, kind: kind.rawValue, how: route.wording, at: now)
        }
        if let note = held.note { try? FileManager.default.removeItem(at: note) }
        logger.info("held letter recorded as sent", metadata: ["case": "\(reference)", "kind": "\(kind)"])
        return held.messageID
    }

    /// The newest held letter of `kind` for the case that changes it: a held email (not yet delivered), or a held
    /// postal letter's note.
    func heldLetter(_ kind: LetterKind, reference: String) throws -> HeldLetter? {
        var labels = MessageLabels.forCase(reference)
        labels[MessageLabels.Key.kind.rawValue] = kind.rawValue
        let emails = try outbox.list(state: nil, labels: labels).filter { $0.state != .sent }
        if let item = emails.last(where: { MessageLabels($0.labels).effect != nil }),
            let effect = MessageLabels(item.labels).effect.flatMap(HeldLetterEffect.init(label:))
        {
            return HeldLetter(effect: effect, messageID: item.id)
        }
        let folder = casebook.workspace.outboxURL.appending(path: "\(Postroom.printFolder)/\(Self.heldPrintFolder)")
        let prefix = "\(reference)-\(kind.rawValue)-"
        let notes = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasPrefix(prefix) && $0.lastPathComponent.hasSuffix(".effect.json") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for note in notes.reversed() {
            guard let text = try? String(contentsOf: note, encoding: .utf8),
                let effect = HeldLetterEffect(label: text)
            else { continue }
            return HeldLetter(effect: effect, note: note)
        }
        return nil
    }

    /// The held print file a note stands beside, by name.
    static func heldFileName(_ note: URL) -> String {
        note.lastPathComponent.replacingOccurrences(of: ".effect.json", with: ".pdf")
    }
}
