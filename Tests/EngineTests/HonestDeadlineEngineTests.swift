import Casework
import Engine
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// England's backstop end to end in Engine: an agreement recorded before it passes moves it, one after is
/// refused, a holding letter leaves it, and the late-response and update letters say only what is true.
///
/// The case is received on Wednesday 20 May 2026, so its backstop is Friday 20 November 2026.
@Suite("Honest deadlines: agreements, holding, update and late-response letters")
struct HonestDeadlineEngineTests {
    static let received = "2026-05-20T10:00:00Z"
    static let backstop = day("2026-11-20")

    func englandCase(_ ws: EngineWorkspace) async throws -> Case {
        try await ws.log(.with { $0.fields["received"] = Self.received })
    }

    func deadlines(_ ws: EngineWorkspace, _ reference: String, at now: String) async throws -> CaseDeadlines {
        try await offPool {
            let book = try ws.at(now)
            return try DeadlineDesk(workspace: book.workspace).deadlines(for: try book.register.get(reference))
        }
    }

    @Test("an agreement with the complainant before the backstop moves it, and is recorded as an agreement")
    func agreementMovesTheBackstop() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-10T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)
        #expect(try await deadlines(ws, record.reference, at: "2026-11-10T09:00:00Z").backstop == Self.backstop)
        let updated = try await offPool {
            var changes = CaseChanges()
            changes.agreedResponseDate = day("2026-12-18")
            changes.agreedWithComplainant = true
            return try ws.at("2026-11-10T09:00:00Z").update(record.reference, changes)
        }
        #expect(updated.agreedResponseDate == day("2026-12-18"))
        #expect(updated.backstopAgreedDate == day("2026-12-18"))
        let after = try await deadlines(ws, record.reference, at: "2026-11-10T09:00:00Z")
        #expect(after.backstop == day("2026-12-18"))
        #expect(after.respondBy == day("2026-12-18"))
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        let agreed = try #require(history.first { $0.kind == .agreed })
        #expect(agreed.detail.contains("agreed with the complainant"))
        #expect(agreed.detail.contains("backstop moved from 2026-11-20 to 2026-12-18"))
    }

    @Test("an agreement after the backstop passed is refused and changes nothing")
    func agreementAfterTheBackstopIsRefused() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-23T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)
        let error = await failure(DeadlineError.self) {
            var changes = CaseChanges()
            changes.agreedResponseDate = day("2026-12-18")
            changes.agreedWithComplainant = true
            _ = try ws.at("2026-11-23T09:00:00Z").update(record.reference, changes)
        }
        #expect(error?.code == .backstopPassed)
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after.agreedResponseDate == nil)
        #expect(after.backstopAgreedDate == nil)
        #expect(try await deadlines(ws, record.reference, at: "2026-11-23T09:00:00Z").backstop == Self.backstop)
    }

    @Test("a date after the backstop without the complainant's agreement is refused; one before it is kept")
    func laterDateNeedsAgreement() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-10T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)
        let error = await failure(DeadlineError.self) {
            var changes = CaseChanges()
            changes.agreedResponseDate = day("2026-12-18")
            _ = try ws.at("2026-11-10T09:00:00Z").update(record.reference, changes)
        }
        #expect(error?.code == .needsAgreement)
        #expect(error?.reason.contains("holding letter") == true)
        let kept = try await offPool {
            var changes = CaseChanges()
            changes.agreedResponseDate = day("2026-11-18")
            return try ws.at("2026-11-10T09:00:00Z").update(record.reference, changes)
        }
        #expect(kept.agreedResponseDate == day("2026-11-18"))
        #expect(kept.backstopAgreedDate == nil)
    }

    @Test("a holding letter with a date after the backstop records the date but leaves the backstop (a breach stays)")
    func holdingLeavesTheBackstop() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-10T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)
        try await offPool {
            let postroom = try Postroom(casebook: ws.at("2026-11-10T09:00:00Z"))
            _ = try postroom.sendLetter(
                .holding, reference: record.reference,
                inputs: ["reason": "We are waiting for an expert opinion.", "newDate": "2027-01-29"])
        }
        let after = try await deadlines(ws, record.reference, at: "2026-11-10T09:00:00Z")
        #expect(after.respondBy == day("2027-01-29"))
        #expect(after.backstop == Self.backstop, "a holding letter is a notice, not an agreement")
        let stored = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(stored.backstopAgreedDate == nil)
        #expect(stored.lastLetterAt != nil, "the letter counts as keeping the complainant informed")
    }

    @Test("a holding letter sent before the old date says the team will not finish by it, never that it has not")
    func holdingBeforeTheOldDate() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-25T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await ws.log()  // received 23 November 2026: the response is due in January
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook())
                .prepare(
                    .holding, reference: record.reference,
                    inputs: ["reason": "A statement is awaited.", "newDate": "2027-02-26"])
        }
        #expect(letter.merged.flatText.contains("we will not be able to finish looking into your complaint by"))
        #expect(!letter.merged.flatText.contains("have not been able to finish"))
    }

    @Test("the late-response letter is refused until the backstop has passed, then explains the delay")
    func lateResponse() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-20T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)
        let inputs = ["reason": "The clinical review took longer than planned.", "expectedDate": "2026-12-11"]
        let early = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.at("2026-11-20T16:00:00Z")).prepare(
                .lateResponse, reference: record.reference, inputs: inputs)
        }
        #expect(early?.code == .notAllowed)
        #expect(early?.message.contains("has not passed") == true)
        let (letter, stored) = try await offPool {
            let book = try ws.at("2026-11-23T09:00:00Z")
            let letter = try LetterDesk(casebook: book).prepare(
                .lateResponse, reference: record.reference, inputs: inputs)
            _ = try Postroom(casebook: book).sendLetter(.lateResponse, reference: record.reference, inputs: inputs)
            return (letter, try book.register.get(record.reference))
        }
        let text = letter.merged.flatText
        #expect(text.contains("We should have sent you our full response by 20 November 2026"))
        #expect(text.contains("The clinical review took longer than planned."))
        #expect(text.contains("we expect it to be by 11 December 2026"))
        #expect(stored.agreedResponseDate == day("2026-12-11"), "the date told is the new target")
        #expect(stored.backstopAgreedDate == nil)
        #expect(try await deadlines(ws, record.reference, at: "2026-11-23T09:00:00Z").backstop == Self.backstop)
    }

    @Test("a late-response letter needs a reason and a date still to come")
    func lateResponseHostileInputs() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-23T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)
        let past = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .lateResponse, reference: record.reference, inputs: ["reason": "Delay.", "expectedDate": "2026-11-01"])
        }
        #expect(past?.input == "expectedDate")
        let blank = await failure(LetterError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .lateResponse, reference: record.reference, inputs: ["reason": "   ", "expectedDate": "2026-12-11"])
        }
        #expect(blank != nil)
        let notADate = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .lateResponse, reference: record.reference, inputs: ["reason": "Delay.", "expectedDate": "soon"])
        }
        #expect(notADate?.input == "expectedDate")
    }

    @Test("Scotland has no backstop, so no late-response letter")
    func noBackstopNoLateResponse() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-25T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.fields["profile"] = "scotland"
                $0.fields["complexity"] = nil
            })
        let error = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .lateResponse, reference: record.reference, inputs: ["reason": "Delay.", "expectedDate": "2026-12-11"])
        }
        #expect(error?.message.contains("no backstop") == true)
    }

    @Test("the board names the rule set of each case's deadlines, as `pals deadlines --json` prints it")
    func boardNamesTheRuleSet() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-25T09:00:00Z")
        defer { ws.folder.remove() }
        _ = try await ws.log()
        let board = try await offPool {
            let book = try ws.casebook()
            return try DeadlineDesk(workspace: book.workspace).board(
                try book.register.scheduleScan(CaseFilter(openOnly: true)).schedules, today: day("2026-11-25"))
        }
        let item = try #require(board.items.first)
        #expect(item.ruleSet == "england-2009")
        let json = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(item)) as? [String: Any])
        #expect(json["ruleSet"] as? String == "england-2009")
    }

    @Test("an update letter reports progress and keeps the date; it moves nothing")
    func updateKeepsTheDate() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-25T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let before = try await deadlines(ws, record.reference, at: "2026-11-25T09:00:00Z")
        let inputs = ["progress": "We have read the notes of your visit.", "nextSteps": "We will speak to the nurse."]
        let letter = try await offPool {
            let book = try ws.casebook()
            let letter = try LetterDesk(casebook: book).prepare(.update, reference: record.reference, inputs: inputs)
            _ = try Postroom(casebook: book).sendLetter(.update, reference: record.reference, inputs: inputs)
            return letter
        }
        #expect(letter.merged.flatText.contains("We still expect to send you our full response by"))
        #expect(letter.merged.flatText.contains("We have read the notes of your visit."))
        let after = try await deadlines(ws, record.reference, at: "2026-11-25T09:00:00Z")
        #expect(after == before)
        let stored = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(stored.extensions == 0)
        #expect(stored.agreedResponseDate == nil)
    }

    @Test("an update letter is refused once the response date has passed: a holding letter gives a new date")
    func updateAfterTheDateIsRefused() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-10T09:00:00Z")
        defer { ws.folder.remove() }
        let record = try await englandCase(ws)  // 25 working days from 20 May: long past
        let error = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .update, reference: record.reference, inputs: ["progress": "Some.", "nextSteps": "More."])
        }
        #expect(error?.message.contains("holding letter") == true)
    }
}
