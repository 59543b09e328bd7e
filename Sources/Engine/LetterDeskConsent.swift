package import Casework
package import Foundation
package import Letters
import Primitives

/// A document sent with a letter (the consent form), merged from the same case and attached as its own PDF.
package struct Enclosure: Sendable {
    /// What it is.
    package let kind: LetterKind
    /// The document, merged from the case.
    package let merged: MergedLetter
}

extension LetterDesk {
    /// The enclosures a letter of `kind` carries for `record`: the consent form exactly when the letter says one
    /// is enclosed (``consentFields(for:kind:)``'s `formEnclosed`), which is when the patient's consent is
    /// requested and the letter is one that encloses it.
    static func enclosesConsentForm(_ kind: LetterKind, for record: Case) -> Bool {
        record.patient != nil && record.consent.needsConsentForm && LetterKind.enclosingConsentForm.contains(kind)
    }

    /// The consent fields of the merge context: one flag per state, and what the state permits. Every letter
    /// chooses its consent wording from these, so the wording follows the typed rules of ``ConsentState``.
    static func consentFields(for record: Case, kind: LetterKind) -> MergeValue {
        let state = record.consent
        return .object([
            "needed": .bool(state == .requested), "requested": .bool(state == .requested),
            "received": .bool(state == .received), "refused": .bool(state == .refused),
            "notNeeded": .bool(state == .notNeeded), "deceased": .bool(state == .deceasedRepresentative),
            "lacksCapacity": .bool(state == .lacksCapacity),
            "disclosureAllowed": .bool(state.allowsDisclosure), "noDisclosure": .bool(!state.allowsDisclosure),
            "askForAuthority": .bool(state.mayAskForAuthority),
            "formEnclosed": .bool(enclosesConsentForm(kind, for: record)),
        ])
    }

    /// Merges the enclosures of a letter of `kind` with the letter's own context, in the letter's language (the
    /// form falls back to English like any template).
    func enclosures(
        for record: Case, kind: LetterKind, context: MergeContext, language: LetterLanguage,
        englishContext: MergeContext? = nil
    ) throws -> [Enclosure] {
        guard Self.enclosesConsentForm(kind, for: record) else { return [] }
        // A workspace made before the form was shipped lacks it: the letter waits until it is restored, because a
        // letter that says "enclosed" must never leave without it.
        if let missing = DefaultTemplates.missingLetterTemplate(.consentForm, in: workspace.templatesURL) {
            throw missing
        }
        guard library.effectiveLanguage(kind: .consentForm, requested: language) != nil else {
            throw LetterDeskError(
                message:
                    "case \(record.reference): the \(kind.rawValue) letter says a consent form is enclosed, but the "
                    + "templates folder has no consent-form template; restore it, and nothing is sent until then")
        }
        var merged = try library.merge(kind: .consentForm, language: language, context: context)
        // A bilingual letter encloses one bilingual form.
        if let englishContext, merged.language == .welsh {
            let english = try library.merge(kind: .consentForm, language: .english, context: englishContext)
            merged = .bilingual(welsh: merged, english: english)
        }
        return [Enclosure(kind: .consentForm, merged: merged)]
    }

    /// Refuses to write an enclosure (the consent form) as a letter of its own: it goes with the letter that
    /// says it is enclosed.
    static func refuseEnclosure(_ kind: LetterKind, reference: String) throws {
        guard kind.isEnclosure else { return }
        throw LetterDeskError(
            message:
                "case \(reference): the \(kind.rawValue) is sent with the letter that encloses it (the "
                + "acknowledgement or the consent request), never on its own")
    }
}

extension PreparedLetter {
    /// The file name of an enclosure's PDF: the reference and the kind, never a name.
    package func attachmentName(of enclosure: Enclosure) -> String { "\(reference)-\(enclosure.kind.rawValue).pdf" }

    /// The PDF of an enclosure, large print when the letter is.
    package func pdf(of enclosure: Enclosure) throws -> Data {
        try enclosure.merged.pdf(options: format.pdfOptions(creationDate: letterDay.date(hour: 0, minute: 0)))
    }
}
