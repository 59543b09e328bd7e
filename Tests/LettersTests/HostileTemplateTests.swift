import Foundation
import Letters
import Testing

/// Issue 18: a template written carelessly or with ill intent gets a clear error naming the template and the
/// line, when the library loads and when `pals templates check` lints it; never a crash, a hang or a letter.
@Suite(.timeLimit(.minutes(2))) struct HostileTemplateTests {
    /// A templates folder with the English letter `en/note.mustache` (three lines of front matter, so body
    /// line N is file line N + 3) and shared partials; removed by the caller.
    func folder(_ body: String, partials: [String: String] = [:]) throws -> URL {
        let folder = try Fixtures.temporaryFolder()
        for sub in ["en", "partials"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try ("---\nsubject: Your complaint {{case.reference}}\n---\n" + body)
            .write(to: folder.appendingPathComponent("en/note.mustache"), atomically: true, encoding: .utf8)
        for (name, text) in partials {
            try text.write(
                to: folder.appendingPathComponent("partials/\(name).mustache"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// The error `LetterLibrary.load` refuses the folder with, and what the linter finds in it.
    func refusal(_ body: String, partials: [String: String] = [:]) throws -> (LetterError, [LintFinding]) {
        let folder = try folder(body, partials: partials)
        defer { try? FileManager.default.removeItem(at: folder) }
        let findings = TemplateLinter().lint(folder: folder)
        var refused: LetterError?
        do {
            _ = try LetterLibrary.load(from: folder)
        } catch {
            refused = error
        }
        let error = try #require(refused, "the library loaded")
        #expect(error.code == .invalidLibrary)
        return (error, findings)
    }

    @Test("a section never closed is refused at the line that opened it, in a letter and in a partial")
    func unclosedSection() throws {
        let (error, findings) = try refusal(
            "Dear {{recipient.salutation}},\n{{#hasPatient}}\nAbout the patient.\n{{> contact}}\n",
            partials: ["contact": "Call us.\n{{^hasPatient}}\n"])
        #expect(
            error.problems.contains { $0.template == "en/note.mustache" && $0.line == 5 && $0.name == "hasPatient" })
        #expect(
            error.problems.contains {
                $0.template == "partials/contact.mustache" && $0.line == 2
                    && $0.detail?.contains("never closed") == true
            })
        #expect(findings.contains { $0.code == .syntax && $0.template == "en/note.mustache" && $0.line == 5 })
    }

    @Test("a section closed with another name names both sections and where the open one began")
    func mismatchedClose() throws {
        let (error, _) = try refusal("{{#hasPatient}}\nText\n{{/hasAdvocate}}\n{{/stray}}\n")
        let mismatch = try #require(error.problems.first)
        #expect(mismatch.code == .templateSyntax)
        #expect(mismatch.line == 6)
        #expect(mismatch.name == "hasAdvocate")
        #expect(mismatch.detail == "closes hasAdvocate but the open section is hasPatient (line 4)")
        #expect(error.problems.contains { $0.line == 7 && $0.detail == "closes a section that was never opened" })
    }

    @Test(
        "{{ at the very end of the file is a tag never closed, at its line", arguments: ["{{", "{{{", "{{name}", "{{#"])
    func openTagAtEndOfFile(ending: String) throws {
        let (error, findings) = try refusal("Dear {{recipient.salutation}},\n\nThanks " + ending)
        #expect(error.problems.map(\.code) == [.templateSyntax])
        #expect(error.problems.map(\.line) == [6])
        #expect(error.problems.first?.detail == "a tag opened with {{ is never closed")
        #expect(findings.contains { $0.code == .syntax && $0.line == 6 })
    }

    @Test("a single { at the end of the file is text, not a tag")
    func singleBraceAtEnd() throws {
        let folder = try folder("Prices in {curly} braces {")
        defer { try? FileManager.default.removeItem(at: folder) }
        let letter = try LetterLibrary.load(from: folder).merge(
            kind: "note", language: .english, context: ["case.reference": "PALS-2026-0042"])
        #expect(letter.document.blocks == [.paragraph("Prices in {curly} braces {")])
    }

    @Test("10,000 nested sections are refused as nested too deep, once, and so are 10,000 stray closing tags")
    func tenThousandNested() throws {
        let depth = 10_000
        let body =
            String(repeating: "{{#hasPatient}}", count: depth) + "x"
            + String(repeating: "{{/hasPatient}}", count: depth)
        let (error, findings) = try refusal(body + "\n")
        #expect(error.problems.map(\.code) == [.nestedTooDeep])
        #expect(error.problems.first?.line == 4)
        #expect(findings.contains { $0.code == .nestedTooDeep && $0.line == 4 })

        let (stray, _) = try refusal(String(repeating: "{{/hasPatient}}\n", count: depth))
        #expect(stray.problems.count == depth)
        #expect(stray.problems.last?.line == 3 + depth)
    }

    @Test("a partial that includes itself is refused, directly, twice over, and through another partial")
    func partialCycles() throws {
        for partials in [
            ["loop": "Again {{> loop}}\n"],
            // Walked naively, a partial that includes itself twice is 2^32 walks deep before the nesting limit.
            ["loop": "{{> loop}}{{> loop}}\n{{> loop}}\n"],
            ["loop": "{{> other}}\n", "other": "{{> loop}}\n"],
        ] {
            let (error, findings) = try refusal("Dear {{recipient.salutation}},\n{{> loop}}\n", partials: partials)
            #expect(
                error.problems.contains {
                    $0.code == .templateSyntax && $0.detail?.hasSuffix("includes itself") == true
                },
                "\(partials): \(error.problems)")
            #expect(findings.contains { $0.code == .syntax && $0.message.contains("includes itself") })
        }
    }

    @Test("partials that each include the next twice, 30 deep, are refused as too large before anything expands")
    func partialFanOut() throws {
        var partials: [String: String] = ["p30": "Ha.\n"]
        for level in 0..<30 { partials["p\(level)"] = "{{> p\(level + 1)}}{{> p\(level + 1)}}\n" }
        let (error, findings) = try refusal("{{> p0}}\n", partials: partials)
        #expect(error.problems.map(\.code) == [.templateTooLarge])
        #expect(error.problems.first?.template == "en/note.mustache")
        #expect(error.description.contains("more than 1.0 MB of template"))
        #expect(findings.contains { $0.code == .syntax && $0.template == "en/note.mustache" })
    }

    @Test("a 10 MB template is refused with its size, and so is a 10 MB partial")
    func tenMegabytes() throws {
        let huge = String(repeating: "Dear {{recipient.salutation}}, thank you.\n", count: 250_000)
        #expect(huge.utf8.count > 10_000_000)
        let (error, findings) = try refusal(huge, partials: ["big": huge])
        #expect(error.problems.map(\.code) == [.templateTooLarge, .templateTooLarge])
        #expect(Set(error.problems.map(\.template)) == ["en/note.mustache", "partials/big.mustache"])
        #expect(error.description.contains("10.0 MB; a template may be at most 1.0 MB"))
        #expect(findings.filter { $0.message.contains("10.0 MB") }.count == 2)
    }

    @Test("a long line of many tags just under the size limit loads in time in step with its length")
    func manyTagsOnOneLine() throws {
        // Each comment once made the scanner copy the whole line so far: about 10^11 bytes for this line.
        let line = String(repeating: "word {{! note }}", count: 60_000)
        let folder = try folder(line + "\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = try LetterLibrary.load(from: folder)
        let letter = try library.merge(kind: "note", language: .english, context: ["case.reference": "PALS-1"])
        guard case .paragraph(let text)? = letter.document.blocks.first else {
            Issue.record("no paragraph: \(letter.document.blocks.count) blocks")
            return
        }
        #expect(text.utf8.count == 5 * 60_000 - 1)
    }

    @Test("control characters in a tag are refused and shown escaped, so printing the error cannot drive a terminal")
    func controlCharactersInTag() throws {
        let (error, findings) = try refusal(
            "Dear {{recipient.\u{1B}[2Jsalutation}},\n{{#has\u{0}Patient}}x{{/has\u{0}Patient}}\n"
                + "{{> a/\u{202E}gnp.exe}}\n{{case.\nreference}}\nDone {{title\u{7F}}}\n")
        // The scanner's problems come first, in the order met; the unknown partial is found after.
        #expect(error.problems.map(\.line) == [4, 5, 5, 7, 9, 6])
        #expect(error.problems.first?.name == #"recipient.\u{1B}[2Jsalutation"#)
        #expect(error.problems.contains { $0.code == .unknownPartial && $0.name == #"a/\u{202E}gnp.exe"# })
        #expect(error.problems.contains { $0.name == #"case.\u{A}reference"# })
        #expect(error.problems.contains { $0.line == 9 && $0.name == #"title\u{7F}"# })
        for text in [error.description] + findings.map(\.description) {
            #expect(!text.unicodeScalars.contains { [0x1B, 0x00, 0x7F, 0x202E].contains($0.value) }, "\(text)")
        }
    }

    @Test("a field name 100,000 characters long is refused, and the problem shows only its first 64")
    func longTagName() throws {
        let (error, _) = try refusal("Dear {{" + String(repeating: "é", count: 100_000) + "}},\n")
        let problem = try #require(error.problems.first)
        #expect(problem.line == 4)
        #expect(problem.name == String(repeating: "é", count: 64) + "…")
        #expect(error.description.count < 500)
    }
}
