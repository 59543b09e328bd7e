import Casework
import Engine
import Foundation
import Letters
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing

/// A held letter has reached no one, so it must not change its case as if it had: a held acknowledgement leaves the
/// case unacknowledged, a held holding letter leaves the response date where it was, a held final response leaves
/// the case open. The case changes when the letter is released and delivered, or when an officer records that it
/// went another way (`pals case record-sent`). The clock stands at Wednesday 25 November 2026, 09:00.
@Suite("Held letters change their case only once sent")
struct HeldLetterEffectTests {
    static let holding = ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"]
    static let resolution = [
        "consideration": "We read the notes.", "findings": "There was a delay.", "actions": "Training.",
    ]
    static let redress = ["liability": "no", "findings": "The care was right."]

    /// A case whose complainant needs braille (so every letter to them is held), by email.
    func brailleCase(_ ws: EngineWorkspace, post: Bool = false) async throws -> Case {
        try await ws.log(
            .with {
                $0.complainant["accessibleInformation"] = ["braille"]
                if post {
                    $0.complainant["preferredContact"] = "post"
                    $0.complainant["email"] = nil
                }
            })
    }

    func record(_ ws: EngineWorkspace, _ reference: String) async throws -> Case {
        try await offPool { try ws.casebook().register.get(reference) }
    }

    func events(_ ws: EngineWorkspace, _ reference: String) async throws -> [CaseEvent] {
        try await offPool { try ws.casebook().register.events(for: reference) }
    }

    /// Whether the deadline board and the reminders still see the case as waiting for its acknowledgement.
    func awaitsAcknowledgement(_ ws: EngineWorkspace, _ reference: String) async throws -> Bool {
        try await offPool {
            try ws.casebook().register.cases(CaseFilter(openOnly: true, awaitingAcknowledgement: true))
                .contains { $0.reference == reference }
        }
    }

    func send(_ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, _ inputs: [String: String] = [:])
        async throws -> LetterQueue.Queued
    {
        try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(kind, reference: reference, inputs: inputs)
        }
    }

    /// Releases the held message and runs one daemon pass (a fresh daemon: as after a restart).
    func releaseAndSend(_ ws: EngineWorkspace, _ id: String) async throws {
        _ = try await offPool { try ws.outbox().release(id) }
        let daemon = try await offPool { try ws.daemon() }
        _ = await daemon.once()
    }

    @Test("the automatic acknowledgement, held: the case stays unacknowledged until it is released and delivered")
    func automaticAcknowledgement() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await brailleCase(ws)
        let daemon = try await offPool { try ws.daemon() }
        for _ in 0..<3 { _ = await daemon.once() }
        let held = try #require(try await ws.queued().first { $0.labels["kind"] == "acknowledgement" })
        #expect(held.state == .hold)
        #expect(try await record(ws, logged.reference).acknowledgedAt == nil)
        #expect(try await awaitsAcknowledgement(ws, logged.reference), "the board still counts it unacknowledged")
        #expect(!(try await events(ws, logged.reference)).contains { $0.kind == .acknowledged })
        let acknowledgements = try await offPool {
            try ws.outbox().list(state: nil, labels: ["case": logged.reference, "kind": "acknowledgement"])
        }
        #expect(acknowledgements.count == 1, "passes while it is held queue nothing more")

        try await releaseAndSend(ws, held.id)
        let after = try await record(ws, logged.reference)
        #expect(after.acknowledgedAt != nil)
        #expect(after.attention == nil, "the delivery settles the hold's flag")
        #expect(!(try await awaitsAcknowledgement(ws, logged.reference)))
        let history = try await events(ws, logged.reference)
        #expect(history.filter { $0.kind == .acknowledged }.count == 1)
        #expect(history.contains { $0.kind == .acknowledged && $0.detail.contains("sent by email as \(held.id)") })
    }

    @Test(
        "each officer letter that changes its case changes nothing while held, and changes it once delivered",
        arguments: ["acknowledgement", "holding", "resolution", "redress-response"])
    func officerLetters(kind: String) async throws {
        let wales = kind == "redress-response"
        let ws = try await EngineWorkspace.make(now: wales ? "2026-04-01T15:00:00Z" : "2026-11-25T09:00:00Z")
        defer { ws.folder.remove() }
        let logged = try await ws.log(
            .with {
                $0.complainant["accessibleInformation"] = ["braille"]
                if wales {
                    $0.fields["profile"] = "wales"
                    $0.fields["complexity"] = nil
                    $0.fields["received"] = "2026-04-01T10:00:00Z"
                }
            })
        if kind != "acknowledgement" {
            try await ws.change(logged.reference) { lifecycle, now in try lifecycle.acknowledge(.outsidePals, at: now) }
        }
        let inputs = ["holding": Self.holding, "resolution": Self.resolution, "redress-response": Self.redress][kind]
        let before = try await record(ws, logged.reference)
        guard
            case .email(let held, true) = try await send(
                ws, LetterKind(rawValue: kind), logged.reference, inputs ?? [:])
        else {
            Issue.record("not queued by email")
            return
        }
        #expect(held.state == .hold)
        let whileHeld = try await record(ws, logged.reference)
        #expect(whileHeld.acknowledgedAt == before.acknowledgedAt)
        #expect(whileHeld.agreedResponseDate == before.agreedResponseDate)
        #expect(whileHeld.extensions == before.extensions)
        #expect(whileHeld.status == before.status)
        #expect(whileHeld.attention?.kind == .letterHeld)

        try await releaseAndSend(ws, held.id)
        let after = try await record(ws, logged.reference)
        switch kind {
        case "acknowledgement": #expect(after.acknowledgedAt != nil)
        case "holding":
            #expect(after.agreedResponseDate == day("2027-01-20"))
            #expect(after.extensions == before.extensions + 1)
        default: #expect(after.status == .responded)
        }
        let history = try await events(ws, logged.reference)
        #expect(history.contains { $0.detail.contains("after it was held") })
    }

    @Test("a kill between the release and the send leaves the case unmarked until the letter goes")
    func killBetweenReleaseAndSend() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await brailleCase(ws)
        try await ws.change(logged.reference) { lifecycle, now in try lifecycle.acknowledge(.outsidePals, at: now) }
        guard case .email(let held, _) = try await send(ws, .resolution, logged.reference, Self.resolution) else {
            Issue.record("not queued by email")
            return
        }
        _ = try await offPool { try ws.outbox().release(held.id) }
        // The process dies here: released, not sent. The case is still open, and says the letter is held.
        let killed = try await record(ws, logged.reference)
        #expect(killed.status == .open)
        #expect(killed.attention?.kind == .letterHeld)
        let daemon = try await offPool { try ws.daemon() }
        _ = await daemon.recover()
        _ = await daemon.once()
        #expect(try await record(ws, logged.reference).status == .responded)
    }

    @Test("a kill between the delivery and its record on the case: intake records the acknowledgement later")
    func killBetweenDeliveryAndRecord() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await brailleCase(ws)
        let daemon = try await offPool { try ws.daemon() }
        _ = await daemon.once()
        let held = try #require(try await ws.queued().first { $0.labels["kind"] == "acknowledgement" })
        // Released and delivered by a sender that dies before it tells the case (no observer).
        let outbox = try ws.outbox()
        _ = try await offPool { try outbox.release(held.id) }
        let transport = InMemoryTransport()
        _ = await (try OutboxSender(outbox: outbox, transport: transport)).sendDue()
        #expect(try await offPool { try outbox.archive.list() }.contains { $0.id == held.id })
        #expect(try await record(ws, logged.reference).acknowledgedAt == nil)
        let restarted = try await offPool { try ws.daemon() }
        _ = await restarted.once()
        let after = try await record(ws, logged.reference)
        #expect(after.acknowledgedAt != nil)
        let acknowledgements = try await offPool {
            try outbox.list(state: nil, labels: ["case": logged.reference, "kind": "acknowledgement"])
        }
        #expect(acknowledgements.count == 1, "nothing queued again")
    }

    @Test("a held postal letter recorded as posted by an officer acknowledges the case, once")
    func recordSentByPost() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await brailleCase(ws, post: true)
        guard case .print(let file, true) = try await send(ws, .acknowledgement, logged.reference) else {
            Issue.record("not held for print")
            return
        }
        #expect(LetterQueue.isHeldPrint(file))
        #expect(try await record(ws, logged.reference).acknowledgedAt == nil)
        let daemon = try await offPool { try ws.daemon() }
        _ = await daemon.once()
        #expect(try await record(ws, logged.reference).acknowledgedAt == nil, "intake waits for the held letter")
        let printed = try FileManager.default.contentsOfDirectory(
            atPath: file.deletingLastPathComponent().path
        ).filter { $0.hasSuffix(".pdf") }
        #expect(printed.count == 1, "intake held nothing more")

        let emailID = try await offPool {
            try Postroom(casebook: ws.casebook()).letterQueue.recordSent(
                .acknowledgement, reference: logged.reference, by: .post)
        }
        #expect(emailID == nil)
        let after = try await record(ws, logged.reference)
        #expect(after.acknowledgedAt != nil)
        #expect(after.attention == nil)
        let history = try await events(ws, logged.reference)
        #expect(
            history.contains { $0.kind == .letterSent && $0.detail.contains("sent by post, as an officer recorded") })
        #expect(history.contains { $0.kind == .acknowledged && $0.detail.contains("sent by post after it was held") })

        // Careless: the same again finds nothing left to record.
        await #expect(throws: LetterDeskError.self) {
            try await offPool {
                try Postroom(casebook: ws.casebook()).letterQueue.recordSent(
                    .acknowledgement, reference: logged.reference, by: .post)
            }
        }
    }

    @Test("hostile: recording a letter that was never held, or of another kind, changes nothing")
    func recordSentWithoutHeldLetter() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let standard = try await ws.log()
        let braille = try await brailleCase(ws)
        _ = try await send(ws, .acknowledgement, braille.reference)
        for (reference, kind) in [(standard.reference, LetterKind.acknowledgement), (braille.reference, .resolution)] {
            await #expect(throws: LetterDeskError.self) {
                try await offPool {
                    try Postroom(casebook: ws.casebook()).letterQueue.recordSent(kind, reference: reference, by: .hand)
                }
            }
            let after = try await record(ws, reference)
            #expect(after.acknowledgedAt == nil)
            #expect(after.status == .open)
        }
    }

    @Test("a held email recorded as sent by hand and later released changes the case once")
    func recordedThenReleased() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await brailleCase(ws)
        try await ws.change(logged.reference) { lifecycle, now in try lifecycle.acknowledge(.outsidePals, at: now) }
        guard case .email(let held, _) = try await send(ws, .resolution, logged.reference, Self.resolution) else {
            Issue.record("not queued by email")
            return
        }
        let id = try await offPool {
            try Postroom(casebook: ws.casebook()).letterQueue.recordSent(
                .resolution, reference: logged.reference, by: .hand)
        }
        #expect(id == held.id)
        #expect(try await record(ws, logged.reference).status == .responded)
        try await releaseAndSend(ws, held.id)
        #expect(try await offPool { try ws.outbox().archive.list() }.contains { $0.id == held.id })
        let history = try await events(ws, logged.reference)
        #expect(history.filter { $0.kind == .responded }.count == 1)
        #expect(try await record(ws, logged.reference).status == .responded)
    }

    @Test("a letter that is not held still changes its case when queued")
    func standardLetterUnchanged() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await ws.log()
        _ = try await send(ws, .acknowledgement, logged.reference)
        #expect(try await record(ws, logged.reference).acknowledgedAt != nil)
        _ = try await send(ws, .holding, logged.reference, Self.holding)
        #expect(try await record(ws, logged.reference).agreedResponseDate == day("2027-01-20"))
    }

    @Test("an effect survives its label: every kind reads back as written; a strange label reads as none")
    func effectLabel() {
        let effects: [HeldLetterEffect] = [
            .acknowledge(automaticStage: 2), .acknowledge(automaticStage: nil), .respond,
            .extend(
                newDate: day("2027-01-20"), reason: "a \"quoted\" reason; with | marks", notice: "a holding letter"),
        ]
        for effect in effects { #expect(HeldLetterEffect(label: effect.label) == effect) }
        #expect(HeldLetterEffect(label: "") == nil)
        #expect(HeldLetterEffect(label: "{\"unknown\":{}}") == nil)
    }
}
