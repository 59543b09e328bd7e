import Casework
import Foundation
import Letters
import Outbox

extension Daemon {
    /// Whether the case's acknowledgement was queued before and held (see ``HeldLetterEffect``): it waits for its
    /// officer to release it or record it sent, so intake neither prepares it again nor marks the case. One that was
    /// released and delivered but whose delivery never reached the case (a kill between the two) is recorded now.
    func heldAcknowledgementWaits(_ record: Case, key: String) throws -> Bool {
        let queue = postroom.letterQueue
        // Any held acknowledgement of the case waits, the officer's (`pals letter`) as well as intake's own.
        if try queue.heldLetter(.acknowledgement, reference: record.reference) != nil { return true }
        let heldPrint = queue.heldPrintFile(key: key, reference: record.reference, kind: .acknowledgement)
        if FileManager.default.fileExists(atPath: heldPrint.path) { return true }
        guard let item = try queue.outbox.item(forKey: key),
            let label = MessageLabels(item.labels).effect, let effect = HeldLetterEffect(label: label)
        else { return false }
        guard item.state == .sent else { return true }
        let at = now
        let kind = LetterKind.acknowledgement.rawValue
        try casebook.register.apply(record.reference, now: at) { lifecycle in
            lifecycle.record(.sent(messageID: item.id, reply: Postroom.short(item.lastReply ?? "")), kind: kind, at: at)
            try lifecycle.apply(effect, kind: kind, how: "by email as \(item.id)", at: at)
        }
        return true
    }
}

extension SendingSetup {
    /// Changes the case as a held letter just delivered does (its ``HeldLetterEffect`` label); a case that no longer
    /// allows it (acknowledged another way meanwhile, closed) keeps its state, and the delivery is still recorded.
    static func applyHeldEffect(
        _ labels: MessageLabels, id: String, kind: String, to lifecycle: inout CaseLifecycle, at: Date
    ) {
        guard let label = labels.effect, let effect = HeldLetterEffect(label: label) else { return }
        try? lifecycle.apply(effect, kind: kind, how: "by email as \(id)", at: at)
    }
}
