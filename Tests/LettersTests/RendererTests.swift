import Foundation
import Letters
import Testing

/// Issue 18: pals' own template renderer parses every template once, when the library loads, and renders it
/// with the strict check in the same walk, keeping the template language the letters are written in.
@Suite struct RendererTests {
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

    /// The letter `body` merged over `context`.
    func merge(_ body: String, partials: [String: String] = [:], context: MergeContext) throws -> MergedLetter {
        let folder = try folder(body, partials: partials)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try LetterLibrary.load(from: folder).merge(kind: "note", language: .english, context: context)
    }

    /// The problems `LetterLibrary.load` refuses the folder with, or none.
    func loadProblems(_ body: String, partials: [String: String] = [:]) throws -> [LetterProblem] {
        let folder = try folder(body, partials: partials)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try LetterLibrary.load(from: folder)
            return []
        } catch {
            #expect(error.code == .invalidLibrary)
            return error.problems
        }
    }

    let context: MergeContext = [
        "case.reference": "PALS-2026-0042", "title": "Root title", "hasPatient": true,
        "recipient.salutation": "Ms Jones", "recipient.address.town": "Exampleton",
        "address.postcode": "EX1 9ZZ",
    ]

    @Test("syntax faults are refused when the library loads, each with its line")
    func syntaxFaultsHaveLines() throws {
        let problems = try loadProblems(
            """
            Dear {{recipient.salutation}},
            {{#hasPatient}}
            {{/hasPatent}}
            {{ two words }}
            {{{#raw}}}
            {{enw_ŵ}}
            {{#unclosed}}

            """)
        #expect(problems.allSatisfy { $0.code == .templateSyntax && $0.template == "en/note.mustache" })
        #expect(problems.map(\.line) == [6, 7, 8, 9, 10])
        #expect(problems.first?.detail?.contains("the open section is hasPatient (line 5)") == true)
        #expect(problems.last?.name == "unclosed")
        #expect(problems.last?.detail?.contains("never closed") == true)
    }

    @Test("a section left open is refused at load, at the line that opened it")
    func unclosedSection() throws {
        let problems = try loadProblems("Dear {{recipient.salutation}},\n\n{{^hasPatient}}\nNo patient.\n")
        #expect(problems.map(\.code) == [.templateSyntax])
        #expect(problems.map(\.line) == [6])
        #expect(problems.map(\.name) == ["hasPatient"])
    }

    @Test("a misspelt partial inside a partial is refused at load, naming the partial file and line")
    func misspeltNestedPartial() throws {
        let problems = try loadProblems(
            "{{> outer}}\n", partials: ["outer": "Contact us.\n{{> contct}}\n", "contact": "Phone us.\n"])
        // Once for each language whose letters can see the shared partial.
        #expect(!problems.isEmpty)
        for problem in problems {
            #expect(problem.code == .unknownPartial)
            #expect(problem.template == "partials/outer.mustache")
            #expect(problem.line == 2)
            #expect(problem.name == "contct")
        }
    }

    @Test("a dotted name's first part is looked up from the innermost section outwards, the rest from there only")
    func dottedNames() throws {
        let letter = try merge(
            "{{#recipient}}{{salutation}} of {{address.town}}, {{title}}, {{case.reference}}{{/recipient}}\n",
            context: context)
        #expect(letter.document.blocks == [.paragraph("Ms Jones of Exampleton, Root title, PALS-2026-0042")])

        // recipient.address exists, so address.postcode is not taken from the root's address.
        let fromThereOnly = #expect(throws: LetterError.self) {
            try merge("{{#recipient}}{{address.postcode}}{{/recipient}}\n", context: context)
        }
        #expect(fromThereOnly?.problems.map(\.name) == ["address.postcode"])
        #expect(fromThereOnly?.problems.map(\.line) == [4])

        // A leading dot looks in the innermost value only.
        let anchored = #expect(throws: LetterError.self) {
            try merge("{{#recipient}}{{.title}}{{/recipient}}\n", context: context)
        }
        #expect(anchored?.problems.map(\.code) == [.missingField])
        #expect(anchored?.problems.map(\.name) == [".title"])
    }

    @Test("a list section prints once per item, with {{.}} the item; an empty list prints its inverted section")
    func listIteration() throws {
        var context = context
        context["lines"] = ["Tŷ'r Ŵyl", "Heol y Bont"]
        context["items"] = [["state": "acknowledge", "ref": "PALS-1"], ["state": "respond", "ref": "PALS-2"]]
        context["none"] = .list([])
        let letter = try merge(
            """
            @lines
            {{#lines}}
            {{.}}
            {{/lines}}

            {{#items}}
            - {{state}}: {{ref}} ({{case.reference}})
            {{/items}}

            {{#none}}
            - never printed {{missing}}
            {{/none}}
            {{^none}}
            Nothing to watch.
            {{/none}}

            """, context: context)
        #expect(
            letter.document.blocks == [
                .lines(["Tŷ'r Ŵyl", "Heol y Bont"]),
                .list(["acknowledge: PALS-1 (PALS-2026-0042)", "respond: PALS-2 (PALS-2026-0042)"]),
                .paragraph("Nothing to watch."),
            ])
    }

    @Test(
        "{{{name}}}, {{& name}} and {{name}} print the same text: <b>Eve</b> & \"Co\" escaped in HTML, intact in text")
    func escaping() throws {
        var context = context
        context["name"] = #"<b>Eve</b> & "Co""#
        let letter = try merge("{{{name}}} / {{& name}} / {{name}}\n", context: context)
        let value = #"<b>Eve</b> & "Co""#
        #expect(letter.document.blocks == [.paragraph("\(value) / \(value) / \(value)")])
        let escaped = "&lt;b&gt;Eve&lt;/b&gt; &amp; &quot;Co&quot;"
        #expect(letter.html.contains("\(escaped) / \(escaped) / \(escaped)"))
        #expect(!letter.html.contains("<b>"))
        #expect(letter.text.contains("\(value) / \(value) / \(value)"))
    }

    @Test("tags alone on their line take the line away; the paragraphs of a letter follow from that")
    func standaloneLines() throws {
        let letter = try merge(
            """
            @salutation Dear {{recipient.salutation}},
            {{! a comment alone on its line }}
            First line
            {{#hasPatient}}
            continues the paragraph.
            {{/hasPatient}}
            {{^hasPatient}}
            never printed.
            {{/hasPatient}}

            {{#hasPatient}}
            Yes
            {{/hasPatient}}{{^hasPatient}}
            No
            {{/hasPatient}}
            same paragraph

            {{^no}}{{^no}}
            Own paragraph
            {{/no}}{{/no}}
            Next

            """ + "  {{#hasPatient}}  \n  - item {{title}}  \n  {{/hasPatient}}  \n- item two\n", context: context)
        #expect(letter.document.salutation == "Dear Ms Jones,")
        #expect(
            letter.document.blocks == [
                .paragraph("First line continues the paragraph."), .paragraph("Yes same paragraph"),
                .paragraph("Own paragraph"), .paragraph("Next"), .list(["item Root title", "item two"]),
            ])
    }

    @Test("every missing or empty field is listed once with its template and line, partials included; nothing else")
    func strictInOneWalk() throws {
        var context = context
        context["blank"] = "  "
        context["names"] = ["A", "B"]
        let error = #expect(throws: LetterError.self) {
            try merge(
                """
                Dear {{recipient.salutaton}},
                {{#names}}
                {{.}} {{missing.inList}}
                {{/names}}
                {{#no}}
                {{neverChecked}}
                {{/no}}
                {{> contact}}

                """, partials: ["contact": "Call {{blank}}.\n"], context: context)
        }
        #expect(error?.code == .mergeFailed)
        #expect(error?.problems.map(\.code) == [.missingField, .missingField, .emptyField])
        #expect(
            error?.problems.map(\.template) == ["en/note.mustache", "en/note.mustache", "partials/contact.mustache"])
        #expect(error?.problems.map(\.line) == [4, 6, 1])
        #expect(error?.problems.map(\.name) == ["recipient.salutaton", "missing.inList", "blank"])
    }

    @Test("templates are parsed once, when the library loads: editing a file afterwards changes no letter")
    func parsedOnceAtLoad() throws {
        let folder = try folder("Dear {{recipient.salutation}},\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = try LetterLibrary.load(from: folder)
        try "---\nsubject: Changed\n---\nChanged {{nothing}}\n".write(
            to: folder.appendingPathComponent("en/note.mustache"), atomically: true, encoding: .utf8)
        let letter = try library.merge(kind: "note", language: .english, context: context)
        #expect(letter.subject == "Your complaint PALS-2026-0042")
        #expect(letter.document.blocks == [.paragraph("Dear Ms Jones,")])
    }
}
