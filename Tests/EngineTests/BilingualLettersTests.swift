import Casework
import Engine
import Foundation
import Letters
import Mail
import PalsTestKit
import Primitives
import Testing

/// Welsh and bilingual letters for a case (issue 14), through the path `pals preview` and `pals send` share: the
/// case's language, the Welsh forms of configured texts, one bilingual letter with one set of attachments.
@Suite("Welsh and bilingual letters for a case")
struct BilingualLettersTests {
    /// A Welsh health board's workspace, with or without the Welsh forms of its texts.
    static func walesWorkspace(welshForms: Bool = true, fallback: Bool = false) async throws -> EngineWorkspace {
        let made = try await EngineWorkspace.make()
        let workspace = try await offPool {
            try made.reconfigured {
                var text = $0.replacingOccurrences(of: "  profile: england ", with: "  profile: wales ")
                if welshForms { text = WelshFormsFixture.adding(to: text) }
                if fallback {
                    text = text.replacingOccurrences(
                        of: "letters:\n", with: "letters:\n  welshFallbackToEnglish: true\n")
                }
                return text
            }
        }
        return EngineWorkspace(made, workspace: workspace)
    }

    /// Prepares and composes a letter for a case (off the cooperative pool), with a fixed Message-ID.
    static func letter(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, inputs: [String: String] = [:]
    ) async throws -> (PreparedLetter, String) {
        try await offPool {
            let desk = try LetterDesk(casebook: ws.casebook())
            let letter = try desk.prepare(kind, reference: reference, inputs: inputs)
            let message = try desk.compose(letter, date: ws.clock.now(), messageID: .custom { "fixed.id" })
            return (letter, String(decoding: message.data, as: UTF8.self))
        }
    }

    @Test("a bilingual case gets one letter, Welsh first, with one bilingual consent form enclosed once")
    func bilingualAcknowledgement() async throws {
        let ws = try await Self.walesWorkspace()
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.complainant["language"] = "cy-en"
                $0.fields["profile"] = "wales"
                $0.fields["complexity"] = nil
                $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = "requested"
            })
        #expect(record.complainant.language == .bilingual)
        let (letter, eml) = try await Self.letter(ws, .acknowledgement, record.reference)
        #expect(letter.merged.isBilingual)
        #expect(letter.merged.language == .welsh, "it opens in Welsh")
        #expect(letter.merged.subject == "Eich pryder \(record.reference) / Your complaint \(record.reference)")
        let text = letter.merged.flatText
        let welsh = try #require(text.range(of: "Rydym wedi amgáu ffurflen ganiatâd"))
        let english = try #require(text.range(of: "We have enclosed a consent form"))
        #expect(welsh.upperBound < english.lowerBound, "Welsh first")
        #expect(text.contains("Ymddiriedolaeth GIG Cwm Enghraifft"), "the Welsh part uses the Welsh name")
        #expect(text.contains("Example Valley NHS Trust (INVENTED - replace)"), "the English part the English")
        #expect(letter.enclosures.map(\.kind) == [.consentForm], "the form is enclosed once")
        #expect(letter.enclosures.first?.merged.isBilingual == true, "and is bilingual too")
        #expect(eml.components(separatedBy: "filename=").count - 1 == 2, "one letter and one form attached")
        #expect(eml.contains("filename=\"\(record.reference)-acknowledgement.pdf\""))
        #expect(eml.contains("filename=\"\(record.reference)-consent-form.pdf\""))
        #expect(letter.merged.html.contains("<html lang=\"cy\">"))
        #expect(letter.merged.html.contains("<article lang=\"en-GB\" id=\"english\">"))
        let pdf = try letter.pdf()
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
    }

    @Test("what is previewed for a bilingual letter is byte for byte what is queued (invariant 9)")
    func previewIsSend() async throws {
        let ws = try await Self.walesWorkspace()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["language"] = "cy-en" })
        let inputs = ["progress": "Rydym wedi darllen y nodiadau. We have read the notes.", "nextSteps": "Cyfarfod."]
        let (_, first) = try await Self.letter(ws, .update, record.reference, inputs: inputs)
        let (_, second) = try await Self.letter(ws, .update, record.reference, inputs: inputs)
        func body(_ eml: String) -> String {
            eml.components(separatedBy: "\r\n").filter { !$0.hasPrefix("Date:") }.joined(separator: "\r\n")
        }
        #expect(body(first) == body(second))
    }

    @Test("a case's language can be set to bilingual, and a language pals does not know is refused")
    func languageChoice() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let updated = try await offPool {
            var changes = CaseChanges()
            changes.language = .bilingual
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(updated.complainant.language == .bilingual)
        #expect(Language(rawValue: "cy-en") == .bilingual)
        #expect(Language.bilingual.letterLanguages == [.welsh, .english])
        #expect(Language.bilingual.includesWelsh && Language.cy.includesWelsh && !Language.en.includesWelsh)
        for hostile in ["welsh", "CY-EN", "en-cy", "cy,en", "cy-en-GB"] {
            await #expect(throws: (any Error).self, "\(hostile)") {
                _ = try await ws.log(.with { $0.complainant["language"] = hostile })
            }
        }
    }

    @Test("a Welsh letter that would print a text with no Welsh form is refused, naming every missing form")
    func missingWelshForms() async throws {
        let ws = try await Self.walesWorkspace(welshForms: false)
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["language"] = "cy" })
        let error = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .acknowledgement, reference: record.reference, inputs: [:])
        }
        let message = try #require(error?.message)
        for key in ["organisation.nameCy", "organisation.addressCy", "advocacy.nameCy"] {
            #expect(message.contains(key), "names \(key)")
        }
        #expect(!message.contains("roleCy"), "the built-in roles have Welsh forms")
        #expect(message.contains(record.reference))
        #expect(try await ws.queued().isEmpty)
    }

    @Test("with welshFallbackToEnglish the English form stands in, and only where no Welsh form is given")
    func fallback() async throws {
        let ws = try await Self.walesWorkspace(welshForms: false, fallback: true)
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["language"] = "cy" })
        let (letter, _) = try await Self.letter(ws, .acknowledgement, record.reference)
        #expect(letter.merged.language == .welsh)
        #expect(letter.merged.flatText.contains("Example Valley NHS Trust (INVENTED - replace)"))
        #expect(letter.merged.flatText.contains("Swyddog Cwynion"), "the built-in Welsh role is still used")
    }

    @Test("a Welsh final response is signed with the signatory's Welsh role and names the ombudsman in Welsh")
    func welshSignatory() async throws {
        let made = try await Self.walesWorkspace()
        defer { made.folder.remove() }
        let workspace = try await offPool {
            try made.reconfigured {
                $0.replacingOccurrences(
                    of: "  role: Chief Executive\n",
                    with: "  role: Director of Nursing\n  roleCy: Cyfarwyddwr Nyrsio\n")
            }
        }
        let ws = EngineWorkspace(made, workspace: workspace)
        let record = try await ws.log(.with { $0.complainant["language"] = "cy" })
        let inputs = ["consideration": "Darllenwyd y nodiadau.", "findings": "Bu oedi.", "actions": "Hyfforddiant."]
        let (letter, _) = try await Self.letter(ws, .resolution, record.reference, inputs: inputs)
        let text = letter.merged.flatText
        #expect(text.contains("Cyfarwyddwr Nyrsio"))
        #expect(!text.contains("Director of Nursing"))
        #expect(text.contains("Ombwdsmon Gwasanaethau Cyhoeddus Cymru (OGCC)"))
        #expect(text.contains("1 Ffordd yr Hen Gae"))
    }

    @Test("English letters from a Welsh body welcome correspondence in Welsh; an English body's do not")
    func welshWelcome() async throws {
        let wales = try await Self.walesWorkspace()
        defer { wales.folder.remove() }
        let record = try await wales.log(
            .with {
                $0.fields["profile"] = "wales"
                $0.fields["complexity"] = nil
            })
        let (letter, _) = try await Self.letter(wales, .acknowledgement, record.reference)
        #expect(letter.merged.language == .english)
        #expect(letter.merged.flatText.contains("Rydym yn croesawu gohebiaeth yn Gymraeg."))
        #expect(letter.merged.flatText.contains("We welcome correspondence in Welsh."))
        let england = try await EngineWorkspace.make()
        defer { england.folder.remove() }
        let other = try await england.log()
        let (english, _) = try await Self.letter(england, .acknowledgement, other.reference)
        #expect(!english.merged.flatText.contains("Gymraeg"))
    }

    @Test("config check names each missing Welsh form of a wales workspace, and none once they are given")
    func configCheck() async throws {
        let bare = try await Self.walesWorkspace(welshForms: false)
        defer { bare.folder.remove() }
        let findings = try await offPool {
            ConfigurationCheck(configuration: bare.workspace.configuration, environment: [:])
                .findings(templates: try LetterLibrary.load(from: bare.workspace.templatesURL))
        }
        let keys = findings.filter { $0.severity == .error }.map(\.key)
        for key in ["organisation.nameCy", "organisation.addressCy", "advocacy.nameCy"] {
            #expect(keys.contains(key), "names \(key): \(keys)")
        }
        let complete = try await Self.walesWorkspace()
        defer { complete.folder.remove() }
        let none = try await offPool {
            ConfigurationCheck(configuration: complete.workspace.configuration, environment: [:])
                .findings(templates: try LetterLibrary.load(from: complete.workspace.templatesURL))
        }
        #expect(!none.contains { $0.key.hasSuffix("Cy") || $0.key.contains("Cy (") }, "\(none)")
        let fallback = try await Self.walesWorkspace(welshForms: false, fallback: true)
        defer { fallback.folder.remove() }
        let warned = try await offPool {
            ConfigurationCheck(configuration: fallback.workspace.configuration, environment: [:])
                .findings(templates: try LetterLibrary.load(from: fallback.workspace.templatesURL))
        }
        let welsh = warned.filter { $0.key.hasSuffix("Cy") }
        #expect(!welsh.isEmpty && welsh.allSatisfy { $0.severity == .warning }, "\(warned)")
    }
}
