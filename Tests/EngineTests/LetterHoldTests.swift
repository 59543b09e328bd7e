import Casework
import Engine
import Foundation
import Letters
import Logging
import Outbox
import PalsTestKit
import Primitives
import Testing

/// The letter hold (issue 14): a letter pals cannot produce in the form its case needs (braille, audio, BSL, a
/// translation, an easy-read letter it has no template for, a Welsh letter it has no template for) is queued already
/// held, the case records it and is flagged, the officer is told once, and nothing held is ever sent until an officer
/// releases it. The clock stands at Wednesday 25 November 2026, 09:00.
@Suite("Letter hold: letters pals cannot produce properly are held, never sent unnoticed")
struct LetterHoldTests {
    static let update = ["progress": "We have read the notes.", "nextSteps": "We will meet the ward manager."]

    /// Sends a letter of `kind` through the postroom, off the pool.
    func send(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, inputs: [String: String] = [:]
    ) async throws -> LetterQueue.Queued {
        try await offPool {
            try Postroom(casebook: ws.casebook()).sendLetter(kind, reference: reference, inputs: inputs)
        }
    }

    /// The outbox item a queueing made, or a recorded issue.
    func item(_ queued: LetterQueue.Queued) throws -> OutboxItem {
        guard case .email(let item, _) = queued else { throw Missing("not queued by email: \(queued)") }
        return item
    }

    @Test(
        "each need pals cannot make holds the letter with the need named",
        arguments: [
            ("braille", "needs braille: arrange a braille copy of this letter"),
            ("audio", "needs audio: arrange an audio recording of this letter"),
            ("bsl", "arrange a British Sign Language (BSL) video of this letter"),
            ("another-language", "needs a translation into Polish: arrange a Polish translation of this letter"),
        ])
    func needHolds(need: String, words: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.complainant["accessibleInformation"] = [need]
                if need == "another-language" { $0.complainant["interpreterLanguage"] = "Polish" }
            })
        let held = try item(try await send(ws, .acknowledgement, record.reference))
        #expect(held.state == .hold)
        #expect(held.reason?.contains(words) == true, "\(held.reason ?? "")")
        #expect(held.reason?.contains("release to send this") == true)
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.attention?.kind == .letterHeld)
        #expect(after.attention?.messageID == held.id)
        #expect(after.attention?.text.contains("acknowledgement") == true)
        #expect(after.attention?.text.contains(words) == true)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.contains { $0.kind == .letterHeld && $0.detail.contains(words) })
        let alerts = try await ws.queued().filter { $0.labels["kind"] == "alert" }
        #expect(alerts.count == 1)
        #expect(alerts.first?.labels["subject"] == "Letter held: \(record.reference)")
        let body = String(decoding: try await offPool { try ws.outbox().data(of: alerts[0].id) }, as: UTF8.self)
        #expect(!body.contains("Eira"), "the alert names the case, never the person")
    }

    @Test("a standard case's letter is not held")
    func standardNotHeld() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(.acknowledgement, reference: record.reference, inputs: [:])
        }
        #expect(letter.holdReasons.isEmpty)
        #expect(try item(try await send(ws, .acknowledgement, record.reference)).state == .queued)
    }

    @Test("the automatic acknowledgement takes the same path: held, flagged, and its officer alerted once")
    func automaticAcknowledgementHeld() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["braille"] })
        let daemon = try await offPool { try ws.daemon() }
        _ = await daemon.once()
        _ = await daemon.once()
        let items = try await offPool { try ws.outbox().list(state: nil, labels: ["case": record.reference]) }
        let acknowledgement = try #require(items.first { $0.labels["kind"] == "acknowledgement" })
        #expect(acknowledgement.state == .hold)
        #expect(acknowledgement.reason?.contains("needs braille") == true)
        let archive = try await offPool { try ws.outbox().archive.list() }
        #expect(!archive.contains { $0.labels["kind"] == "acknowledgement" }, "never sent")
        let alerts = (items + archive).filter { $0.labels["kind"] == "alert" }
        #expect(Set(alerts.map(\.id)).count == 1, "one alert for the letter, whatever passes run")
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.attention?.kind == .letterHeld)
    }

    @Test("nothing held is ever sent until released; once released it is sent")
    func heldIsNeverSent() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        var references: [String] = []
        for need in ["braille", "audio", "bsl"] {
            references.append(
                try await ws.log(.with { $0.complainant["accessibleInformation"] = [need] }).reference)
        }
        let daemon = try await offPool { try ws.daemon() }
        for _ in 0..<3 { _ = await daemon.once() }
        let outbox = try ws.outbox()
        let held = try await offPool { try outbox.list(state: .hold) }
        #expect(held.count == references.count)
        // Due at any time from now to a year on: no held message is ever due.
        for days in [0.0, 1, 30, 365] {
            let due = try outbox.due(at: ws.clock.now().addingTimeInterval(days * 86_400))
            #expect(Set(due.map(\.id)).isDisjoint(with: held.map(\.id)))
        }
        let archive = try await offPool { try outbox.archive.list() }
        #expect(!archive.contains { $0.labels["kind"] == "acknowledgement" })
        // The officer releases one: it goes, and its case's flag clears on delivery.
        _ = try outbox.release(held[0].id)
        _ = await daemon.once()
        let sent = try await offPool { try outbox.archive.list() }
        #expect(sent.contains { $0.id == held[0].id })
        #expect(try await offPool { try outbox.list(state: .hold) }.count == references.count - 1)
    }

    @Test("a postal letter that is held goes to print/held, never the print queue, and the officer is told")
    func postalHeld() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.complainant["preferredContact"] = "post"
                $0.complainant["email"] = nil
                $0.complainant["accessibleInformation"] = ["audio"]
            })
        let queued = try await send(ws, .update, record.reference, inputs: Self.update)
        guard case .print(let file, true) = queued else {
            Issue.record("not held for print: \(queued)")
            return
        }
        #expect(LetterQueue.isHeldPrint(file))
        #expect(file.path.hasSuffix("Outbox/print/held/" + file.lastPathComponent))
        #expect(try Data(contentsOf: file).starts(with: Data("%PDF-".utf8)))
        let printQueue = ws.workspace.outboxURL.appending(path: Postroom.printFolder)
        let printed = try FileManager.default.contentsOfDirectory(atPath: printQueue.path).filter {
            $0.hasSuffix(".pdf")
        }
        #expect(printed.isEmpty, "nothing in the print queue")
        let alert = try #require(try await ws.queued().first { $0.labels["kind"] == "alert" })
        #expect(alert.labels["subject"] == "Letter held: \(record.reference)")
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.attention?.text.contains("needs audio") == true)
        // The same command again holds nothing more.
        guard case .print(_, false) = try await send(ws, .update, record.reference, inputs: Self.update) else {
            Issue.record("held twice")
            return
        }
    }

    @Test("a Welsh case whose kind has no Welsh template renders in English and is held with that reason")
    func welshTemplateMissing() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        try FileManager.default.removeItem(at: ws.workspace.templatesURL.appending(path: "cy/acknowledgement.mustache"))
        let record = try await ws.log(.with { $0.complainant["language"] = "cy" })
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(.acknowledgement, reference: record.reference, inputs: [:])
        }
        #expect(letter.merged.language == .english)
        #expect(letter.holdReasons == [.noWelshTemplate(.acknowledgement)])
        #expect(
            letter.heldReason
                == "no Welsh template for acknowledgement: add Templates/cy/acknowledgement.mustache "
                + "(pals templates restore) or release to send in English")
        let held = try item(try await send(ws, .acknowledgement, record.reference))
        #expect(held.state == .hold)
    }

    @Test("a Welsh case whose kind has a Welsh template is not held")
    func welshTemplatePresent() async throws {
        let ws = try await EngineWorkspace.make(welshForms: true)
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["language"] = "cy" })
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(.acknowledgement, reference: record.reference, inputs: [:])
        }
        #expect(letter.merged.language == .welsh)
        #expect(letter.holdReasons.isEmpty)
    }

    @Test("hostile: a need pals cannot make and a missing Welsh template are both named")
    func severalReasons() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        try FileManager.default.removeItem(at: ws.workspace.templatesURL.appending(path: "cy/acknowledgement.mustache"))
        let record = try await ws.log(
            .with {
                $0.complainant["language"] = "cy"
                $0.complainant["accessibleInformation"] = ["braille", "large-print"]
            })
        let held = try item(try await send(ws, .acknowledgement, record.reference))
        #expect(held.state == .hold)
        #expect(held.reason?.contains("no Welsh template for acknowledgement") == true)
        #expect(held.reason?.contains("needs braille") == true)
    }

    @Test("the letter to an MP is not held for the complainant's needs")
    func mpLetterNotHeld() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.with { $0.complainant["accessibleInformation"] = ["braille", "easy-read"] })
        let inputs = [
            "mpName": "INVENTED Member", "mpLetterDate": "2026-11-20", "consentOn": "2026-11-19",
            "reply": "We are looking into it.", "mpEmail": "mp@example.org",
        ]
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(.mpLetter, reference: record.reference, inputs: inputs)
        }
        #expect(letter.holdReasons.isEmpty)
        #expect(letter.format == LetterFormat())
    }
}
