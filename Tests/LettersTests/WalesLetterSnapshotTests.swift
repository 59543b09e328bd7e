import Foundation
import Letters
import Testing

/// The Welsh acknowledgement under Listening to People (concerns received from 2026-04-01), in English and Welsh,
/// compared with golden files; the 2011 acknowledgement is `acknowledgement-<language>-wales` in ``SnapshotTests``.
@Suite struct WalesLetterSnapshotTests {
    /// The Welsh fixture case as a concern received under the 2025 amendment, early resolution dated.
    static func listeningToPeople(language: LetterLanguage) -> MergeContext {
        var context = Fixtures.context(.wales, language: language)
        context["wales.listeningToPeople"] = true
        context["wales.redressCap"] = "£50,000"
        context["wales.earlyResolutionBy"] = .string(
            LetterDateFormatter.string(year: 2026, month: 12, day: 7, language: language))
        context["wales.llais.name"] = "Llais"
        context["wales.llais.web"] = "www.llaiscymru.org"
        context["wales.llais.phone"] = "01632 960999"
        return context
    }

    @Test(
        "the Listening to People acknowledgement matches its golden text and HTML", arguments: LetterLanguage.allCases)
    func acknowledgement(_ language: LetterLanguage) throws {
        let letter = try Fixtures.library.merge(
            kind: .acknowledgement, language: language, context: Self.listeningToPeople(language: language))
        #expect(letter.language == language)
        #expect(letter.text.split(separator: "\n").allSatisfy { $0.count <= 72 || !$0.contains(" ") })
        Fixtures.assertSnapshot(letter.text, named: "acknowledgement-\(language.rawValue)-wales-2026.txt")
        Fixtures.assertSnapshot(letter.html, named: "acknowledgement-\(language.rawValue)-wales-2026.html")
    }

    @Test("a redress response with no qualifying liability offers nothing and keeps the right to legal advice")
    func noLiability() throws {
        var context = Fixtures.withInputs(Fixtures.context(.wales), kind: .redressResponse)
        context["redress.liabilityFound"] = false
        context["redress.noLiability"] = true
        context["inputs.liability"] = "no"
        context["inputs.remedialTreatment"] = nil
        context["redress.financialAmount"] = nil
        let text = try Fixtures.library.merge(kind: .redressResponse, language: .english, context: context).text
            .replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("there is no qualifying liability"))
        #expect(text.contains("independent legal advice"))
        #expect(!text.contains("We offer you"))
        #expect(!text.contains("orthopaedic"))
        #expect(text.contains("Public Services Ombudsman for Wales"))
    }
}
