import Foundation
import Letters
import Testing

/// The consent wording of each letter in each consent state, and the consent form, against golden files; and the
/// sentences each state must and must never have.
@Suite("Consent wording and the consent form")
struct ConsentSnapshotTests {
    /// The consent states as the templates see them (the flags Engine's merge context sets for each).
    enum State: String, CaseIterable, Sendable {
        case requested, received, refused, deceased, lacksCapacity
    }

    /// The fixture context with the consent flags of `state` (the letter encloses the form only when requested).
    static func context(_ state: State, language: LetterLanguage = .english) -> MergeContext {
        var context = Fixtures.context(language: language)
        let disclosure = state != .requested && state != .refused
        let flags: [String: Bool] = [
            "needed": state == .requested, "requested": state == .requested, "received": state == .received,
            "refused": state == .refused, "notNeeded": false, "deceased": state == .deceased,
            "lacksCapacity": state == .lacksCapacity, "disclosureAllowed": disclosure, "noDisclosure": !disclosure,
            "askForAuthority": state == .deceased || state == .lacksCapacity, "formEnclosed": state == .requested,
        ]
        for (name, value) in flags { context["consent.\(name)"] = .bool(value) }
        return context
    }

    struct Golden: Sendable, CustomTestStringConvertible {
        let kind: LetterKind
        let state: State
        let language: LetterLanguage
        var name: String { "\(kind.rawValue)-\(language.rawValue)-consent-\(state.rawValue)" }
        var testDescription: String { name }
    }

    static let goldens: [Golden] = [LetterKind.acknowledgement, .resolution].flatMap { kind in
        State.allCases.filter { kind != .resolution || $0 != .requested }.flatMap { state in
            LetterLanguage.allCases.map { Golden(kind: kind, state: state, language: $0) }
        }
    }

    @Test("each letter's consent wording matches its golden text", arguments: goldens)
    func golden(_ golden: Golden) throws {
        let context = Fixtures.withInputs(
            Self.context(golden.state, language: golden.language), kind: golden.kind, language: golden.language)
        let letter = try Fixtures.library.merge(kind: golden.kind, language: golden.language, context: context)
        #expect(letter.language == golden.language)
        Fixtures.assertSnapshot(letter.text, named: "\(golden.name).txt")
    }

    @Test("the consent form matches its golden text and HTML, in English and Welsh", arguments: LetterLanguage.allCases)
    func form(_ language: LetterLanguage) throws {
        let context = Self.context(.requested, language: language)
        let form = try Fixtures.library.merge(kind: .consentForm, language: language, context: context)
        #expect(form.language == language)
        #expect(form.subject.hasSuffix("PALS-2026-0042"), "the reference only, never a name")
        let patient = language == .welsh ? "Gwenllïan Llŷr" : "Tom Jones"
        let complainant = language == .welsh ? "Dafydd Llŷr" : "Eve Jones"
        let flat = form.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains(patient) && flat.contains(complainant), "names who consents and to whom")
        #expect(flat.contains(language == .welsh ? "Llofnod:" : "Signed:"), "a signature line")
        #expect(flat.contains(language == .welsh ? "Dyddiad:" : "Date:"), "a date line")
        Fixtures.assertSnapshot(form.text, named: "consent-form-\(language.rawValue).txt")
        Fixtures.assertSnapshot(form.html, named: "consent-form-\(language.rawValue).html")
        let pdf = try form.pdf(creationDate: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
    }

    /// Sentences each state must have (first) and must never have (second), in English.
    static let wording: [State: (must: [String], never: [String])] = [
        .requested: (["We have enclosed a consent form", "ask Tom Jones to sign it"], ["condolences"]),
        .received: (["We have received the consent of Tom Jones"], ["consent form", "we need their written consent"]),
        .refused: (
            ["has not given their consent", "cannot share information about their care"],
            ["consent form", "sign"]
        ),
        .deceased: (
            ["condolences", "next of kin", "executor", "evidence"], ["consent form", "sign", "best interests"]
        ),
        .lacksCapacity: (
            ["best interests", "lasting power of attorney", "relationship"], ["consent form", "sign", "condolences"]
        ),
    ]

    @Test("the acknowledgement says what each state needs, and never asks what it must not", arguments: State.allCases)
    func acknowledgementWording(_ state: State) throws {
        let text = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: Self.context(state))
            .text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let (must, never) = try #require(Self.wording[state])
        for phrase in must { #expect(text.contains(phrase), "\(state): says \"\(phrase)\"") }
        for phrase in never { #expect(!text.contains(phrase), "\(state): never \"\(phrase)\"") }
    }

    @Test("with consent refused the final response says it leaves the patient's care out; otherwise it does not")
    func resolutionWithoutDisclosure() throws {
        for state in State.allCases where state != .requested {
            let context = Fixtures.withInputs(Self.context(state), kind: .resolution)
            let text = try Fixtures.library.merge(kind: .resolution, language: .english, context: context).text
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let says = text.contains("this response does not include information about their care")
            #expect(says == (state == .refused), "\(state)")
            #expect(text.contains("condolences") == (state == .deceased), "\(state)")
        }
    }
}
