import Casework
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing

@testable import Engine

/// The words of a PDF page with their heights, from poppler's `pdftotext -bbox`.
func pdfWords(_ data: Data, page: Int = 1) async throws -> [(text: String, height: Double)] {
    let folder = try TemporaryFolder("pdf")
    defer { folder.remove() }
    let file = folder.appending("letter.pdf")
    try data.write(to: file)
    let html = try await ProcessRunner.runOffPool(
        "/usr/bin/pdftotext", ["-bbox", "-f", "\(page)", "-l", "\(page)", file.path, "-"]
    ).stdout
    let pattern = try NSRegularExpression(
        pattern: #"<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>"#)
    return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
        func group(_ index: Int) -> String { String(html[Range(match.range(at: index), in: html)!]) }
        return (group(3), Double(group(2))! - Double(group(1))!)
    }
}

/// `pdfinfo`'s Tagged line of a PDF.
func pdfTagged(_ data: Data) async throws -> String? {
    let folder = try TemporaryFolder("pdf")
    defer { folder.remove() }
    let file = folder.appending("letter.pdf")
    try data.write(to: file)
    let info = try await ProcessRunner.runOffPool("/usr/bin/pdfinfo", [file.path]).stdout
    return info.split(separator: "\n").first { $0.hasPrefix("Tagged:") }.map {
        $0.dropFirst("Tagged:".count).trimmingCharacters(in: .whitespaces)
    }
}

/// Every accessible-information need changes what is sent (issue 14, DAPB1605): large print in the organisation's
/// size on paper and in HTML mail, easy read from its own template set, and a hold for what pals cannot make.
@Suite("Accessible formats: large print, easy read and what pals holds")
struct AccessibleFormatsTests {
    static let update = ["progress": "We have read the notes.", "nextSteps": "We will meet the ward manager."]

    func prepare(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, inputs: [String: String] = [:]
    ) async throws -> PreparedLetter {
        try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(kind, reference: reference, inputs: inputs)
        }
    }

    @Test("easy read: the acknowledgement comes from the easy-read set, at 16 pt or more, tagged, not held")
    func easyReadAcknowledgement() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["easy-read"] })
        let letter = try await prepare(ws, .acknowledgement, record.reference)
        #expect(letter.holdReasons.isEmpty)
        #expect(letter.format.easyRead)
        #expect(letter.merged.flatText.contains("This letter is in easy read."))
        #expect(letter.merged.flatText.contains("Free help"), "the easy-read letter still offers advocacy")
        #expect(letter.html.contains("font-size: 16pt"))
        let pdf = try await offPool { try letter.pdf() }
        let words = try await pdfWords(pdf, page: 2)
        #expect(!words.isEmpty)
        #expect(words.allSatisfy { $0.height > 16 * 1.05 }, "nothing under 16 pt")
        #expect(try await pdfTagged(pdf) == "yes")
    }

    @Test("easy read: one idea a line, short sentences, in every easy-read letter")
    func easyReadIsShort() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["easy-read"] })
        let inputs: [LetterKind: [String: String]] = [
            .update: Self.update,
            .resolution: ["consideration": "We read the notes.", "findings": "A delay.", "actions": "Training."],
        ]
        for kind in [LetterKind.acknowledgement, .update, .resolution] {
            let letter = try await prepare(ws, kind, record.reference, inputs: inputs[kind] ?? [:])
            #expect(letter.format.easyRead, "\(kind.rawValue)")
            for block in letter.merged.document.blocks {
                guard case .paragraph(let text) = block else { continue }
                // A sentence ends at a full stop, question or exclamation mark followed by a space or the end (the
                // dots inside an email or web address end nothing).
                let sentences = text.replacingOccurrences(of: #"[.?!](\s|$)"#, with: "\n", options: .regularExpression)
                    .split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                #expect(sentences.count <= 2, "\(kind.rawValue): one idea a line: \(text)")
                #expect(text.split(separator: " ").count <= 22, "\(kind.rawValue): a short sentence: \(text)")
            }
        }
    }

    @Test("easy read: a kind the easy-read set has no template for is held, naming easy read")
    func easyReadHoldsOtherKinds() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["easy-read"] })
        let letter = try await prepare(
            ws, .holding, record.reference,
            inputs: ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"])
        #expect(
            letter.holdReasons == [.formatNeeded(.easyRead, detail: "there is no easy-read template for holding")])
        #expect(letter.heldReason?.hasPrefix("needs easy read: there is no easy-read template for holding") == true)
    }

    @Test("easy read: a Welsh easy-read case without a Welsh easy-read template is held")
    func welshEasyReadHeld() async throws {
        let ws = try await EngineWorkspace.make(welshForms: true)
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.complainant["language"] = "cy"
                $0.complainant["accessibleInformation"] = ["easy-read"]
            })
        let letter = try await prepare(ws, .acknowledgement, record.reference)
        #expect(letter.merged.language == .welsh, "the Welsh letter, never the English easy read in its place")
        #expect(
            letter.holdReasons == [
                .formatNeeded(.easyRead, detail: "there is no Welsh easy-read template for acknowledgement")
            ])
    }

    @Test("hostile: a workspace whose easy-read folder was deleted holds the easy-read case's letters")
    func easyReadFolderGone() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        try FileManager.default.removeItem(at: ws.workspace.templatesURL.appending(path: "easy-read"))
        let record = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["easy-read"] })
        let letter = try await prepare(ws, .acknowledgement, record.reference)
        #expect(letter.isHeld)
        #expect(!letter.format.easyRead)
    }

    @Test("large print is the configured size on paper and in the HTML mail, enclosures included", arguments: [20, 24])
    func largePrintSize(points: Int) async throws {
        let made = try await EngineWorkspace.make()
        defer { made.folder.remove() }
        let ws = EngineWorkspace(
            made,
            workspace: try made.reconfigured {
                $0.replacingOccurrences(of: "largePrintSize: 16", with: "largePrintSize: \(points)")
            })
        let record = try await ws.log(
            .with {
                $0.complainant["accessibleInformation"] = ["large-print"]
                $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = "requested"
            })
        let letter = try await prepare(ws, .acknowledgement, record.reference)
        #expect(letter.holdReasons.isEmpty)
        #expect(letter.format.largePrint?.rawValue == points)
        #expect(letter.html.contains("font-size: \(points)pt"))
        let pdf = try await offPool { try letter.pdf() }
        let words = try await pdfWords(pdf, page: 2)
        #expect(!words.isEmpty)
        #expect(words.allSatisfy { $0.height > Double(points) * 1.05 }, "nothing under \(points) pt")
        let form = try #require(letter.enclosures.first)
        let formPDF = try await offPool { try letter.pdf(of: form) }
        let formWords = try await pdfWords(formPDF)
        let median = formWords.map(\.height).sorted()[formWords.count / 2]
        #expect(median > Double(points) * 1.05, "the consent form is in large print too")
        #expect(try await pdfTagged(formPDF) == "yes")
    }

    @Test("hostile: a large-print size other than 16, 20 or 24 is refused by the configuration")
    func largePrintSizeRefused() async throws {
        for bad in ["18", "0", "big"] {
            let yaml = starterConfiguration.replacingOccurrences(
                of: "largePrintSize: 16", with: "largePrintSize: \(bad)")
            #expect(yaml != starterConfiguration)
            #expect(throws: (any Error).self, "\(bad)") {
                try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
            }
        }
        let yaml = starterConfiguration.replacingOccurrences(of: "largePrintSize: 16", with: "largePrintSize: 20")
        let parsed = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        #expect(parsed.letters.largePrintSize == .twenty)
    }

    @Test("another-language needs the language named, on a new case and on an update")
    func anotherLanguageNeedsItsLanguage() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let missing = await failure(CaseFormError.self) {
            _ = try ws.casebook().log(
                json: Complaint.with { $0.complainant["accessibleInformation"] = ["another-language"] }.json)
        }
        #expect(missing?.localizedDescription.contains("interpreterLanguage") == true)
        let record = try await ws.log()
        var changes = CaseChanges()
        changes.accessibleInformation = [.anotherLanguage]
        let refused = await failure(CaseFormError.self) { [changes] in
            _ = try ws.casebook().update(record.reference, changes)
        }
        #expect(refused != nil)
        changes.interpreterLanguage = "Polish"
        let updated = try await offPool { [changes] in try ws.casebook().update(record.reference, changes) }
        #expect(updated.complainant.interpreterLanguage == "Polish")
    }

    @Test("the default easy-read templates lint clean")
    func easyReadTemplatesLint() throws {
        let folder = repositoryTemplates.appending(path: "easy-read")
        #expect(TemplateLinter().lint(folder: folder).isEmpty, "\(TemplateLinter().lint(folder: folder))")
        let library = try LetterLibrary.load(from: folder)
        #expect(Set(library.kinds) == [.acknowledgement, .update, .resolution, .concernResolution])
    }
}
