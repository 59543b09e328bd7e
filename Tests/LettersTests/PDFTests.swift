import Foundation
import Letters
import Testing

/// PDFs written through cairo and pango, read back with poppler's pdftotext and pdfinfo.
@Suite struct PDFTests {
    struct Word {
        let xMin, yMin, xMax, yMax: Double
        let text: String
        var height: Double { yMax - yMin }
    }

    /// Writes the PDF and returns its path (in a scratch folder the caller removes).
    func write(_ data: Data) throws -> URL {
        let folder = try Fixtures.temporaryFolder()
        let url = folder.appendingPathComponent("letter.pdf")
        try data.write(to: url)
        return url
    }

    func text(_ url: URL, page: Int? = nil) async throws -> String {
        var arguments = ["-enc", "UTF-8"]
        if let page { arguments += ["-f", "\(page)", "-l", "\(page)"] }
        return try await Fixtures.run("/usr/bin/pdftotext", arguments + [url.path, "-"])
    }

    func info(_ url: URL) async throws -> [String: String] {
        let output = try await Fixtures.run("/usr/bin/pdfinfo", [url.path])
        var info: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            info[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return info
    }

    /// Word boxes of page `page` from `pdftotext -bbox`.
    func words(_ url: URL, page: Int = 1) async throws -> [Word] {
        let html = try await Fixtures.run(
            "/usr/bin/pdftotext", ["-bbox", "-f", "\(page)", "-l", "\(page)", url.path, "-"])
        let pattern = try NSRegularExpression(
            pattern: #"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            func group(_ index: Int) -> String { String(html[Range(match.range(at: index), in: html)!]) }
            return Word(
                xMin: Double(group(1))!, yMin: Double(group(2))!, xMax: Double(group(3))!, yMax: Double(group(4))!,
                text: group(5))
        }
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// A resolution long enough for three or more pages.
    func longResolution(language: LetterLanguage) throws -> MergedLetter {
        var context = Fixtures.withInputs(
            Fixtures.context(language == .welsh ? .wales : .england, language: language),
            kind: .resolution, language: language)
        let paragraph =
            language == .welsh
            ? "Gwnaethom adolygu'r holl gofnodion ac roedd y staff yn barod i siarad â ni am yr hyn a ddigwyddodd yn y clinig."
            : "We reviewed every record and the staff were willing to talk with us about what happened in the clinic that week."
        context["inputs.findings"] = .list(
            (1...14).map { .string("\($0). " + String(repeating: paragraph + " ", count: 3)) })
        return try Fixtures.library.merge(kind: .resolution, language: language, context: context)
    }

    @Test("an English letter is an A4 PDF whose text reads back, with the title set to the subject")
    func english() async throws {
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: Fixtures.context())
        let url = try write(try letter.pdf())
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let info = try await info(url)
        #expect(info["Page size"]?.hasPrefix("595.276 x 841.89 pts") == true)
        #expect(info["Page size"]?.contains("A4") == true)
        #expect(info["Title"] == "Your complaint PALS-2026-0042")
        let text = try await text(url)
        #expect(text.contains("Dear Ms Jones,"))
        #expect(text.contains("PALS-2026-0042"))
        #expect(text.contains("Yours sincerely,"))
        #expect(text.contains("8 January 2027"))
        let fonts = try await Fixtures.run("/usr/bin/pdffonts", [url.path])
        #expect(fonts.contains("DejaVuSans"))
    }

    @Test("the address sits in the window of a DL envelope, and the body text is 11 pt")
    func addressWindow() async throws {
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: Fixtures.context())
        let url = try write(try letter.pdf())
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let words = try await words(url)
        let mm = 72.0 / 25.4
        let name = try #require(words.first { $0.text == "Ms" })
        #expect(name.xMin > 20 * mm && name.xMin < 30 * mm)
        #expect(name.yMin > 45 * mm && name.yMin < 55 * mm)
        let postcode = try #require(words.first { $0.text == "9ZZ" })
        #expect(postcode.yMax < 90 * mm)
        // DejaVu Sans boxes are about 1.16 em high: 11 pt gives about 12.8 pt (14.7 pt text would give 17).
        let height = median(words.map(\.height))
        #expect(height > 11 * 1.05 && height < 11 * 1.3)
    }

    @Test("a Welsh letter keeps ŵ ŷ â ï in the PDF")
    func welsh() async throws {
        let letter = try Fixtures.library.merge(
            kind: .acknowledgement, language: .welsh,
            context: Fixtures.context(.wales, language: .welsh))
        let url = try write(try letter.pdf())
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let text = try await text(url)
        for phrase in ["Tŷ'r Ŵyl", "Annwyl Mr Llŷr,", "Gwenllïan", "Caniatâd", "Yn gywir,", "23 Tachwedd 2026", "Ffôn"]
        {
            #expect(text.contains(phrase), "\(phrase)")
        }
    }

    @Test("page numbers appear from page 2 onwards", arguments: [LetterLanguage.english, .welsh])
    func pageNumbers(_ language: LetterLanguage) async throws {
        let url = try write(try longResolution(language: language).pdf())
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let pages = try #require(Int(try await info(url)["Pages"] ?? ""))
        #expect(pages >= 3)
        let label = language == .welsh ? "Tudalen" : "Page"
        let conjunction = language == .welsh ? "o" : "of"
        #expect(!(try await text(url, page: 1)).contains("\(label) 1"))
        for page in 2...pages {
            #expect(try await text(url, page: page).contains("\(label) \(page) \(conjunction) \(pages)"))
        }
    }

    @Test("large print is 16 pt and takes more pages")
    func largePrint() async throws {
        let letter = try longResolution(language: .english)
        let normal = try write(try letter.pdf())
        let large = try write(try letter.pdf(largePrint: true))
        defer {
            try? FileManager.default.removeItem(at: normal.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: large.deletingLastPathComponent())
        }
        let normalHeight = median(try await words(normal, page: 2).map(\.height))
        let largeHeight = median(try await words(large, page: 2).map(\.height))
        // Word boxes scale with the font size: 16 / 11 of the normal size, within rounding.
        #expect(largeHeight / normalHeight > 16.0 / 11.0 * 0.97)
        #expect(largeHeight > 16 * 1.1)
        // Nothing on the page is smaller than 16 pt, page numbers included.
        #expect(try await words(large, page: 2).allSatisfy { $0.height > 16 * 1.05 })
        let normalPages = try #require(Int(try await info(normal)["Pages"] ?? ""))
        let largePages = try #require(Int(try await info(large)["Pages"] ?? ""))
        #expect(largePages > normalPages)
        #expect(try await text(large).contains("Yours sincerely,"))
    }

    @Test("with a creation date given, rendering twice gives the same bytes")
    func deterministic() async throws {
        let letter = try Fixtures.library.merge(
            kind: .holding, language: .english,
            context: Fixtures.withInputs(Fixtures.context(), kind: .holding))
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let first = try letter.pdf(creationDate: date)
        let second = try letter.pdf(creationDate: date)
        #expect(first == second)
        let url = try write(first)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(try await info(url)["CreationDate"]?.contains("2026") == true)
    }

    @Test("values are plain text in the PDF too")
    func pdfInjection() async throws {
        var context = Fixtures.context()
        context["recipient.fullName"] = #"<b>Eve</b> & "Co""#
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context)
        let url = try write(try letter.pdf())
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(try await text(url).contains(#"<b>Eve</b> & "Co""#))
    }
}
