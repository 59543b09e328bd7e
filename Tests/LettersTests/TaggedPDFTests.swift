import Foundation
import Letters
import PalsTestKit
import Testing

/// What poppler says of a PDF pals made: `pdfinfo` (Tagged, Title, Author), `pdfinfo -struct-text` (the structure
/// tree) and any syntax error it reported.
struct PDFReport {
    let info: [String: String]
    let structure: String
    let errors: String
    let bytes: Data

    /// Writes `data` to a scratch file and reads it back with pdfinfo.
    static func of(_ data: Data) async throws -> PDFReport {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("letter.pdf")
        try data.write(to: url)
        let plain = try await ProcessRunner.runOffPool("/usr/bin/pdfinfo", [url.path])
        let tree = try await ProcessRunner.runOffPool("/usr/bin/pdfinfo", ["-struct-text", url.path])
        var info: [String: String] = [:]
        for line in plain.stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            info[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return PDFReport(info: info, structure: tree.stdout, errors: plain.stderr + tree.stderr, bytes: data)
    }

    /// The structure elements' roles, in order (`Document`, `H1`, `P`…).
    var roles: [String] {
        structure.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("\""), let role = trimmed.split(separator: " ").first else { return nil }
            return String(role)
        }
    }

    /// Whether the catalog declares `language` (`/Lang (cy)`).
    func declares(language: String) -> Bool {
        String(decoding: bytes, as: UTF8.self).contains("/Lang (\(language))")
    }
}

/// Every PDF pals makes is tagged for screen readers (issue 14, DAPB1605): `pdfinfo` says Tagged: yes, the structure
/// tree holds the subject as H1, the template's headings as H2 and paragraphs as P, the catalog declares the
/// language, the title is the subject line and the author the organisation.
@Suite("Tagged PDFs: every letter pals makes is tagged for screen readers")
struct TaggedPDFTests {
    static let layouts: [(name: String, options: PDFRenderer.Options)] = [
        ("standard", .init()), ("large print 16", .init(largePrint: true)),
        ("large print 20", .init(largePrint: true, largePrintSize: .twenty)),
        ("large print 24", .init(largePrint: true, largePrintSize: .twentyFour)), ("easy read", .init(easyRead: true)),
    ]

    /// Every letter a case can get, in each language with a template for it, and the consent form.
    static var letters: [(LetterKind, LetterLanguage)] {
        LetterLanguage.allCases.flatMap { language in
            (Fixtures.library.caseLetterKinds + [.consentForm]).filter {
                Fixtures.library.languages(for: $0).contains(language)
            }.map { ($0, language) }
        }
    }

    func merged(_ kind: LetterKind, _ language: LetterLanguage) throws -> MergedLetter {
        let context = Fixtures.withInputs(
            Fixtures.context(language == .welsh ? .wales : .england, language: language), kind: kind,
            language: language)
        return try Fixtures.library.merge(kind: kind, language: language, context: context)
    }

    /// Checks one PDF: Tagged yes, no syntax error, Document first, one H1, paragraphs, H2 for the template's
    /// headings, the language, the title and the author.
    func check(_ letter: MergedLetter, _ options: PDFRenderer.Options, _ what: String) async throws {
        let report = try await PDFReport.of(try letter.pdf(options: options))
        #expect(report.info["Tagged"] == "yes", "\(what)")
        #expect(report.errors.isEmpty, "\(what): \(report.errors)")
        #expect(report.roles.first == "Document", "\(what)")
        #expect(report.roles.filter { $0 == "H1" }.count == 1, "\(what): one H1, the subject")
        #expect(report.roles.contains("P"), "\(what)")
        if letter.document.blocks.contains(where: { if case .heading = $0 { true } else { false } }) {
            #expect(report.roles.contains("H2"), "\(what): the template's headings are H2")
        }
        #expect(report.declares(language: letter.language.bcp47), "\(what)")
        #expect(report.info["Title"] == letter.subject, "\(what)")
        #expect(report.info["Author"] == letter.document.letterhead.first, "\(what)")
    }

    @Test("every kind, in every language it has: Tagged yes, H1, H2, P, language, title and author")
    func everyLetterIsTagged() async throws {
        var checked: Set<LetterKind> = []
        for (kind, language) in Self.letters {
            // A kind the fixtures have no inputs for is left to the engine tests, which check the letters pals sends.
            guard let letter = try? merged(kind, language) else { continue }
            try await check(letter, .init(), "\(kind.rawValue) (\(language.rawValue))")
            checked.insert(kind)
        }
        for kind in [LetterKind.acknowledgement, .holding, .resolution, .concernResolution, .consentForm] {
            #expect(checked.contains(kind), "\(kind.rawValue) was checked")
        }
    }

    @Test("large print in each size and easy read are tagged too", arguments: TaggedPDFTests.layouts.map(\.name))
    func everyLayoutIsTagged(layout: String) async throws {
        let options = try #require(Self.layouts.first { $0.name == layout }?.options)
        for (kind, language) in [(LetterKind.acknowledgement, LetterLanguage.welsh), (.resolution, .english)] {
            try await check(try merged(kind, language), options, "\(kind.rawValue) (\(language.rawValue), \(layout))")
        }
    }

    @Test("the subject is the H1, and the structure reads in the letter's order")
    func structureOrder() async throws {
        let letter = try merged(.acknowledgement, .english)
        let report = try await PDFReport.of(try letter.pdf())
        let text = report.structure
        let subject = try #require(text.range(of: "H1 (block)"))
        let salutation = try #require(text.range(of: "Dear Ms Jones,"))
        let heading = try #require(text.range(of: "H2 (block)"))
        #expect(subject.lowerBound < salutation.lowerBound)
        #expect(salutation.lowerBound < heading.lowerBound)
        #expect(text.contains("\"\(letter.subject)\""))
    }

    @Test("a list is L, LI, Lbl and LBody")
    func listStructure() async throws {
        let letter = try merged(.resolution, .english)
        #expect(letter.document.blocks.contains { if case .list = $0 { true } else { false } })
        let roles = try await PDFReport.of(try letter.pdf()).roles
        for role in ["L", "LI", "Lbl", "LBody"] { #expect(roles.contains(role), "\(role)") }
    }

    @Test("page numbers are left out of the structure")
    func pageNumbersAreNotContent() async throws {
        var context = Fixtures.withInputs(Fixtures.context(), kind: .resolution)
        context["inputs.findings"] = .list(
            (1...30).map { .string("Finding \($0): " + String(repeating: "text ", count: 60)) })
        let letter = try Fixtures.library.merge(kind: .resolution, language: .english, context: context)
        let report = try await PDFReport.of(try letter.pdf())
        #expect(Int(report.info["Pages"] ?? "") ?? 0 >= 3)
        #expect(!report.structure.contains("Page 2 of"))
        #expect(report.info["Tagged"] == "yes")
    }

    @Test("the Welsh letter declares Welsh; a document without a catalog is refused rather than sent untagged")
    func language() async throws {
        let welsh = try await PDFReport.of(try merged(.acknowledgement, .welsh).pdf())
        #expect(welsh.declares(language: "cy"))
        #expect(!welsh.declares(language: "en-GB"))
        #expect(welsh.info["Tagged"] == "yes")
    }

    @Test("hostile: a subject or body that looks like PDF syntax stays text")
    func hostileText() async throws {
        let document = LetterDocument(
            language: .english, title: "Your complaint (PALS) /Lang (xx) >> endobj trailer",
            letterhead: ["Example Trust >> /Type /Catalog"],
            blocks: [.heading("startxref 0"), .paragraph("%%EOF /Lang (de) << >> trailer")])
        let report = try await PDFReport.of(try PDFRenderer().render(document))
        #expect(report.info["Tagged"] == "yes")
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.declares(language: "en-GB"))
        #expect(report.info["Title"] == document.title)
    }
}
