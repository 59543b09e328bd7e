import Foundation
import Letters
import Testing

/// Issue 11 items 10, 13 and 17: templates nested too deep are refused at load (so the strict merge checks every
/// level), officer inputs are checked all at once, and the fields a letter prints are known from the templates.
@Suite struct NestingAndInputsTests {
    /// A templates folder holding one English letter `en/<name>.mustache` (and optional partials), removed by the caller.
    func folder(letter name: String, _ body: String, partials: [String: String] = [:]) throws -> URL {
        let folder = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("en"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try ("---\nsubject: Your complaint {{case.reference}}\n---\n" + body)
            .write(to: folder.appendingPathComponent("en/\(name).mustache"), atomically: true, encoding: .utf8)
        for (partial, text) in partials {
            try text.write(
                to: folder.appendingPathComponent("partials/\(partial).mustache"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// `depth` sections nested one per line around `inner`; the first section tag is on body line 1.
    func nested(_ depth: Int, around inner: String) -> String {
        String(repeating: "{{#hasPatient}}\n", count: depth) + inner + "\n"
            + String(repeating: "{{/hasPatient}}\n", count: depth)
    }

    @Test("a template nested 65 deep is refused when the library loads, naming the template and the line")
    func sixtyFiveDeepRefused() throws {
        let folder = try folder(letter: "deep", nested(65, around: "Dear {{recipient.salutation}},"))
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let library = try LetterLibrary.load(from: folder)
            // Before the fix the library loaded and the merge skipped the missing field below level 64.
            var context = Fixtures.context()
            context["recipient.salutation"] = nil
            let letter = try? library.merge(kind: "deep", language: .english, context: context)
            Issue.record("loaded a template nested 65 deep; merged text: \(letter?.text ?? "(refused)")")
        } catch {
            #expect(error.code == .invalidLibrary)
            let problem = try #require(error.problems.first { $0.code == .nestedTooDeep })
            #expect(problem.template == "en/deep.mustache")
            // Front matter takes lines 1–3; section number 33 (one past the limit of 32) is on line 3 + 33.
            #expect(problem.line == 3 + LetterLibrary.maximumNesting + 1)
            #expect(error.description.contains("en/deep.mustache line 36"))
            #expect(error.description.contains("at most 32"))
        }
    }

    @Test("at the limit every level is checked: a missing field 32 sections deep is named")
    func atTheLimitEveryLevelChecked() throws {
        let folder = try folder(
            letter: "deep", nested(LetterLibrary.maximumNesting, around: "Dear {{recipient.salutation}},"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = try LetterLibrary.load(from: folder)
        var context = Fixtures.context()
        let merged = try library.merge(kind: "deep", language: .english, context: context)
        #expect(merged.text.contains("Dear Ms Jones,"))
        context["recipient.salutation"] = nil
        do {
            _ = try library.merge(kind: "deep", language: .english, context: context)
            Issue.record("merged a letter missing a field 32 sections deep")
        } catch {
            #expect(error.code == .mergeFailed)
            #expect(error.names == ["recipient.salutation"])
        }
    }

    @Test("nesting is counted through partials: 20 sections in a letter around a partial of 20 is refused")
    func nestedThroughPartials() throws {
        let folder = try folder(
            letter: "deep", nested(20, around: "{{> inner}}"),
            partials: ["inner": nested(20, around: "{{recipient.salutation}}")])
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try LetterLibrary.load(from: folder)
            Issue.record("loaded a letter nested 41 deep through a partial")
        } catch {
            let problem = try #require(error.problems.first { $0.code == .nestedTooDeep })
            #expect(problem.template == "partials/inner.mustache")
            #expect(problem.detail?.contains("en/deep letter") == true)
        }
        let findings = TemplateLinter().lint(folder: folder)
        #expect(findings.contains { $0.code == .nestedTooDeep }, "templates check reports it too: \(findings)")
    }

    @Test("a hostile template nested 100,000 deep is refused without crashing")
    func hostileDepth() throws {
        let folder = try folder(letter: "deep", nested(100_000, around: "x"))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: LetterError.self) { try LetterLibrary.load(from: folder) }
    }

    @Test("a holding letter without inputs names both missing inputs at once")
    func missingInputsAtOnce() throws {
        do {
            try Fixtures.library.checkInputs(kind: .holding, language: .english, given: [:])
            Issue.record("accepted a holding letter without inputs")
        } catch {
            #expect(error.code == .badInputs)
            #expect(error.problems.map(\.code) == [.missingInput, .missingInput])
            #expect(error.names == ["reason", "newDate"])
            #expect(error.description.contains("reason is required"))
            #expect(error.description.contains("newDate is required"))
        }
        do {
            try Fixtures.library.checkInputs(kind: .holding, language: .english, given: ["reason": "  "])
            Issue.record("accepted a blank reason")
        } catch {
            #expect(error.names == ["reason", "newDate"], "a blank input counts as missing")
        }
    }

    @Test("an input the letter does not take is refused, listing the letter's inputs")
    func unknownInput() throws {
        do {
            try Fixtures.library.checkInputs(
                kind: .holding, language: .english,
                given: ["reason": "Waiting for a statement.", "newdate": "2027-01-20"])
            Issue.record("accepted a misspelt input")
        } catch {
            #expect(error.code == .badInputs)
            #expect(error.problems.map(\.code) == [.missingInput, .unknownInput])
            #expect(error.names == ["newDate", "newdate"])
            #expect(error.description.contains("newdate is not an input of this letter"))
            #expect(error.description.contains("The holding letter's inputs: reason, newDate (required)"))
        }
        do {
            try Fixtures.library.checkInputs(kind: .acknowledgement, language: .english, given: ["reason": "x"])
            Issue.record("accepted an input for a letter that takes none")
        } catch {
            #expect(error.description.contains("The acknowledgement letter takes no inputs."))
        }
        try Fixtures.library.checkInputs(
            kind: .resolution, language: .english,
            given: ["consideration": "a", "findings": "b", "actions": "c", "apology": "d"])
    }

    @Test("an unknown kind lists the kinds an officer can write, not the staff digest")
    func unknownKindListsKinds() throws {
        do {
            try Fixtures.library.checkInputs(kind: "holdin", language: .english, given: [:])
            Issue.record("accepted an unknown kind")
        } catch {
            #expect(error.code == .unknownKind)
            #expect(
                error.errorDescription
                    == "There is no template for the holdin letter. The letters are: acknowledgement, concern-resolution, "
                    + "consent-request, holding, late-response, mp-letter, out-of-time, receipt, redirected, "
                    + "redress-response, resolution, stage1-response, update, withdrawn."
            )
        }
    }

    @Test("the fields a letter prints are read from its templates and partials; tested ones are optional")
    func printedFields() throws {
        let acknowledgement = Fixtures.library.printedFields(kind: .acknowledgement, language: .english)
        let phone = try #require(acknowledgement.first { $0.path == "officer.phone" })
        #expect(phone.template == "partials/en/contact.mustache")
        #expect(phone.line == 1)
        #expect(acknowledgement.contains { $0.path == "organisation.email" })
        #expect(acknowledgement.contains { $0.path == "advocacy.phone" })
        #expect(!acknowledgement.contains { $0.path == "advocacy.email" }, "printed only inside {{#advocacy.email}}")
        #expect(!acknowledgement.contains { $0.path == "organisation.addressLines" }, "a list section may be empty")
        let resolution = Fixtures.library.printedFields(kind: .resolution, language: .english)
        #expect(resolution.contains { $0.path == "ombudsman.theName" }, "printed under a jurisdiction section")
        #expect(resolution.contains { $0.path == "signatory.role" })
    }
}
