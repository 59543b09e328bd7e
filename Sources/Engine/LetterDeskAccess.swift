import Casework
import Foundation
import Letters

/// The easy-read template set's folder inside a workspace's `Templates/`: `easy-read/en/<kind>.mustache`,
/// `easy-read/cy/<kind>.mustache` (a letter library of its own, loaded only for a case that needs easy read).
package let easyReadTemplatesFolder = "easy-read"

extension LetterDesk {
    /// What the case's accessible-information needs and language make of a letter of `kind`.
    struct AccessibleForm {
        /// The form it is rendered in.
        var format = LetterFormat()
        /// The easy-read letter, when the case needs easy read and the easy-read set has the kind.
        var easyRead: MergedLetter?
        /// Why it must be held for an officer (empty: it goes as usual).
        var holds: [LetterHoldReason] = []
    }

    /// Decides the form of a letter of `kind` for a case (NHS Accessible Information Standard): large print in the
    /// organisation's size; easy read from the easy-read set, merged here with the same `context`; and a hold, naming
    /// the need, for what pals cannot make (braille, audio, BSL, a translation, an easy-read letter it has no
    /// template for) and for a Welsh case whose kind has no Welsh template. A letter to an MP is shaped by none of
    /// the complainant's needs, but is held like any other for want of a Welsh template.
    func accessibleForm(
        of kind: LetterKind, for record: Case, language used: LetterLanguage, context: MergeContext
    ) throws -> AccessibleForm {
        var form = AccessibleForm()
        let person = record.complainant
        // A Welsh (or bilingual) case needs the kind's Welsh template; English is never sent in its place unnoticed.
        if person.language != .en, !library.languages(for: kind).contains(.welsh) {
            form.holds.append(.noWelshTemplate(kind))
        }
        guard kind != .mpLetter else { return form }
        let needs = person.accessibleInformation
        if needs.contains(.largePrint) { form.format.largePrint = workspace.configuration.letters.largePrintSize }
        if needs.contains(.easyRead) {
            if let easyRead = try easyReadLibrary(), easyRead.languages(for: kind).contains(used) {
                form.easyRead = try easyRead.merge(kind: kind, language: used, context: context)
                form.format.easyRead = true
            } else {
                let language = used == .welsh ? "Welsh " : ""
                form.holds.append(
                    .formatNeeded(
                        .easyRead, detail: "there is no \(language)easy-read template for \(kind.rawValue)"))
            }
        }
        for need in needs {
            switch need {
            case .largePrint, .easyRead: continue
            case .anotherLanguage: form.holds.append(.formatNeeded(need, detail: person.interpreterLanguage))
            case .braille, .audio, .bsl: form.holds.append(.formatNeeded(need))
            }
        }
        return form
    }

    /// The workspace's easy-read letters (`Templates/easy-read/`), or nil when it has none.
    func easyReadLibrary() throws -> LetterLibrary? {
        let folder = workspace.templatesURL.appending(path: easyReadTemplatesFolder, directoryHint: .isDirectory)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            return nil
        }
        return try LetterLibrary.load(from: folder)
    }
}
