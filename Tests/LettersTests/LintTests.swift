import Foundation
import Letters
import Testing

/// `pals templates check`: the shipped library lints clean and each kind of breakage is found.
@Suite struct LintTests {
    @Test("the shipped templates lint clean")
    func shippedIsClean() {
        let findings = TemplateLinter().lint(folder: Fixtures.templates)
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test("a broken library yields the expected findings")
    func broken() throws {
        let folder = try Fixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        func edit(_ file: String, _ old: String, _ new: String) throws {
            try String.edit(folder.appendingPathComponent(file), replacing: old, with: new)
        }
        try edit(
            "en/acknowledgement.mustache", "subject: Your complaint {{case.reference}}",
            "subject: Your complaint {{case.reference}} from {{complainant.fullName}}")
        try edit("en/acknowledgement.mustache", "{{deadlines.respondBy}}", "{{deadlines.respondby}}")
        try edit("en/acknowledgement.mustache", "{{> advocacy}}", "@advocacy")
        try edit("en/resolution.mustache", "{{> ombudsman}}", "")
        try edit("en/holding.mustache", "{{inputs.reason}}", "{{inputs.reasons}}")
        try edit("en/holding.mustache", "inputs: reason, newDate", "inputs: reasons, newDate")
        try edit("cy/resolution.mustache", "optional-inputs: apology", "optional-inputs:")
        try edit("partials/en/letterhead.mustache", "{{organisation.web}}", "{{organisation.website}}\n{{> logo}}")
        try edit("en/out-of-time.mustache", "{{case.received}}", "{{case.summary}} {{organisation.addressLines}}")

        let findings = TemplateLinter().lint(folder: folder)
        func has(_ code: LintFinding.Code, _ template: String, _ name: String) -> Bool {
            findings.contains { $0.code == code && $0.template == template && $0.name == name }
        }
        #expect(has(.personalSubject, "en/acknowledgement.mustache", "complainant.fullName"))
        #expect(has(.unknownField, "en/acknowledgement.mustache", "deadlines.respondby"))
        #expect(has(.missingContent, "en/acknowledgement.mustache", "deadlines.respondBy"))
        #expect(has(.missingContent, "en/acknowledgement.mustache", "advocacy"))
        #expect(has(.unknownDirective, "en/acknowledgement.mustache", "@advocacy"))
        #expect(has(.missingContent, "en/resolution.mustache", "ombudsman"))
        #expect(has(.missingContent, "en/holding.mustache", "inputs.reason"))
        #expect(has(.inputsDiffer, "cy/holding.mustache", "holding"))
        #expect(has(.inputsDiffer, "cy/resolution.mustache", "resolution"))
        #expect(has(.unknownField, "partials/en/letterhead.mustache", "organisation.website"))
        #expect(has(.unknownPartial, "partials/en/letterhead.mustache", "logo"))
        #expect(has(.notText, "en/out-of-time.mustache", "organisation.addressLines"))
        // case.summary is a known field, fine in a body.
        #expect(!findings.contains { $0.name == "case.summary" })
        // Every finding has a place a person can go to.
        let unknown = try #require(findings.first { $0.name == "deadlines.respondby" })
        let lines = try String(
            contentsOf: folder.appendingPathComponent("en/acknowledgement.mustache"), encoding: .utf8
        )
        .components(separatedBy: "\n")
        #expect(unknown.line == (lines.firstIndex { $0.contains("{{deadlines.respondby}}") }.map { $0 + 1 }))
        #expect(unknown.description.hasPrefix("en/acknowledgement.mustache:\(unknown.line!): unknownField"))
    }

    @Test("inputs a template uses must be declared, and Welsh letters need an English one")
    func undeclaredAndOrphans() throws {
        let folder = try Fixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try String.edit(
            folder.appendingPathComponent("en/consent-request.mustache"), replacing: "# Consent to share information",
            with: "# Consent to share information\n\n{{inputs.note}}")
        try "---\nsubject: Eich cwyn {{case.reference}}\n---\nHelo\n".write(
            to: folder.appendingPathComponent("cy/welsh-only.mustache"), atomically: true, encoding: .utf8)
        try "No front matter\n".write(
            to: folder.appendingPathComponent("en/bare.mustache"), atomically: true, encoding: .utf8)
        let findings = TemplateLinter().lint(folder: folder)
        #expect(findings.contains { $0.code == .undeclaredInput && $0.name == "inputs.note" })
        #expect(findings.contains { $0.code == .translationWithoutEnglish && $0.template == "cy/welsh-only.mustache" })
        #expect(findings.contains { $0.code == .frontMatter && $0.template == "en/bare.mustache" })
    }

    @Test("syntax errors and unsupported tags are found with their lines")
    func syntax() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("en"), withIntermediateDirectories: true)
        try "---\nsubject: Your complaint {{case.reference}}\nsubjekt: x\n---\nDear {{#hasPatient}}\n{{=<% %>=}}\n"
            .write(to: folder.appendingPathComponent("en/bad.mustache"), atomically: true, encoding: .utf8)
        let findings = TemplateLinter().lint(folder: folder)
        #expect(findings.contains { $0.code == .frontMatter && $0.line == 3 && $0.name == "subjekt" })
        #expect(findings.contains { $0.code == .syntax && $0.line == 6 })
        #expect(findings.contains { $0.code == .syntax && $0.line == 5 && $0.name == "hasPatient" })
        #expect(throws: LetterError.self) { try LetterLibrary.load(from: folder) }
    }

    @Test("the catalog lists the contract's fields")
    func catalog() {
        let catalog = MergeFieldCatalog.standard
        for path in [
            "recipient.salutation", "case.received", "deadlines.backstop", "ombudsman.addressLines",
            "digest.items.state",
            "jurisdiction.northernIreland", "inputs.reason", "letter.date", "consent.refused",
        ] {
            #expect(catalog.field(path) != nil, "\(path)")
        }
        #expect(catalog.field("recipient.salutaton") == nil)
        #expect(catalog.field("patient.fullName")?.isPersonal == true)
        #expect(catalog.field("case.reference")?.isPersonal == false)
        #expect(catalog.field("hasPatient")?.type == .flag)
    }
}
