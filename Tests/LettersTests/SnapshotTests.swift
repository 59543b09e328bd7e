import Foundation
import Letters
import Testing

/// Every letter kind, rendered to text and HTML, compared with golden files in Snapshots/.
@Suite struct SnapshotTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: LetterKind
        let language: LetterLanguage
        let jurisdiction: Fixtures.Jurisdiction
        var name: String { "\(kind.rawValue)-\(language.rawValue)-\(jurisdiction.rawValue)" }
        var testDescription: String { name }
    }

    static let cases: [Case] =
        [LetterKind.acknowledgement, .holding, .resolution, .consentRequest, .outOfTime, .reminderDigest].flatMap {
            kind in
            [Fixtures.Jurisdiction.england, .wales].map { Case(kind: kind, language: .english, jurisdiction: $0) }
        } + [
            Case(kind: .resolution, language: .english, jurisdiction: .scotland),
            Case(kind: .resolution, language: .english, jurisdiction: .northernIreland),
            Case(kind: .acknowledgement, language: .welsh, jurisdiction: .wales),
            Case(kind: .acknowledgement, language: .welsh, jurisdiction: .england),
            Case(kind: .holding, language: .welsh, jurisdiction: .wales),
            Case(kind: .holding, language: .welsh, jurisdiction: .england),
            Case(kind: .resolution, language: .welsh, jurisdiction: .wales),
            Case(kind: .resolution, language: .welsh, jurisdiction: .england),
            Case(kind: .resolution, language: .welsh, jurisdiction: .scotland),
            Case(kind: .outOfTime, language: .english, jurisdiction: .scotland),
            Case(kind: .concernResolution, language: .english, jurisdiction: .england),
            Case(kind: .withdrawn, language: .english, jurisdiction: .england),
            Case(kind: .redirected, language: .english, jurisdiction: .england),
            Case(kind: .mpLetter, language: .english, jurisdiction: .england),
            Case(kind: .redressResponse, language: .english, jurisdiction: .wales),
            Case(kind: .redressResponse, language: .welsh, jurisdiction: .wales),
        ]

    @Test("letter matches its golden text and HTML", arguments: cases)
    func letter(_ testCase: Case) throws {
        let context = Fixtures.withInputs(
            Fixtures.context(testCase.jurisdiction, language: testCase.language), kind: testCase.kind,
            language: testCase.language)
        let letter = try Fixtures.library.merge(kind: testCase.kind, language: testCase.language, context: context)
        #expect(letter.language == testCase.language)
        #expect(letter.subject.contains("PALS-2026-0042") || testCase.kind == .reminderDigest)
        #expect(!letter.text.contains("nil"))
        #expect(letter.text.split(separator: "\n").allSatisfy { $0.count <= 72 || !$0.contains(" ") })
        Fixtures.assertSnapshot(letter.text, named: "\(testCase.name).txt")
        Fixtures.assertSnapshot(letter.html, named: "\(testCase.name).html")
    }

    @Test("each jurisdiction gets its own ombudsman paragraph with details from the context")
    func ombudsmanPerJurisdiction() throws {
        let expected: [Fixtures.Jurisdiction: String] = [
            .england: "NHS in England", .wales: "NHS in Wales", .scotland: "public services in Scotland",
            .northernIreland: "within six months",
        ]
        for (jurisdiction, phrase) in expected {
            let context = Fixtures.withInputs(Fixtures.context(jurisdiction), kind: .resolution)
            let text = try Fixtures.library.merge(kind: .resolution, language: .english, context: context).text
                .replacingOccurrences(of: "\n", with: " ")
            #expect(text.contains(phrase), "\(jurisdiction)")
            #expect(text.contains("https://ombudsman.example/\(jurisdiction.rawValue.lowercased())"))
            #expect(text.contains("0300 000 0200"))
            for other in expected.keys where other != jurisdiction {
                #expect(!text.contains(expected[other]!), "\(jurisdiction) letter has the \(other) paragraph")
            }
        }
    }

    @Test("Welsh letters are written in Welsh")
    func welsh() throws {
        let context = Fixtures.context(.wales, language: .welsh)
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .welsh, context: context)
        #expect(letter.subject == "Eich pryder PALS-2026-0042")
        #expect(letter.document.salutation == "Annwyl Mr Llŷr,")
        #expect(letter.document.closing == "Yn gywir,")
        #expect(letter.text.replacingOccurrences(of: "\n", with: " ").contains("23 Tachwedd 2026"))
        #expect(letter.html.contains("<html lang=\"cy\">"))
    }

    @Test("a Welsh letter of a kind without a cy template falls back to English")
    func fallback() throws {
        let library = Fixtures.library
        // The reminder digest is staff mail, in English only.
        #expect(library.effectiveLanguage(kind: .reminderDigest, requested: .welsh) == .english)
        #expect(library.effectiveLanguage(kind: .holding, requested: .welsh) == .welsh)
        #expect(library.effectiveLanguage(kind: "no-such-letter", requested: .welsh) == nil)
        let context = Fixtures.withInputs(Fixtures.context(), kind: .reminderDigest)
        let letter = try library.merge(kind: .reminderDigest, language: .welsh, context: context)
        #expect(letter.language == .english)
        #expect(letter.subject == "Complaint deadlines for 25 November 2026")
    }

    @Test("the library lists its kinds, inputs and automatic letters")
    func libraryInfo() throws {
        let library = Fixtures.library
        #expect(
            library.kinds == [
                .acknowledgement, .concernResolution, .consentRequest, .holding, .lateResponse, .mpLetter, .outOfTime,
                .receipt, .redirected, .redressResponse, .reminderDigest, .resolution, .stage1Response, .update,
                .withdrawn,
            ])
        #expect(try library.requiredInputs(kind: .holding) == ["reason", "newDate"])
        #expect(try library.requiredInputs(kind: .resolution) == ["consideration", "findings", "actions"])
        #expect(try library.requiredInputs(kind: .outOfTime) == ["decision", "reason"])
        #expect(try library.requiredInputs(kind: .acknowledgement).isEmpty)
        #expect(library.info(kind: .resolution)?.optionalInputs == ["apology"])
        #expect(library.info(kind: .acknowledgement)?.isAutomatic == true)
        #expect(library.info(kind: .reminderDigest)?.isAutomatic == true)
        #expect(library.info(kind: .holding)?.isAutomatic == false)
        #expect(library.languages(for: .resolution) == [.english, .welsh])
        #expect(throws: LetterError.self) { try library.requiredInputs(kind: "no-such-letter") }
    }

    @Test("the consent paragraph follows the patient and consent flags")
    func consent() throws {
        var context = Fixtures.context(hasPatient: false)
        var text = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context).text
        #expect(!text.contains("Consent"))
        context = Fixtures.context()
        text = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context).text
            .replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("We have enclosed a consent form"))
        // Requested but no form enclosed: nothing says one is enclosed or will follow.
        context["consent.formEnclosed"] = false
        text = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context).text
        #expect(!text.contains("consent form"))
        context["consent.requested"] = false
        context["consent.needed"] = false
        context["consent.received"] = true
        text = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context).text
        #expect(!text.contains("consent form"))
    }
}
