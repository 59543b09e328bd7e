import Casework
import Engine
import Foundation
import Letters
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// DESIGN invariant 13 and issue 11 item 8: no letter a case's state forbids, decided in one place
/// (``LetterDesk/refusal(of:for:)``) and applied by ``LetterDesk/prepare(_:reference:inputs:)``.
@Suite("Letters a case's state forbids")
struct LetterRulesTests {
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Valid inputs for each kind the shipped templates have.
    static let inputs: [LetterKind: [String: String]] = [
        .holding: ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"],
        .resolution: ["consideration": "We read the notes.", "findings": "There was a delay.", "actions": "Training."],
        .outOfTime: ["decision": "We will look into it.", "reason": "You were unwell."],
    ]

    /// A workspace with the shipped templates and one logged example case, at a fixed time.
    struct Desk {
        let folder: TemporaryFolder
        let casebook: Casebook
        let desk: LetterDesk
        let reference: String

        init(now: String = "2026-11-25T09:00:00Z") throws {
            let workspace = try EngineWorkspace(now: now)
            folder = workspace.folder
            casebook = try workspace.casebook()
            let json = try Data(contentsOf: LetterRulesTests.packageRoot.appending(path: "Examples/complaint.json"))
            reference = try casebook.log(json: json).reference
            desk = try LetterDesk(casebook: casebook)
        }

        /// Moves the case through its lifecycle (as the CLI's commands and the daemon would have).
        func set(_ transition: (inout CaseLifecycle, Date) throws -> Void) throws {
            let now = casebook.clock.now()
            try casebook.register.apply(reference, now: now) { try transition(&$0, now) }
        }

        /// The refusal `prepare` gives, or nil when it prepared the letter.
        func refusal(_ kind: LetterKind) -> LetterDeskError? {
            do {
                _ = try desk.prepare(kind, reference: reference, inputs: LetterRulesTests.inputs[kind] ?? [:])
                return nil
            } catch let error as LetterDeskError {
                return error
            } catch {
                Issue.record("\(kind) failed for another reason: \(error)")
                return nil
            }
        }
    }

    @Test("the rule, for every state and kind of letter")
    func table() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        var record = try desk.casebook.register.get(desk.reference)
        let kinds: [LetterKind] = [
            .acknowledgement, .holding, .update, .lateResponse, .consentRequest, .outOfTime, .resolution,
            .reminderDigest, "apology-meeting",
        ]
        func allowed(_ status: CaseStatus, acknowledged: Bool = false) -> [LetterKind] {
            record.status = status
            record.acknowledgedAt = acknowledged ? Date(timeIntervalSince1970: 1_795_000_000) : nil
            return kinds.filter { LetterDesk.refusal(of: $0, for: record) == nil }
        }
        // The example's consent is requested: no final response until it is answered (ConsentTests).
        #expect(
            allowed(.open)
                == [
                    .acknowledgement, .holding, .update, .lateResponse, .consentRequest, .outOfTime, "apology-meeting",
                ])
        #expect(
            allowed(.awaitingConsent, acknowledged: true)
                == [.holding, .update, .lateResponse, .consentRequest, .outOfTime, "apology-meeting"])
        record.consent = .received
        #expect(allowed(.open, acknowledged: true).contains(.resolution), "once consent is received")
        #expect(allowed(.responded, acknowledged: true) == ["apology-meeting"], "only a kind pals does not know")
        #expect(allowed(.closed, acknowledged: true) == [])
        #expect(allowed(.withdrawn, acknowledged: true) == [])
        record.status = .open
        record.acknowledgedOutsidePals = true
        #expect(LetterDesk.refusal(of: .acknowledgement, for: record)?.code == .notAllowed)
    }

    @Test("a holding letter after the final response is refused, saying why and how to reopen")
    func holdingAfterResolution() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        #expect(desk.refusal(.holding) == nil, "allowed while the case is open")
        try desk.set { try $0.respond(at: $1) }
        let refusal = try #require(desk.refusal(.holding))
        #expect(refusal.code == .notAllowed)
        #expect(refusal.message.contains("case \(desk.reference) has had its final response (status responded)"))
        #expect(refusal.message.contains("says the response is still to come"))
        #expect(refusal.message.contains("If the complaint is being looked at again, reopen the case before writing"))
        #expect(refusal.refusal == .responded(.progress) && refusal.reference == desk.reference)
    }

    @Test("a second resolution is refused")
    func resolutionTwice() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        try desk.set { try $0.recordConsent(.received, at: $1) }
        #expect(desk.refusal(.resolution) == nil)
        try desk.set { try $0.respond(at: $1) }
        let refusal = try #require(desk.refusal(.resolution))
        #expect(refusal.message.contains("its final response has already been sent"))
    }

    @Test("every letter on a closed case is refused until it is reopened")
    func closedCase() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        try desk.casebook.close(desk.reference)
        for kind in desk.desk.library.caseLetterKinds {
            let refusal = try #require(desk.refusal(kind), "\(kind)")
            #expect(
                refusal.message
                    == "case \(desk.reference) is closed: reopen the case before writing if the complaint is being "
                    + "looked at again"
            )
        }
        var reopen = CaseChanges()
        reopen.status = .open
        try desk.casebook.update(desk.reference, reopen)
        #expect(desk.refusal(.holding) == nil, "a reopened case takes letters again")
    }

    @Test("an automatic acknowledgement is refused once an officer has acknowledged the case")
    func acknowledgementAfterOfficer() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        #expect(desk.refusal(.acknowledgement) == nil)
        try desk.set { try $0.acknowledge(.byOfficerLetter, at: $1) }
        let refusal = try #require(desk.refusal(.acknowledgement))
        #expect(refusal.message.contains("was already acknowledged on 2026-11-25"))
    }

    @Test("the reminder digest is never written for a case")
    func digestForCase() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        let refusal = try #require(desk.refusal(.reminderDigest))
        #expect(refusal.message.contains("goes to officers"))
    }

    @Test("prepare names every missing input at once and refuses inputs the letter does not take")
    func inputs() throws {
        let desk = try Desk()
        defer { desk.folder.remove() }
        do {
            _ = try desk.desk.prepare(.holding, reference: desk.reference, inputs: [:])
            Issue.record("prepared a holding letter without inputs")
        } catch let error as LetterError {
            #expect(error.code == .badInputs)
            #expect(error.names == ["reason", "newDate"])
        }
        do {
            var inputs = Self.inputs[.holding]!
            inputs["newdate"] = "2027-01-20"
            _ = try desk.desk.prepare(.holding, reference: desk.reference, inputs: inputs)
            Issue.record("prepared a holding letter with a misspelt input")
        } catch let error as LetterError {
            #expect(error.names == ["newdate"])
            #expect(error.description.contains("reason, newDate (required)"))
        }
    }

    @Test("the holding letter says the old date was missed only once it has passed")
    func holdingWordingFollowsTheClock() throws {
        // The example case's response date is 30 December 2026.
        for (now, past) in [
            ("2026-11-25T09:00:00Z", false), ("2026-12-30T09:00:00Z", false), ("2026-12-31T09:00:00Z", true),
        ] {
            let desk = try Desk(now: now)
            defer { desk.folder.remove() }
            var inputs = Self.inputs[.holding]!
            inputs["newDate"] = "2027-02-20"
            let letter = try desk.desk.prepare(.holding, reference: desk.reference, inputs: inputs)
            let flat = letter.merged.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("30 December 2026, the date we gave you"), "\(flat)")
            #expect(flat.contains(past ? "we have not been able to finish" : "we will not be able to finish"), "\(now)")
        }
    }
}

/// The case stores Engine is tested over: the workspace's SQLite register and the in-memory twin.
enum EngineStore: String, CaseIterable, Sendable {
    case register, inMemory

    func casebook(_ workspace: EngineWorkspace) throws -> Casebook {
        switch self {
        case .register: try workspace.casebook()
        case .inMemory: Casebook(workspace: workspace.workspace, register: .inMemory(), clock: workspace.clock)
        }
    }
}

@Suite("Engine changes a case only through its lifecycle", .serialized)
struct EngineLifecycleTests {
    static let complaint = LetterRulesTests.packageRoot.appending(path: "Examples/complaint.json")

    @Test("an officer's letters record their typed events and move the case", arguments: EngineStore.allCases)
    func officerLetters(store: EngineStore) throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let postroom = try Postroom(casebook: try store.casebook(ws))
        let book = postroom.casebook
        let reference = try book.log(json: Data(contentsOf: Self.complaint)).reference
        try postroom.sendLetter(.acknowledgement, reference: reference, inputs: [:])
        try postroom.sendLetter(.holding, reference: reference, inputs: LetterRulesTests.inputs[.holding]!)
        var consent = CaseChanges()
        consent.consent = .received
        try book.update(reference, consent)
        try postroom.sendLetter(.resolution, reference: reference, inputs: LetterRulesTests.inputs[.resolution]!)
        let record = try book.register.get(reference)
        #expect(record.status == .responded)
        #expect(record.acknowledgedAt == ws.clock.now())
        #expect(record.agreedResponseDate == CivilDate(iso: "2027-01-20") && record.extensions == 1)
        let kinds = try book.register.events(for: reference).map(\.kind)
        #expect(
            kinds.filter { $0 != .letterQueued && $0 != .letterPrinted }
                == [.logged, .acknowledged, .extended, .updated, .consent, .consent, .responded])
        #expect(kinds.filter { $0 == .letterQueued || $0 == .letterPrinted }.count == 3, "\(kinds)")
    }

    @Test(
        "an officer's update goes through the transitions; a refused one stores nothing",
        arguments: EngineStore.allCases)
    func officerUpdates(store: EngineStore) throws {
        let ws = try EngineWorkspace()
        defer { ws.folder.remove() }
        let book = try store.casebook(ws)
        let reference = try book.log(json: Data(contentsOf: Self.complaint)).reference
        try book.close(reference)
        #expect(throws: RegisterError.self) { try book.close(reference) }
        var respond = CaseChanges()
        respond.status = .responded
        #expect(throws: CaseTransitionError.self) { try book.update(reference, respond) }
        #expect(try book.register.get(reference).status == .closed, "a refused change stores nothing")
        var reopen = CaseChanges()
        reopen.status = .open
        reopen.officer = "alex"
        let reopened = try book.update(reference, reopen)
        #expect(reopened.status == .open && reopened.closedAt == nil)
        let kinds = try book.register.events(for: reference).map(\.kind)
        // The example waits for the patient's consent: reopening returns it there, and the officer's `open` ends
        // the wait.
        #expect(kinds == [.logged, .closed, .updated, .reopened, .consent], "\(kinds)")
    }
}
