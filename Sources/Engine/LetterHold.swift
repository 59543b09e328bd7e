package import Casework
package import Foundation
package import Letters

/// Why pals holds a letter for an officer instead of sending it: the case needs a form of the letter pals cannot
/// produce properly, so the standard letter is never sent unnoticed.
///
/// A held email is queued straight into the outbox's `hold/` folder with the reasons (one step: no sender ever sees
/// it until an officer releases it); a held postal letter goes to `Outbox/print/held/`, not the print queue. Either
/// way the case records a `letter-held` event, is flagged for attention naming the kind and the reasons, and its
/// officer is alerted once per letter.
package enum LetterHoldReason: Sendable, Hashable, CustomStringConvertible {
    /// The complainant needs a format pals does not make (braille, audio, BSL, a translation), or an easy-read
    /// letter of a kind (or language) the easy-read set has no template for.
    case formatNeeded(AccessibleInformationNeed, detail: String? = nil)
    /// The case is written to in Welsh and the workspace has no Welsh template for the kind.
    case noWelshTemplate(LetterKind)

    /// What an officer reads: the need or gap, what to arrange, and the two ways out (release or cancel).
    package var description: String {
        switch self {
        case .formatNeeded(.easyRead, let detail):
            let missing = detail ?? "there is no easy-read template for this letter"
            return "needs easy read: \(missing): arrange an easy-read version of this letter; "
                + "release to send this standard letter as well, or cancel"
        case .formatNeeded(.anotherLanguage, let detail):
            let language = detail ?? "the complainant's language"
            return "needs a translation into \(language): arrange a \(language) translation of this letter; "
                + "release to send this English copy as well, or cancel"
        case .formatNeeded(let need, _):
            let what =
                switch need {
                case .braille: "a braille copy"
                case .audio: "an audio recording"
                case .bsl: "a British Sign Language (BSL) video"
                default: "a \(need.wording) copy"
                }
            return "needs \(need.wording): arrange \(what) of this letter; "
                + "release to send this standard-print copy as well, or cancel"
        case .noWelshTemplate(let kind):
            return "no Welsh template for \(kind.rawValue): add Templates/cy/\(kind.rawValue).mustache "
                + "(pals templates restore) or release to send in English"
        }
    }

    /// The reasons as one line, for the outbox's hold reason and the case's history.
    package static func line(_ reasons: [LetterHoldReason]) -> String {
        reasons.map(\.description).joined(separator: "; and ")
    }
}

/// The accessible form of a letter: large print in the organisation's size, or easy read.
package struct LetterFormat: Sendable, Hashable {
    /// Large print at this size (nil: standard print).
    package var largePrint: LargePrintSize?
    /// Easy read: the easy-read template, at 16 pt or more with wide spacing.
    package var easyRead = false

    package init(largePrint: LargePrintSize? = nil, easyRead: Bool = false) {
        self.largePrint = largePrint
        self.easyRead = easyRead
    }

    /// The PDF layout of this form.
    package func pdfOptions(creationDate: Date?) -> PDFRenderer.Options {
        PDFRenderer.Options(
            largePrint: largePrint != nil, largePrintSize: largePrint ?? .default, easyRead: easyRead,
            creationDate: creationDate)
    }

    /// The HTML layout of this form: the same point size as on paper.
    package var html: HTMLRenderer {
        HTMLRenderer(fontSize: largePrint.map(\.rawValue) ?? (easyRead ? 16 : nil), easyRead: easyRead)
    }
}

extension PreparedLetter {
    /// Whether the letter is held for an officer instead of sent.
    package var isHeld: Bool { !holdReasons.isEmpty }

    /// The hold reasons as one line (nil when the letter is not held).
    package var heldReason: String? { isHeld ? LetterHoldReason.line(holdReasons) : nil }

    /// The letter as HTML mail, in its accessible form.
    package var html: String { merged.html(format.html) }
}

extension CaseAttention {
    /// A letter of `kind` is held for an officer because pals cannot produce the form the case needs.
    package static func letterHeld(kind: String, messageID: String, reason: String) -> Self {
        Self(kind: .letterHeld, messageID: messageID, text: "\(kind) \(messageID) held: \(reason)")
    }
}
