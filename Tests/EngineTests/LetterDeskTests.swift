import Casework
import Engine
import Foundation
import Letters
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// ``LetterDesk``, in process: every kind of letter prepared for every jurisdiction and rendered as text, HTML
/// and PDF; Welsh letters; missing and unknown inputs; refusals; and the exact message that would be queued.
@Suite("LetterDesk: preparing and composing letters")
struct LetterDeskTests {
    /// Valid officer inputs for each kind the default templates have.
    static let inputs: [LetterKind: [String: String]] = [
        .holding: ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"],
        .resolution: ["consideration": "We read the notes.", "findings": "There was a delay.", "actions": "Training."],
        .outOfTime: ["decision": "We will look into it.", "reason": "You were unwell."],
    ]

    /// The ombudsman each profile's final response names.
    static let ombudsmen: [ProfileID: String] = [
        .england: "Parliamentary and Health Service Ombudsman", .wales: "Public Services Ombudsman for Wales",
        .scotland: "Scottish Public Services Ombudsman", .northernIreland: "Northern Ireland Public Services Ombudsman",
        .northernIrelandMCHP: "Northern Ireland Public Services Ombudsman",
    ]

    static let caseKinds: [LetterKind] = [.acknowledgement, .consentRequest, .holding, .outOfTime, .resolution]

    @Test("every kind is prepared for every jurisdiction, as text, HTML and an A4 PDF", arguments: ProfileID.allCases)
    func everyKindEveryJurisdiction(profile: ProfileID) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.fields["profile"] = profile.rawValue
                $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = "requested"
                if profile != .england { $0.fields["complexity"] = nil }
            })
        if record.profile.hasStages {
            // The final response belongs to stage 2 of a staged procedure (stage 1 ends in a stage-1 response).
            try await ws.change(record.reference) { try $0.escalate(on: day("2026-11-25"), at: $1) }
        }
        let letters = try await offPool {
            let book = try ws.casebook()
            let desk = try LetterDesk(casebook: book)
            return try Self.caseKinds.map { kind in
                if kind == .resolution {  // the last: a final response waits for the patient's consent
                    let now = book.clock.now()
                    _ = try book.register.apply(record.reference, now: now) { try $0.recordConsent(.received, at: now) }
                }
                let letter = try desk.prepare(kind, reference: record.reference, inputs: Self.inputs[kind] ?? [:])
                return (kind, letter, try letter.pdf())
            }
        }
        for (kind, letter, pdf) in letters {
            #expect(letter.kind == kind)
            #expect(letter.merged.language == .english)
            #expect(letter.merged.subject == "Your complaint \(record.reference)", "the reference only, never a name")
            #expect(letter.merged.text.contains("Our reference: \(record.reference)"), "\(kind)")
            #expect(letter.merged.text.contains("Dear Ms Example,"), "\(kind)")
            #expect(letter.merged.html.hasPrefix("<!DOCTYPE html>"), "\(kind)")
            #expect(letter.merged.html.contains(record.reference), "\(kind)")
            #expect(pdf.starts(with: Data("%PDF-".utf8)), "\(kind)")
            #expect(String(decoding: pdf, as: UTF8.self).contains("/MediaBox [ 0 0 595"), "A4: \(kind)")
            if kind == .resolution {
                let name = try #require(Self.ombudsmen[profile])
                #expect(letter.merged.flatText.contains(name), "\(profile): the final response names \(name)")
            }
        }
    }

    @Test("a Welsh complainant gets Welsh letters, dated in Welsh, with the organisation's Welsh name")
    func welsh() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let workspace = try await offPool {
            try ws.reconfigured {
                WelshFormsFixture.adding(to: $0).replacingOccurrences(
                    of: "  nameCy: Ymddiriedolaeth GIG Cwm Enghraifft\n",
                    with: "  nameCy: Ymddiriedolaeth Enghraifft\n")
            }
        }
        let record = try await ws.log(
            .with {
                $0.complainant["language"] = "cy"
                $0.fields["profile"] = "wales"
            })
        for kind in [LetterKind.acknowledgement, .holding, .resolution] {
            let letter = try await offPool {
                let book = Casebook(workspace: workspace, register: try ws.casebook().register, clock: ws.clock)
                return try LetterDesk(casebook: book).prepare(
                    kind, reference: record.reference, inputs: Self.inputs[kind] ?? [:])
            }
            #expect(letter.merged.language == .welsh, "\(kind)")
            #expect(letter.merged.subject == "Eich pryder \(record.reference)")
            #expect(letter.merged.flatText.contains("Ymddiriedolaeth Enghraifft"), "\(kind)")
            #expect(letter.merged.flatText.contains("25 Tachwedd 2026"), "\(kind): dated in Welsh")
            #expect(letter.merged.html.contains("lang=\"cy\""), "\(kind)")
            if kind == .resolution {
                #expect(letter.merged.flatText.contains("Ombwdsmon Gwasanaethau Cyhoeddus Cymru (OGCC)"))
            }
        }
    }

    @Test(
        "a Welsh letter with no Welsh template is held, never sent in English (DESIGN: never falls back silently)",
        .disabled("bug: LetterLibrary.effectiveLanguage falls back to English for consent-request and out-of-time")
    )
    func welshWithoutTemplateIsHeld() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.complainant["language"] = "cy"
                $0.fields["profile"] = "wales"
                $0.patient = ["firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = "requested"
            })
        let error = await failure((any Error).self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .consentRequest, reference: record.reference, inputs: [:])
        }
        #expect(error != nil)
    }

    @Test("a Welsh complainant's letter that has no Welsh template today comes out in English")
    func welshFallsBackToday() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        // Every shipped kind has a Welsh template now: take one away, as a workspace's own templates may lack it.
        try FileManager.default.removeItem(at: ws.workspace.templatesURL.appending(path: "cy/out-of-time.mustache"))
        let record = try await ws.log(
            .with {
                $0.complainant["language"] = "cy"
                $0.fields["profile"] = "wales"
            })
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook())
                .prepare(.outOfTime, reference: record.reference, inputs: Self.inputs[.outOfTime]!)
        }
        #expect(letter.merged.language == .english, "the behaviour the disabled test above wants changed")
    }

    @Test("the acknowledgement gives the date received, the response date, the backstop and the consent paragraph")
    func acknowledgementContent() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.onBehalf)
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(.acknowledgement, reference: record.reference, inputs: [:])
        }
        let text = letter.merged.flatText
        #expect(text.contains("which we received on 23 November 2026"))
        // 25 working days after Monday 23 November 2026, skipping Christmas and the substitute Boxing Day.
        #expect(text.contains("response by 30 December 2026"))
        #expect(text.contains("no later than 23 May 2027"))
        #expect(text.contains("Bryn Example"), "the consent paragraph names the patient")
        #expect(text.contains("Example Advocacy Service"), "independent advocacy is offered")
        #expect(!letter.merged.subject.contains("Bryn") && !letter.merged.subject.contains("Eira"))
    }

    @Test("what an officer reads about bad inputs: each one, then the letter's inputs")
    func inputErrorText() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let error = try #require(
            await failure(LetterError.self) {
                _ = try LetterDesk(casebook: ws.casebook())
                    .prepare(.holding, reference: record.reference, inputs: ["newdate": "2027-01-20"])
            })
        let text = try #require(error.errorDescription)
        #expect(text.contains("reason is required"), "\(text)")
        #expect(text.contains("newDate is required"))
        #expect(text.contains("newdate is not an input of this letter"))
        #expect(text.contains("The holding letter's inputs: reason, newDate (required)"))
    }

    @Test("missing inputs are all named at once with the letter's inputs; unknown ones are refused")
    func missingAndUnknownInputs() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let missing = try #require(
            await failure(LetterError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .resolution, reference: record.reference, inputs: [:])
            })
        #expect(missing.code == .badInputs)
        #expect(missing.problems.map(\.code) == [.missingInput, .missingInput, .missingInput])
        #expect(missing.names == ["consideration", "findings", "actions"])
        let unknown = try #require(
            await failure(LetterError.self) {
                var inputs = Self.inputs[.holding]!
                inputs["colour"] = "blue"
                inputs["reason"] = "  "
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .holding, reference: record.reference, inputs: inputs)
            })
        #expect(unknown.problems.map(\.code) == [.missingInput, .unknownInput])
        #expect(unknown.names == ["reason", "colour"])
        #expect(unknown.note?.contains("newDate") == true, "the note lists the letter's inputs: \(unknown.note ?? "")")
        let none = try #require(
            await failure(LetterError.self) {
                _ = try LetterDesk(casebook: ws.casebook())
                    .prepare(.acknowledgement, reference: record.reference, inputs: ["colour": "blue"])
            })
        #expect(none.names == ["colour"])
    }

    @Test("an unknown kind lists the kinds there are; an unknown case is named")
    func unknownKindAndCase() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let kind = try #require(
            await failure(LetterError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare("apology", reference: record.reference, inputs: [:])
            })
        #expect(kind.code == .unknownKind)
        #expect(
            kind.note
                == "The letters are: acknowledgement, concern-resolution, consent-request, holding, late-response, "
                + "mp-letter, out-of-time, receipt, redirected, redress-response, resolution, stage1-response, update, "
                + "withdrawn.")
        let nobody = await failure(RegisterError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .acknowledgement, reference: "PALS-2026-0404", inputs: [:])
        }
        #expect(nobody?.isNotFound == true)
    }

    @Test("a holding letter needs a real new date after the current response date")
    func holdingDates() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        func refusal(_ newDate: String) async -> String? {
            await failure(LetterDeskError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .holding, reference: record.reference, inputs: ["reason": "A statement.", "newDate": newDate])
            }?.message
        }
        #expect(
            await refusal("soon")
                == "a holding letter needs the input newDate, in the form YYYY-MM-DD (the new response date)")
        #expect(
            await refusal("2101-01-03")
                == "newDate: 2101-01-03 is outside the dates pals accepts (1990-01-01 to 2100-12-31)")
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(
                .holding, reference: record.reference, inputs: Self.inputs[.holding]!)
        }
        #expect(letter.holding?.newDate == day("2027-01-20"))
        #expect(letter.holding?.reason == "We are waiting for a statement.")
        #expect(letter.merged.flatText.contains("20 January 2027"), "the officer's date input is written as a date")
        let earlier = try await offPool { () -> String? in
            do {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .holding, reference: record.reference, inputs: ["reason": "A statement.", "newDate": "2026-11-30"])
                return nil
            } catch {
                return (error as? any LocalizedError)?.errorDescription ?? "\(error)"
            }
        }
        #expect(earlier?.contains("not later") == true, "a date before the one already given: \(earlier ?? "accepted")")
    }

    @Test(
        "the case's state refuses letters, saying why and how to reopen",
        arguments: [
            (CaseStatus.closed, LetterKind.holding, "case PALS-2026-0001 is closed"),
            (.withdrawn, .acknowledgement, "case PALS-2026-0001 was withdrawn"),
            (.responded, .resolution, "its final response has already been sent, and a case has one"),
            (.responded, .holding, "a holding letter says the response is still to come"),
        ])
    func refusalsByState(status: CaseStatus, kind: LetterKind, words: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        try await ws.change(record.reference) { try $0.move(to: status, at: $1) }
        let error = try #require(
            await failure(LetterDeskError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    kind, reference: record.reference, inputs: Self.inputs[kind] ?? [:])
            })
        #expect(error.code == .notAllowed)
        #expect(error.message.contains(words), "\(error.message)")
        #expect(error.message.contains("reopen the case before writing"))
        #expect(error.reference == "PALS-2026-0001" && error.refusal != nil)
    }

    @Test("an acknowledgement is refused once the case was acknowledged, by pals or by telephone")
    func acknowledgementOnce() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let phoned = try await ws.log(.with { $0.fields["acknowledged"] = true })
        let byPhone = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .acknowledgement, reference: phoned.reference, inputs: [:])
        }
        #expect(byPhone?.message.contains("was acknowledged outside pals") == true)
        let record = try await ws.log()
        try await ws.change(record.reference) { lifecycle, _ in
            try lifecycle.acknowledge(.byOfficerLetter, at: instant("2026-11-24T10:00:00Z"))
        }
        let twice = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .acknowledgement, reference: record.reference, inputs: [:])
        }
        #expect(twice?.message.contains("was already acknowledged on 2026-11-24") == true)
        #expect(
            LetterDesk.refusal(of: .reminderDigest, for: record)?.code == .notAllowed, "a staff letter, never a case's")
    }

    @Test("the composed message is the letter: reference-only subject, text, HTML and the PDF attached")
    func compose() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let (letter, message) = try await offPool {
            let desk = try LetterDesk(casebook: ws.casebook())
            let letter = try desk.prepare(.acknowledgement, reference: record.reference, inputs: [:])
            return (letter, try desk.compose(letter, date: ws.clock.now(), messageID: .custom { "fixed.id" }))
        }
        #expect(letter.delivery == .email("eira.example@example.org"))
        #expect(letter.recipientLine == "Ms Eira Example <eira.example@example.org>")
        #expect(letter.attachmentName == "PALS-2026-0001-acknowledgement.pdf")
        let eml = String(decoding: message.data, as: UTF8.self)
        #expect(eml.contains("Subject: Your complaint PALS-2026-0001\r\n"))
        #expect(eml.contains("Auto-Submitted: auto-replied\r\n"), "an acknowledgement is an automatic reply")
        #expect(eml.contains("filename=\"PALS-2026-0001-acknowledgement.pdf\""))
        #expect(eml.contains("Content-Type: text/html"))
        #expect(message.messageID.hasPrefix("<fixed.id@"))
        #expect(message.recipients.map(\.description) == ["eira.example@example.org"])

        let holding = try await offPool {
            let desk = try LetterDesk(casebook: ws.casebook())
            let letter = try desk.prepare(.holding, reference: record.reference, inputs: Self.inputs[.holding]!)
            return String(decoding: try desk.compose(letter, date: ws.clock.now()).data, as: UTF8.self)
        }
        #expect(!holding.contains("Auto-Submitted"), "an officer's letter is not automatic")
    }

    @Test("a letter by post has no email to compose; large print makes a different PDF")
    func byPostAndLargePrint() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let posted = try await ws.log(.byPost)
        let large = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["large-print"] })
        let (postLetter, error) = try await offPool { () -> (PreparedLetter, LetterDeskError?) in
            let desk = try LetterDesk(casebook: ws.casebook())
            let letter = try desk.prepare(.acknowledgement, reference: posted.reference, inputs: [:])
            do {
                _ = try desk.compose(letter, date: ws.clock.now())
                return (letter, nil)
            } catch let error as LetterDeskError {
                return (letter, error)
            }
        }
        #expect(postLetter.delivery == .post)
        #expect(postLetter.recipientLine == "Ms Eira Example (by post)")
        #expect(error?.code == .notByEmail)
        #expect(error?.message.contains("show the letter as a PDF instead") == true)
        let (normal, largePrint, flagged) = try await offPool {
            let desk = try LetterDesk(casebook: ws.casebook())
            let letter = try desk.prepare(.acknowledgement, reference: large.reference, inputs: [:])
            return (try letter.merged.pdf(), try letter.pdf(), letter.largePrint)
        }
        #expect(flagged)
        #expect(normal != largePrint)
    }

    @Test("what preview composes is byte for byte what is queued, bar Date and Message-ID (invariant 9)")
    func previewIsWhatIsQueued() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let (preview, queued) = try await offPool {
            let desk = try LetterDesk(casebook: ws.casebook())
            let letter = try desk.prepare(.holding, reference: record.reference, inputs: Self.inputs[.holding]!)
            let preview = try desk.compose(letter, date: ws.clock.now()).data
            let postroom = try Postroom(casebook: ws.casebook())
            guard
                case .email(let item, _) = try postroom.sendLetter(
                    .holding, reference: record.reference, inputs: Self.inputs[.holding]!)
            else { throw LetterDeskError(message: "not queued by email") }
            return (preview, try postroom.outbox.data(of: item.id))
        }
        func stripped(_ data: Data) -> [Substring] {
            String(decoding: data, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("Date:") && !$0.hasPrefix("Message-ID:") }
        }
        #expect(stripped(preview) == stripped(queued))
        #expect(stripped(preview).count > 20)
    }

    @Test("the merge context has the case, its deadlines and the configuration; empty settings are left out")
    func mergeContext() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let context = try await offPool {
            try LetterDesk(casebook: ws.casebook())
                .context(
                    for: record, kind: .holding, language: .english, inputs: ["newDate": "2027-01-20", "reason": "x"])
        }
        #expect(context["case.reference"] == .string("PALS-2026-0001"))
        #expect(context["case.received"] == .string("23 November 2026"))
        #expect(context["deadlines.acknowledgeBy"] == .string("26 November 2026"))
        #expect(context["deadlines.respondByHasPassed"] == .bool(false))
        #expect(context["inputs.newDate"] == .string("20 January 2027"))
        #expect(context["inputs.reason"] == .string("x"))
        #expect(context["officer.name"] == .string("Alex Example (INVENTED)"))
        #expect(context["jurisdiction.england"] == .bool(true))
        #expect(context["hasPatient"] == .bool(false))
        var configuration = ws.workspace.configuration
        configuration.organisation.phone = " "
        let shared = LetterDesk.configurationContext(
            configuration, officer: nil, profile: .scotland, language: .english)
        #expect(shared["organisation.phone"] == nil, "a blank setting is missing, so the strict merge names it")
        #expect(shared["officer"] == nil)
        #expect(shared["ombudsman.shortName"] == .string("SPSO"))
        #expect(LetterDesk.configurationRoots.contains("signatory"))
    }

    @Test("an officer's digest lists their deadlines, most urgent first, in capitals")
    func digest() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let items = [
            dueItem("PALS-2026-0002", deadline: .response, due: "2026-11-24", left: -1, state: .red),
            dueItem("PALS-2026-0001", deadline: .acknowledgement, due: "2026-11-27", left: 2, state: .amber),
        ]
        let merged = try await offPool {
            try LetterDesk(casebook: ws.casebook()).mergeDigest(officerName: "Alex", items: items)
        }
        #expect(merged.kind == .reminderDigest)
        #expect(merged.subject == "Complaint deadlines for 25 November 2026")
        #expect(
            merged.flatText.contains("RED: PALS-2026-0002, response due 24 November 2026 (working days remaining: -1)"))
        #expect(merged.flatText.contains("AMBER: PALS-2026-0001, acknowledgement due 27 November 2026"))
        let empty = try await offPool {
            try LetterDesk(casebook: ws.casebook()).mergeDigest(officerName: "Sam", items: [])
        }
        #expect(empty.flatText.contains("You have no complaint deadlines to watch."))
    }
}
