import Casework
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

/// The other letters a team sends (concern resolution, withdrawn, redirected, MP letter), who signs each letter,
/// the out-of-time limit of each profile, and the grammar of every ombudsman block.
@Suite("Kinds of letter: the other letters, signatures, time limits and ombudsman grammar")
struct KindLetterTests {
    static let inputs: [LetterKind: [String: String]] = [
        .concernResolution: ["outcome": "The clinic booked your appointment for 2 December."],
        .withdrawn: ["withdrawnOn": "2026-11-24"],
        .redirected: [
            "body": "Exampleton Community Health Services", "agreedOn": "2026-11-24",
            "bodyContact": "0300 000 0300",
        ],
        .mpLetter: [
            "mpName": "Jane Example MP", "mpEmail": "jane.example.mp@parliament.example", "mpLetterDate": "2026-11-20",
            "consentOn": "2026-11-22", "reply": "We have looked into the complaint and apologised.",
        ],
        .resolution: ["consideration": "We read the notes.", "findings": "There was a delay.", "actions": "Training."],
        .outOfTime: ["decision": "We will look into it.", "reason": "You were unwell."],
        .holding: ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"],
    ]

    /// Prepares a letter off the cooperative pool.
    func prepare(_ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, inputs: [String: String]? = nil)
        async throws -> PreparedLetter
    {
        let given = inputs ?? Self.inputs[kind] ?? [:]
        return try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(kind, reference: reference, inputs: given)
        }
    }

    /// The text of a letter on one line (the renderer wraps at 72 columns).
    func flat(_ letter: PreparedLetter) -> String {
        letter.merged.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: Concerns

    @Test("a concern gets the concern resolution, which marks it resolved; every complaint letter is refused")
    func concernLetters() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let concern = try await ws.log(CaseKindTests.concern)
        let letter = try await prepare(ws, .concernResolution, concern.reference)
        #expect(letter.merged.subject == "Your concern \(concern.reference)")
        #expect(flat(letter).contains("The clinic booked your appointment for 2 December."))
        #expect(flat(letter).contains("within 12 months"))
        for kind in [LetterKind.acknowledgement, .holding, .resolution, .outOfTime, .consentRequest, .withdrawn] {
            let refused = await failure(LetterDeskError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    kind, reference: concern.reference, inputs: Self.inputs[kind] ?? [:])
            }
            #expect(refused?.refusal == .concern(kind.purpose), "\(kind)")
            #expect(refused?.message.contains("PALS concern") == true, "\(kind)")
        }
        let record = try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            try postroom.sendLetter(
                .concernResolution, reference: concern.reference, inputs: Self.inputs[.concernResolution]!)
            return try postroom.casebook.register.get(concern.reference)
        }
        #expect(record.status == .responded)
        let again = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .concernResolution, reference: concern.reference, inputs: Self.inputs[.concernResolution]!)
        }
        #expect(again?.refusal == .responded(.concernResolution))
    }

    @Test("a complaint is refused the concern resolution")
    func complaintRefusedConcernResolution() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        let refused = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .concernResolution, reference: complaint.reference, inputs: Self.inputs[.concernResolution]!)
        }
        #expect(refused?.refusal == .notAConcern)
    }

    // MARK: Withdrawn

    @Test("the withdrawn letter closes an open complaint without a response and says the person can come back")
    func withdrawnFromOpen() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        let letter = try await prepare(ws, .withdrawn, complaint.reference)
        #expect(flat(letter).contains("on 24 November 2026 that you would like to withdraw your complaint"))
        #expect(flat(letter).contains("welcome to come back to us"))
        #expect(!flat(letter).contains("enclosed"))
        let record = try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            try postroom.sendLetter(.withdrawn, reference: complaint.reference, inputs: [:])
            return try postroom.casebook.register.get(complaint.reference)
        }
        #expect(record.status == .withdrawn)
        // A withdrawal recorded already may still be confirmed; the optional date may be left out.
        let again = try await prepare(ws, .withdrawn, complaint.reference, inputs: [:])
        #expect(flat(again).contains("Thank you for letting us know that you would like to withdraw"))
    }

    @Test("the withdrawn letter is refused after the final response and on a closed case")
    func withdrawnRefused() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let responded = try await ws.log()
        let closed = try await ws.log()
        try await ws.change(responded.reference) { lifecycle, now in try lifecycle.respond(at: now) }
        try await ws.change(closed.reference) { lifecycle, now in try lifecycle.close(at: now) }
        let afterResponse = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(.withdrawn, reference: responded.reference, inputs: [:])
        }
        #expect(afterResponse?.refusal == .responded(.withdrawalConfirmation))
        let afterClosing = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(.withdrawn, reference: closed.reference, inputs: [:])
        }
        #expect(afterClosing?.refusal == .closed)
    }

    // MARK: Redirected

    @Test("redirected: refused while the patient's consent is requested or refused; allowed once received")
    func redirectedNeedsConsent() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let onBehalf = try await ws.log(.onBehalf)
        let refused = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .redirected, reference: onBehalf.reference, inputs: Self.inputs[.redirected]!)
        }
        #expect(refused?.refusal == .consentDoesNotAllow(.requested))
        try await ws.change(onBehalf.reference) { lifecycle, now in try lifecycle.recordConsent(.refused, at: now) }
        let stillRefused = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .redirected, reference: onBehalf.reference, inputs: Self.inputs[.redirected]!)
        }
        #expect(stillRefused?.refusal == .consentDoesNotAllow(.refused))
        try await ws.change(onBehalf.reference) { lifecycle, now in try lifecycle.recordConsent(.received, at: now) }
        let letter = try await prepare(ws, .redirected, onBehalf.reference)
        #expect(flat(letter).contains("As you agreed on 24 November 2026, we have passed your complaint to Exampleton"))
        // A complainant who is the patient needs no one else's consent.
        let own = try await ws.log()
        _ = try await prepare(ws, .redirected, own.reference)
    }

    @Test("redirected needs the body, the day the complainant agreed and how to reach the body")
    func redirectedInputs() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        let missing = await failure(LetterError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .redirected, reference: complaint.reference, inputs: ["body": "Elsewhere"])
        }
        #expect(missing?.localizedDescription.contains("agreedOn") == true)
        #expect(missing?.localizedDescription.contains("bodyContact") == true)
    }

    // MARK: MP letter

    @Test("the MP letter is addressed and delivered to the MP, never the constituent, and names the consent")
    func mpLetter() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        let letter = try await prepare(ws, .mpLetter, complaint.reference)
        #expect(letter.delivery == .email("jane.example.mp@parliament.example"))
        #expect(letter.recipientLine.hasPrefix("Jane Example MP <"))
        #expect(letter.merged.subject == "Your constituent's complaint \(complaint.reference)")
        #expect(flat(letter).contains("Dear Jane Example MP,"))
        #expect(flat(letter).contains("Your constituent gave their consent on 22 November 2026"))
        #expect(!flat(letter).contains("Dear Ms Example"))
        #expect(!letter.merged.subject.contains("Example"), "no names in the subject")
        // By post when the MP gave only an address.
        var posted = Self.inputs[.mpLetter]!
        posted["mpEmail"] = nil
        posted["mpAddress"] = "House of Commons; London; SW1A 0AA"
        let byPost = try await prepare(ws, .mpLetter, complaint.reference, inputs: posted)
        #expect(byPost.delivery == .post)
        #expect(byPost.merged.text.contains("House of Commons"))
        #expect(!byPost.merged.text.contains("Invented Street"), "the constituent's address is not used")
    }

    @Test(
        "the MP letter refuses careless inputs: no way to reach the MP, a bad or injected address",
        arguments: [
            (nil as String?, nil as String?, "mpAddress"),
            ("not an address", nil, "mpEmail"),
            ("mp@example.org\r\nBcc: everyone@example.org", nil, "mpEmail"),
        ])
    func mpLetterBadInputs(email: String?, address: String?, input: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        var inputs = Self.inputs[.mpLetter]!
        inputs["mpEmail"] = email
        inputs["mpAddress"] = address
        let given = inputs
        let error = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .mpLetter, reference: complaint.reference, inputs: given)
        }
        #expect(error?.input == input)
    }

    @Test("the MP letter needs the patient's consent, and may follow the final response")
    func mpLetterStates() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let onBehalf = try await ws.log(.onBehalf)
        let refused = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .mpLetter, reference: onBehalf.reference, inputs: Self.inputs[.mpLetter]!)
        }
        #expect(refused?.refusal == .consentDoesNotAllow(.requested))
        let responded = try await ws.log()
        try await ws.change(responded.reference) { lifecycle, now in try lifecycle.respond(at: now) }
        _ = try await prepare(ws, .mpLetter, responded.reference)
    }

    // MARK: Signatures

    @Test("the officer signs every letter but the final response, which the signatory signs")
    func signatures() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        for kind in [LetterKind.acknowledgement, .holding, .outOfTime, .withdrawn, .redirected, .mpLetter] {
            let letter = try await prepare(ws, kind, complaint.reference)
            let signature = letter.merged.document.signature.joined(separator: "\n")
            #expect(signature.contains("Alex Example (INVENTED)\nComplaints Officer"), "\(kind): \(signature)")
            #expect(!signature.contains("Chief Executive"), "\(kind)")
        }
        let final = try await prepare(ws, .resolution, complaint.reference)
        let signature = final.merged.document.signature.joined(separator: "\n")
        #expect(signature.contains("Jordan Example (INVENTED)\nChief Executive"), "\(signature)")
    }

    @Test("with letters.signedBy: manager, the complaints manager signs instead of the officer")
    func managerSigns() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let workspace = try ws.reconfigured {
            $0.replacingOccurrences(of: "signedBy: officer", with: "signedBy: manager")
        }
        let complaint = try await ws.log()
        let (acknowledgement, resolution) = try await offPool {
            let desk = try LetterDesk(casebook: Casebook(workspace: workspace, clock: ws.clock))
            return (
                try desk.prepare(.acknowledgement, reference: complaint.reference, inputs: [:]),
                try desk.prepare(.resolution, reference: complaint.reference, inputs: Self.inputs[.resolution]!)
            )
        }
        #expect(acknowledgement.merged.document.signature.contains("Morgan Example (INVENTED)"))
        #expect(acknowledgement.merged.document.signature.contains("Complaints Manager"))
        #expect(resolution.merged.document.signature.contains("Jordan Example (INVENTED)"))
    }

    // MARK: Out of time

    @Test(
        "the out-of-time letter states the profile's limit: 6 months in Scotland, 12 elsewhere",
        arguments: ProfileID.allCases)
    func outOfTimeLimit(profile: ProfileID) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log(
            .with {
                $0.fields["profile"] = profile.rawValue
                if profile != .england { $0.fields["complexity"] = nil }
            })
        let letter = try await prepare(ws, .outOfTime, complaint.reference)
        let months = profile == .scotland ? 6 : 12
        #expect(flat(letter).contains("normally be made within \(months) months of the events"), "\(profile)")
    }

    @Test("the out-of-time limit is a profile value the workspace may change")
    func outOfTimeConfigured() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let workspace = try ws.reconfigured {
            $0.replacingOccurrences(
                of: "  # profiles:", with: "  profiles:\n    england:\n      outOfTimeMonths: 18\n  #")
        }
        let complaint = try await ws.log()
        let letter = try await offPool {
            try LetterDesk(casebook: Casebook(workspace: workspace, clock: ws.clock)).prepare(
                .outOfTime, reference: complaint.reference, inputs: Self.inputs[.outOfTime]!)
        }
        #expect(flat(letter).contains("within 18 months"))
    }

    // MARK: Ombudsman grammar

    static let ombudsmen: [ProfileID: (name: String, short: String)] = [
        .england: ("the Parliamentary and Health Service Ombudsman", "PHSO"),
        .wales: ("the Public Services Ombudsman for Wales", "PSOW"),
        .scotland: ("the Scottish Public Services Ombudsman", "SPSO"),
        .northernIreland: ("the Northern Ireland Public Services Ombudsman", "NIPSO"),
        .northernIrelandMCHP: ("the Northern Ireland Public Services Ombudsman", "NIPSO"),
    ]

    @Test(
        "every ombudsman block reads \"ask the … (SHORT)\" and renders grammatical text", arguments: ProfileID.allCases)
    func ombudsmanGrammar(profile: ProfileID) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log(
            .with {
                $0.fields["profile"] = profile.rawValue
                if profile != .england { $0.fields["complexity"] = nil }
            })
        if complaint.profile.hasStages {  // the final response, with the ombudsman, comes at stage 2
            try await ws.change(complaint.reference) { try $0.setStage(2, on: CivilDate($1), at: $1) }
        }
        for kind in [LetterKind.resolution, .outOfTime] {
            let text = flat(try await prepare(ws, kind, complaint.reference))
            let (name, short) = Self.ombudsmen[profile]!
            #expect(text.contains("ask \(name) (\(short))"), "\(profile) \(kind): \(text)")
            Self.expectGrammatical(text, "\(profile) \(kind)")
        }
    }

    @Test("a configured name that already starts with \"The\" gets no second article")
    func configuredArticle() {
        #expect(
            LetterDesk.withArticle("The Local Government and Social Care Ombudsman")
                == "the Local Government and Social Care Ombudsman")
        #expect(
            LetterDesk.withArticle("Parliamentary and Health Service Ombudsman")
                == "the Parliamentary and Health Service Ombudsman")
        #expect(LetterDesk.withArticle("  ") == "")
    }

    /// The marks of the grammar slips the blocks used to have, and of careless merging.
    static func expectGrammatical(_ text: String, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for slip in [
            "ask Parliamentary", "ask Public", "ask Scottish", "ask Northern", "ask Local", "the the ", "the The ",
            "contact PHSO", "contact PSOW", "contact SPSO", "contact NIPSO", "  ", " ,", " .", "..", "()",
        ] {
            #expect(!text.contains(slip), "\(label): '\(slip)'", sourceLocation: sourceLocation)
        }
    }
}
