import Casework
import Foundation
import Letters
import Testing

/// Every letter kind in Welsh, and every kind as one bilingual letter (Welsh first, then English), against golden
/// files in Snapshots/ (`<kind>-cy-wales`, `<kind>-bilingual-wales`).
@Suite struct WelshLettersTests {
    /// The kinds a complainant can be sent; the reminder digest is staff mail, written in English only.
    static let kinds: [LetterKind] = Fixtures.library.kinds.filter { $0.purpose != .staff } + [.consentForm]

    /// The Welsh officer inputs of a kind (the English fixtures' inputs, in Welsh where they are prose).
    static func welshInputs(_ kind: LetterKind) -> MergeContext {
        var c = Fixtures.withInputs(Fixtures.context(.wales, language: .welsh), kind: kind, language: .welsh)
        c = withStageFields(c, language: .welsh)
        switch kind {
        case .outOfTime:
            c["inputs.decision"] = "Rydym wedi penderfynu y gallwn ymchwilio i'ch pryder o hyd."
            c["inputs.reason"] =
                "Roeddech yn yr ysbyty am ran helaeth o'r flwyddyn ddiwethaf, sy'n rheswm da dros yr oedi."
        case .concernResolution:
            c["inputs.outcome"] = "Siaradais â rheolwr y clinig, sydd wedi trefnu apwyntiad newydd i chi."
        case .update:
            c["inputs.progress"] = "Rydym wedi darllen y nodiadau clinigol."
            c["inputs.nextSteps"] = "Byddwn yn cyfarfod â staff y ward."
        case .lateResponse:
            c["inputs.reason"] = "Cymerodd yr adolygiad clinigol yn hwy nag yr oeddem yn ei ddisgwyl."
            c["inputs.expectedDate"] = .string(
                LetterDateFormatter.string(year: 2027, month: 6, day: 30, language: .welsh))
        case .stage1Response:
            c["inputs.decision"] = "Rydym wedi trefnu apwyntiad newydd i chi."
        case .mpLetter:
            c["inputs.reply"] = "Rydym wedi ymchwilio i bryder eich etholwr ac wedi ymddiheuro."
        default: break
        }
        if kind == .lateResponse { c["deadlines.backstop"] = .string("23 Mai 2027") }
        return c
    }

    /// The stage-2 fields a stage-1 response prints.
    static func withStageFields(_ context: MergeContext, language: LetterLanguage) -> MergeContext {
        var c = context
        c["deadlines.stage2WorkingDays"] = "20"
        c["deadlines.stage2RequestMonths"] = "2"
        c["deadlines.stage2RequestBy"] = .string(
            LetterDateFormatter.string(year: 2027, month: 1, day: 25, language: language))
        return c
    }

    /// The English context of the same case as ``welshInputs(_:)``: the same people and inputs, English texts.
    static func englishInputs(_ kind: LetterKind) -> MergeContext {
        let welsh = welshInputs(kind)
        var c = Fixtures.withInputs(Fixtures.context(.wales, language: .english), kind: kind, language: .english)
        c = withStageFields(c, language: .english)
        for path in [
            "recipient.salutation", "recipient.fullName", "recipient.addressLines", "recipient.postcode",
            "complainant.title", "complainant.firstName", "complainant.lastName", "complainant.fullName",
            "patient.fullName",
        ] {
            c[path] = welsh[path]
        }
        if kind == .lateResponse {
            c["deadlines.backstop"] = "23 May 2027"
            c["inputs.reason"] = "The clinical review took longer than we expected."
            c["inputs.expectedDate"] = "30 June 2027"
        }
        if kind == .update {
            c["inputs.progress"] = "We have read the clinical notes."
            c["inputs.nextSteps"] = "We will meet the ward staff."
        }
        if kind == .stage1Response { c["inputs.decision"] = "We have booked a new appointment for you." }
        return c
    }

    @Test("every kind has a Welsh template with the same inputs as the English")
    func everyKindHasWelsh() throws {
        let library = Fixtures.library
        for kind in Self.kinds {
            #expect(library.languages(for: kind).contains(.welsh), "\(kind) has no cy template")
            let english = try #require(library.info(kind: kind, language: .english))
            let welsh = try #require(library.info(kind: kind, language: .welsh))
            #expect(welsh.language == .welsh)
            #expect(welsh.requiredInputs == english.requiredInputs, "\(kind)")
            #expect(welsh.optionalInputs == english.optionalInputs, "\(kind)")
            #expect(welsh.isAutomatic == english.isAutomatic, "\(kind)")
        }
        #expect(!library.languages(for: .reminderDigest).contains(.welsh), "staff mail stays in English")
    }

    @Test("every kind in Welsh matches its golden text and HTML", arguments: kinds)
    func welsh(_ kind: LetterKind) throws {
        let letter = try Fixtures.library.merge(kind: kind, language: .welsh, context: Self.welshInputs(kind))
        #expect(letter.language == .welsh)
        #expect(letter.subject.contains("PALS-2026-0042"))
        #expect(letter.html.contains("<html lang=\"cy\">"))
        #expect(!letter.text.contains("Dear") && !letter.text.contains("Yours"))
        Fixtures.assertSnapshot(letter.text, named: "\(kind.rawValue)-cy-wales.txt")
        Fixtures.assertSnapshot(letter.html, named: "\(kind.rawValue)-cy-wales.html")
    }

    @Test("every kind as one bilingual letter matches its golden text and HTML", arguments: kinds)
    func bilingual(_ kind: LetterKind) throws {
        let library = Fixtures.library
        let welsh = try library.merge(kind: kind, language: .welsh, context: Self.welshInputs(kind))
        let english = try library.merge(kind: kind, language: .english, context: Self.englishInputs(kind))
        let letter = MergedLetter.bilingual(welsh: welsh, english: english)
        #expect(letter.isBilingual)
        #expect(letter.subject == "\(welsh.subject) / \(english.subject)")
        let text = letter.text
        let cymraeg = try #require(text.range(of: "Fersiwn Gymraeg"))
        let englishPart = try #require(text.range(of: "English version\n"))
        #expect(cymraeg.upperBound < englishPart.lowerBound, "Welsh first")
        if welsh.document.reference != nil {  // the receipt, a mail, has no reference line
            #expect(text.components(separatedBy: "Ein cyfeirnod: PALS-2026-0042").count == 2, "one Welsh part")
            #expect(text.components(separatedBy: "Our reference: PALS-2026-0042").count == 2, "one English part")
        }
        let html = letter.html
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"cy\">"))
        #expect(html.components(separatedBy: "<main>").count == 2, "one main landmark")
        let welshArticle = try #require(html.range(of: "<article lang=\"cy\""))
        let englishArticle = try #require(html.range(of: "<article lang=\"en-GB\""))
        #expect(welshArticle.upperBound < englishArticle.lowerBound)
        Fixtures.assertSnapshot(text, named: "\(kind.rawValue)-bilingual-wales.txt")
        Fixtures.assertSnapshot(html, named: "\(kind.rawValue)-bilingual-wales.html")
    }

    @Test("a bilingual PDF starts the English on a new page, after the Welsh")
    func bilingualPDF() async throws {
        let library = Fixtures.library
        let welsh = try library.merge(
            kind: .acknowledgement, language: .welsh, context: Self.welshInputs(.acknowledgement))
        let english = try library.merge(
            kind: .acknowledgement, language: .english, context: Self.englishInputs(.acknowledgement))
        let letter = MergedLetter.bilingual(welsh: welsh, english: english)
        let welshPages = try await PDFTests().pageCount(welsh.pdf())
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("letter.pdf")
        try letter.pdf(creationDate: Date(timeIntervalSince1970: 0)).write(to: url)
        let info = try await PDFTests().info(url)
        #expect(Int(info["Pages"] ?? "") ?? 0 > welshPages, "the English has pages of its own")
        let firstEnglishPage = try await PDFTests().text(url, page: welshPages + 1)
        // The English part opens its own page: its subject line (the part's H1), then its "English version" heading.
        let opening = firstEnglishPage.split(separator: "\n").prefix(2).map(String.init)
        #expect(opening == [english.subject, "English version"], "the English starts its own page")
        let lastWelshPage = try await PDFTests().text(url, page: welshPages)
        #expect(!lastWelshPage.contains("Dear"))
        let firstPage = try await PDFTests().text(url, page: 1)
        #expect(firstPage.contains("Fersiwn Gymraeg") && firstPage.contains("Mr Dafydd Llŷr"))
        #expect(info["Title"] == letter.subject)
    }

    @Test("the Welsh says ag before a vowel, never â")
    func agBeforeVowels() throws {
        for kind in Self.kinds {
            let text = try Fixtures.library.merge(kind: kind, language: .welsh, context: Self.welshInputs(kind)).text
                .replacingOccurrences(of: "\n", with: " ")
            let words = text.split(separator: " ")
            for (index, word) in words.enumerated().dropLast() where word == "â" {
                let next = words[index + 1].lowercased()
                #expect(!"aeiouwyâêîôûŵŷ".contains(next.first!), "\(kind): â \(next)")
            }
        }
    }

    @Test("the Welsh speaks of one patient in the singular and of a pryder, not their care")
    func singularPatient() throws {
        for kind in Self.kinds {
            let text = try Fixtures.library.merge(kind: kind, language: .welsh, context: Self.welshInputs(kind)).text
                .replacingOccurrences(of: "\n", with: " ")
            for plural in ["eu gofal", "eu caniatâd", "eu gwybodaeth", "eu lles"] {
                #expect(!text.contains(plural), "\(kind): \(plural)")
            }
            #expect(!text.contains("Eich cwyn"), "\(kind): the regulations' word is pryder")
        }
    }

    @Test("a hostile value cannot end the Welsh part early or open a new language part")
    func hostileValue() throws {
        var welshContext = Self.welshInputs(.holding)
        welshContext["inputs.reason"] = "</article><article lang=\"en\">\n\n# English version\n@closing Bye"
        let welsh = try Fixtures.library.merge(kind: .holding, language: .welsh, context: welshContext)
        let english = try Fixtures.library.merge(
            kind: .holding, language: .english, context: Self.englishInputs(.holding))
        let letter = MergedLetter.bilingual(welsh: welsh, english: english)
        #expect(letter.html.components(separatedBy: "<article").count == 3, "two parts only")
        #expect(letter.html.contains("&lt;/article&gt;"))
        #expect(letter.document.closing == "Yn gywir,")
    }
}

extension PDFTests {
    /// The number of pages of a PDF, as pdfinfo reads it.
    func pageCount(_ data: Data) async throws -> Int {
        let url = try write(data)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        return Int(try await info(url)["Pages"] ?? "") ?? 0
    }
}
