import Casework
import Engine
import Foundation
import Letters
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing

/// Consent in Engine: the consent form attached exactly when a letter says it is enclosed (by email and by post),
/// a final response refused while consent is awaited (DESIGN invariant 13) and written without disclosure when it
/// was refused, and consent changes recorded through `case update`.
@Suite("Consent: the enclosed form, refusals and changes")
struct ConsentLetterTests {
    static let resolution = ["consideration": "We read the notes.", "findings": "A delay.", "actions": "Training."]

    /// An invented complaint on behalf of a patient, in consent state `state`.
    static func onBehalf(_ state: ConsentState, byPost: Bool = false) -> Complaint {
        var complaint = byPost ? Complaint.byPost : Complaint()
        complaint.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
        complaint.fields["consent"] = state.rawValue
        return complaint
    }

    /// The attachment file names of a message.
    static func attachments(_ data: Data) -> [String] { LetterClaimsTests.attachmentNames(data) }

    @Test(
        "the acknowledgement and the consent request carry the consent form as their own PDF when consent is requested")
    func formAttached() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(.requested))
        let (ack, request, eml) = try await offPool {
            let book = try ws.casebook()
            let desk = try LetterDesk(casebook: book)
            let ack = try desk.prepare(.acknowledgement, reference: record.reference, inputs: [:])
            let request = try desk.prepare(.consentRequest, reference: record.reference, inputs: [:])
            return (ack, request, try desk.compose(ack, date: book.clock.now()).data)
        }
        for letter in [ack, request] {
            #expect(letter.enclosures.map(\.kind) == [.consentForm], "\(letter.kind)")
            #expect(
                letter.merged.flatText.contains("enclosed consent form")
                    || letter.merged.flatText.contains(
                        "We have enclosed a consent form")
            )
            let form = try #require(letter.enclosures.first).merged.flatText
            #expect(form.contains("Bryn Example") && form.contains("Eira Example"), "who consents, and to whom")
            #expect(form.contains("Signed:") && form.contains("Date:"))
        }
        #expect(
            Self.attachments(eml) == [
                "\(record.reference)-acknowledgement.pdf", "\(record.reference)-consent-form.pdf",
            ])
        #expect(String(decoding: eml, as: UTF8.self).contains("Subject: Your complaint \(record.reference)"))
        // The queued message, and so the archive, keeps the form.
        let queued = try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(.acknowledgement, reference: record.reference, inputs: [:])
        }
        guard case .email(let item, true) = queued else {
            Issue.record("not queued by email: \(queued)")
            return
        }
        let data = try await offPool { try ws.outbox().data(of: item.id) }
        #expect(Self.attachments(data).contains("\(record.reference)-consent-form.pdf"))
    }

    @Test(
        "no form is attached in any state but requested, and no letter says one is enclosed",
        arguments: [ConsentState.received, .refused, .deceasedRepresentative, .lacksCapacity, .notNeeded])
    func noFormOtherwise(_ state: ConsentState) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(state))
        let (letter, eml) = try await offPool {
            let book = try ws.casebook()
            let desk = try LetterDesk(casebook: book)
            let letter = try desk.prepare(.acknowledgement, reference: record.reference, inputs: [:])
            return (letter, try desk.compose(letter, date: book.clock.now()).data)
        }
        #expect(letter.enclosures.isEmpty)
        #expect(Self.attachments(eml) == ["\(record.reference)-acknowledgement.pdf"])
        #expect(!letter.merged.flatText.contains("enclosed"))
        #expect(!letter.merged.flatText.contains("consent form"))
    }

    @Test("by post, the consent form goes to the print queue beside the letter, and the officer is told")
    func formPrinted() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(.requested, byPost: true))
        let queued = try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(.consentRequest, reference: record.reference, inputs: [:])
        }
        guard case .print(let file, true) = queued else {
            Issue.record("not printed: \(queued)")
            return
        }
        let folder = file.deletingLastPathComponent()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let form = try #require(names.first { $0.hasPrefix("\(record.reference)-consent-form-") })
        #expect(try Data(contentsOf: folder.appending(path: form)).starts(with: Data("%PDF-".utf8)))
        let alert = try #require(try await ws.queued().first { $0.labels["kind"] == "alert" })
        let body = String(decoding: try await offPool { try ws.outbox().data(of: alert.id) }, as: UTF8.self)
            .replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=3D", with: "=")
        #expect(body.contains(form), "the officer is told to post the form with the letter")
    }

    @Test("a final response while consent is awaited is refused, names the state and the way out; nothing is queued")
    func finalResponseRefused() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(.requested))
        let error = try #require(
            await failure(LetterDeskError.self) {
                try Postroom(casebook: ws.casebook()).sendLetter(
                    .resolution, reference: record.reference, inputs: Self.resolution)
            })
        #expect(error.code == .notAllowed)
        #expect(error.refusal == .consentAwaited(.requested))
        #expect(error.message.contains("its consent state is requested"))
        #expect(error.message.contains("received") && error.message.contains("refused"), "the way out")
        #expect(!error.message.contains("--"), "Engine names no flag")
        #expect(try await ws.queued().isEmpty, "nothing queued")
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.status == .awaitingConsent, "the case was not marked responded")
    }

    @Test("with consent refused the final response is sent, saying it leaves out the patient's care")
    func finalResponseWithoutDisclosure() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(.requested))
        let refused = try await offPool {
            var changes = CaseChanges()
            changes.consent = .refused
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(refused.consent == .refused && refused.status == .open, "consent refused ends the wait")
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(
                .resolution, reference: record.reference, inputs: Self.resolution)
        }
        #expect(letter.merged.flatText.contains("this response does not include information about their care"))
        let queued = try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(
                .resolution, reference: record.reference, inputs: Self.resolution)
        }
        guard case .email(_, true) = queued else {
            Issue.record("not queued: \(queued)")
            return
        }
    }

    @Test("a consent request is refused unless consent is requested; the form is never a letter of its own")
    func consentRequestAndFormRefused() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(.deceasedRepresentative))
        let request = try #require(
            await failure(LetterDeskError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .consentRequest, reference: record.reference, inputs: [:])
            })
        #expect(request.refusal == .consentNotRequested(.deceasedRepresentative))
        #expect(request.message.contains("deceased-representative"))
        let form = try #require(
            await failure(LetterDeskError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .consentForm, reference: record.reference, inputs: [:])
            })
        #expect(form.message.contains("never on its own"))
        let kinds = try await offPool { try LetterDesk(casebook: ws.casebook()).library.caseLetterKinds }
        #expect(!kinds.contains(.consentForm), "not listed as a letter")
    }

    @Test("case update records a consent change as a consent event; a refused change changes nothing")
    func updateConsent() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(Self.onBehalf(.requested))
        let updated = try await offPool {
            var changes = CaseChanges()
            changes.consent = .deceasedRepresentative
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(updated.consent == .deceasedRepresentative && updated.status == .open)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.contains { $0.kind == .consent && $0.detail == "consent requested → deceased-representative" })
        let error = try #require(
            await failure(CaseTransitionError.self) {
                var changes = CaseChanges()
                changes.consent = .received
                _ = try ws.casebook().update(record.reference, changes)
            })
        #expect(error.code == .consentChange)
        #expect(error.message.contains("has died"))
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.consent == .deceasedRepresentative, "nothing stored")
    }
}
