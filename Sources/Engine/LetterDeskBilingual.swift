package import Casework
package import Letters

extension LetterDesk {
    /// The English part of a bilingual letter: the letter merged again from the same case and inputs in English,
    /// with its merge context (for its enclosures). Nil unless the case asks for bilingual letters and the Welsh
    /// part was written in Welsh (a kind without a Welsh template is not made bilingual here).
    func englishPart(
        of kind: LetterKind, for record: Case, written used: LetterLanguage, inputs: [String: String]
    ) throws -> (merged: MergedLetter, context: MergeContext)? {
        guard record.complainant.language == .bilingual, used == .welsh,
            library.effectiveLanguage(kind: kind, requested: .english) == .english
        else { return nil }
        try library.checkInputs(kind: kind, language: .english, given: inputs)
        let context = try context(for: record, kind: kind, language: .english, inputs: inputs)
        return (try library.merge(kind: kind, language: .english, context: context), context)
    }
}
