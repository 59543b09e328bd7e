import Foundation
import Letters
import Testing

/// DESIGN invariant 1: a letter is merged strictly; every missing or empty field is listed and nothing is produced.
@Suite struct StrictMergeTests {
    let library = Fixtures.library

    /// The 1-based line of the first occurrence of `text` in a template file.
    func line(of text: String, in template: String) throws -> Int {
        let contents = try String(contentsOf: Fixtures.templates.appendingPathComponent(template), encoding: .utf8)
        let lines = contents.components(separatedBy: "\n")
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    func mergeError(_ kind: LetterKind, _ context: MergeContext, language: LetterLanguage = .english) -> LetterError? {
        do {
            _ = try library.merge(kind: kind, language: language, context: context)
            return nil
        } catch {
            return error
        }
    }

    @Test("a missing field is an error naming the field, the template and the line")
    func missingField() throws {
        var context = Fixtures.context()
        context["recipient.salutation"] = nil
        let error = try #require(mergeError(.acknowledgement, context))
        #expect(error.code == .mergeFailed)
        #expect(error.problems.count == 1)
        let problem = try #require(error.problems.first)
        #expect(problem.code == .missingField)
        #expect(problem.name == "recipient.salutation")
        #expect(problem.template == "en/acknowledgement.mustache")
        #expect(
            problem.line
                == (try line(of: "@salutation Dear {{recipient.salutation}}", in: "en/acknowledgement.mustache")))
        #expect(error.description.contains("recipient.salutation"))
        #expect(error.description.contains("en/acknowledgement.mustache line \(problem.line!)"))
    }

    @Test("an empty or blank field is an error: Dear , never leaves")
    func emptyField() throws {
        for blank in ["", "   ", "\n"] {
            var context = Fixtures.context()
            context["recipient.salutation"] = .string(blank)
            let error = try #require(mergeError(.acknowledgement, context))
            #expect(error.problems.map(\.code) == [.emptyField])
            #expect(error.names == ["recipient.salutation"])
        }
    }

    @Test("several missing fields are all listed, in templates and partials, each with its line")
    func severalMissing() throws {
        var context = Fixtures.context()
        for field in ["recipient.salutation", "officer.name", "case.received", "advocacy.name", "organisation.phone"] {
            context[field] = nil
        }
        let error = try #require(mergeError(.acknowledgement, context))
        #expect(
            Set(error.names) == [
                "recipient.salutation", "officer.name", "case.received", "advocacy.name", "organisation.phone",
            ])
        #expect(error.problems.allSatisfy { $0.code == .missingField && $0.line != nil })
        // officer.name is rendered in the letter and in the contact partial: each place is listed.
        let officer = error.problems.filter { $0.name == "officer.name" }
        #expect(Set(officer.map(\.template)) == ["en/acknowledgement.mustache", "partials/en/contact.mustache"])
        #expect(
            error.problems.contains {
                $0.name == "organisation.phone" && $0.template == "partials/en/letterhead.mustache" && $0.line == 6
            })
        #expect(
            error.problems.contains { $0.name == "advocacy.name" && $0.template == "partials/en/advocacy.mustache" })
    }

    @Test("a field inside a skipped section is not required; inside a rendered one it is")
    func sections() throws {
        var context = Fixtures.context(hasPatient: false)
        context["patient.fullName"] = nil
        context["deadlines.backstop"] = nil
        let letter = try library.merge(kind: .acknowledgement, language: .english, context: context)
        #expect(!letter.text.contains("Unless we agree a longer period"))
        context["hasPatient"] = true
        context["consent.requested"] = true
        context["consent.formEnclosed"] = true
        let error = try #require(mergeError(.acknowledgement, context))
        #expect(error.names == ["patient.fullName"])
    }

    @Test("a misspelt field in a template is an error at merge, naming the misspelling and its line")
    func misspeltField() throws {
        let folder = try Fixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let file = folder.appendingPathComponent("en/holding.mustache")
        try String.edit(
            file, replacing: "@salutation Dear {{recipient.salutation}},",
            with: "@salutation Dear {{recipient.salutaton}},")
        let broken = try LetterLibrary.load(from: folder)
        let context = Fixtures.withInputs(Fixtures.context(), kind: .holding)
        do {
            _ = try broken.merge(kind: .holding, language: .english, context: context)
            Issue.record("merged with a misspelt field")
        } catch {
            #expect(error.problems.map(\.code) == [.missingField])
            #expect(error.names == ["recipient.salutaton"])
            #expect(error.problems.first?.line == (try line(of: "@salutation", in: "en/holding.mustache")))
        }
    }

    @Test("a misspelt partial is an error when the library loads, naming the partial and its line")
    func misspeltPartial() throws {
        let folder = try Fixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try String.edit(
            folder.appendingPathComponent("en/resolution.mustache"), replacing: "{{> ombudsman}}",
            with: "{{> ombudsmen}}")
        try String.edit(
            folder.appendingPathComponent("cy/holding.mustache"), replacing: "{{> signature}}", with: "{{>signatur}}")
        do {
            _ = try LetterLibrary.load(from: folder)
            Issue.record("loaded a library with unknown partials")
        } catch {
            #expect(error.code == .invalidLibrary)
            #expect(error.problems.map(\.code) == [.unknownPartial, .unknownPartial])
            #expect(Set(error.names) == ["ombudsmen", "signatur"])
            let ombudsmen = try #require(error.problems.first { $0.name == "ombudsmen" })
            #expect(ombudsmen.template == "en/resolution.mustache")
            #expect(ombudsmen.line == (try line(of: "{{> ombudsman}}", in: "en/resolution.mustache")))
            #expect(error.description.contains("the partial ombudsmen does not exist"))
        }
    }

    @Test("a required officer input that is missing is listed with the fields that need it")
    func missingInput() throws {
        var context = Fixtures.withInputs(Fixtures.context(), kind: .holding)
        context["inputs.reason"] = nil
        context["inputs.newDate"] = " "
        let error = try #require(mergeError(.holding, context))
        #expect(error.problems.filter { $0.code == .missingInput }.map(\.name) == ["inputs.reason", "inputs.newDate"])
        #expect(error.problems.contains { $0.code == .missingField && $0.name == "inputs.reason" })
        #expect(error.problems.contains { $0.code == .emptyField && $0.name == "inputs.newDate" })
        var resolution = Fixtures.withInputs(Fixtures.context(), kind: .resolution)
        resolution["inputs.actions"] = .list([])
        resolution["inputs.apology"] = nil
        let resolutionError = try #require(mergeError(.resolution, resolution))
        #expect(resolutionError.names == ["inputs.actions"])
    }

    @Test("flags, lists and objects are not printed as text, and an empty list is empty")
    func notText() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("en"), withIntermediateDirectories: true)
        try """
        ---
        subject: Your complaint {{case.reference}}
        ---
        {{hasPatient}} {{recipient}}
        {{organisation.addressLines}}
        {{recipient.addressLines}}
        """.write(to: folder.appendingPathComponent("en/test.mustache"), atomically: true, encoding: .utf8)
        let library = try LetterLibrary.load(from: folder)
        var context = Fixtures.context()
        context["recipient.addressLines"] = .list([])
        do {
            _ = try library.merge(kind: "test", language: .english, context: context)
            Issue.record("merged flags and lists as text")
        } catch {
            #expect(error.problems.map(\.code) == [.notText, .notText, .notText, .emptyField])
            #expect(error.problems.map(\.line) == [4, 4, 5, 6])
        }
    }

    @Test("an unknown kind is an error")
    func unknownKind() {
        #expect(throws: LetterError.self) {
            try library.merge(kind: "no-such-letter", language: .english, context: Fixtures.context())
        }
    }

    @Test("an absent optional value never renders as nil or as nothing")
    func noNil() throws {
        var context = Fixtures.withInputs(Fixtures.context(), kind: .resolution)
        context["inputs.apology"] = nil
        let letter = try library.merge(kind: .resolution, language: .english, context: context)
        #expect(!letter.text.contains("nil"))
        #expect(!letter.text.contains("Our apology"))
        #expect(!letter.text.contains(" ,"))
    }
}
