import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// The backends every ``CaseStore`` contract test runs over.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, inMemory

    var testDescription: String { rawValue }

    /// A new, empty store of this backend, and the folder to remove after (if any).
    func make() throws -> (store: any CaseStore, folder: TemporaryFolder?) {
        switch self {
        case .sqlite:
            let folder = try TemporaryFolder("store")
            return (try CaseRegister(url: folder.appending("register.sqlite")), folder)
        case .inMemory:
            return (.inMemory(), nil)
        }
    }
}

/// The contract of ``CaseStore``: the SQLite register and its in-memory twin behave alike.
@Suite("The case store contract")
struct CaseStoreContractTests {
    func form(_ changes: [String: Any] = [:]) throws -> CaseForm {
        try CaseForm.parse(json: complaintJSON(changes), rules: rules)
    }

    @Test(
        "a new case gets the next reference, skipping taken ones, and its logged event",
        arguments: StoreBackend.allCases)
    func create(backend: StoreBackend) throws {
        let (store, folder) = try backend.make()
        defer { folder?.remove() }
        let first = try store.create(try form(), pattern: .standard, now: rules.now)
        let second = try store.create(
            try form(), pattern: .standard, now: rules.now, taken: ["PALS-2026-0002", "PALS-2026-0003"])
        #expect(first.reference == "PALS-2026-0001")
        #expect(second.reference == "PALS-2026-0004")
        #expect(first.caseId != second.caseId && !first.caseId.isEmpty)
        #expect(try store.get(first.reference) == first)
        #expect(
            try store.events(for: first.reference) == [
                CaseEvent(at: rules.now, kind: .logged, detail: "logged by email")
            ])
    }

    @Test("a missing case is nil to find and an error to get or change", arguments: StoreBackend.allCases)
    func missing(backend: StoreBackend) throws {
        let (store, folder) = try backend.make()
        defer { folder?.remove() }
        #expect(try store.find("PALS-2026-9999") == nil)
        #expect(throws: RegisterError.notFound("PALS-2026-9999")) { try store.get("PALS-2026-9999") }
        #expect(throws: RegisterError.notFound("PALS-2026-9999")) {
            try store.apply("PALS-2026-9999", now: rules.now) { _ in }
        }
        #expect(try store.events(for: "PALS-2026-9999").isEmpty)
    }

    @Test("a transition stores the case and its events; a refused one stores nothing", arguments: StoreBackend.allCases)
    func apply(backend: StoreBackend) throws {
        let (store, folder) = try backend.make()
        defer { folder?.remove() }
        let reference = try store.create(try form(), pattern: .standard, now: rules.now).reference
        let later = rules.now.addingTimeInterval(60)
        let responded = try store.apply(reference, now: later) { try $0.respond(at: later) }
        #expect(responded.status == .responded && responded.updatedAt == later)
        #expect(try store.get(reference) == responded)
        #expect(throws: CaseTransitionError.self) {
            try store.apply(reference, now: later.addingTimeInterval(60)) { lifecycle in
                lifecycle.record(.queuedByEmail(messageID: "m1"), kind: "update", at: later)
                try lifecycle.extend(to: CivilDate(iso: "2027-01-20")!, reason: "too late", at: later)
            }
        }
        #expect(try store.get(reference) == responded, "nothing of a refused transition is stored")
        #expect(try store.events(for: reference).map(\.kind) == [.logged, .responded])
    }

    @Test(
        "a recording that changes nothing on the case adds its event and leaves the case as it was",
        arguments: StoreBackend.allCases)
    func recordOnly(backend: StoreBackend) throws {
        let (store, folder) = try backend.make()
        defer { folder?.remove() }
        let created = try store.create(try form(), pattern: .standard, now: rules.now)
        let later = rules.now.addingTimeInterval(60)
        try store.apply(created.reference, now: later) { lifecycle in
            lifecycle.record(.deferred(messageID: "m1", reason: "451"), kind: "holding", at: later)
        }
        #expect(try store.get(created.reference) == created, "not even its last-changed time")
        #expect(
            try store.events(for: created.reference).last
                == CaseEvent(
                    at: later, kind: .letterDeferred, detail: "holding m1 will be retried: 451"))
    }

    @Test("typed attention reasons read back from the store", arguments: StoreBackend.allCases)
    func attention(backend: StoreBackend) throws {
        let (store, folder) = try backend.make()
        defer { folder?.remove() }
        let reference = try store.create(try form(), pattern: .standard, now: rules.now).reference
        try store.apply(reference, now: rules.now) { lifecycle in
            lifecycle.record(.held(messageID: "m1", reason: "unknown outcome"), kind: "holding", at: rules.now)
        }
        #expect(try store.get(reference).attention == .letterHeld(kind: "holding", messageID: "m1"))
        #expect(try store.schedules().first?.attention == .letterHeld(kind: "holding", messageID: "m1"))
        try store.apply(reference, now: rules.now) { $0.flag(.intakeFailed("no template"), at: rules.now) }
        #expect(try store.get(reference).attention?.holdsIntake == true)
    }

    @Test("cases and schedules are filtered alike and listed oldest first", arguments: StoreBackend.allCases)
    func filters(backend: StoreBackend) throws {
        let (store, folder) = try backend.make()
        defer { folder?.remove() }
        func log(_ received: String, officer: String = "alex") throws -> Case {
            try store.create(try form(["received": received, "officer": officer]), pattern: .standard, now: rules.now)
        }
        let newer = try log("2026-11-24T10:00:00Z")
        let older = try log("2026-11-20T10:00:00Z", officer: "sam")
        let closed = try log("2026-11-21T10:00:00Z")
        try store.apply(closed.reference, now: rules.now) { try $0.close(at: rules.now) }
        try store.apply(newer.reference, now: rules.now) { try $0.acknowledge(.byOfficerLetter, at: rules.now) }
        let filters: [(CaseFilter, [String])] = [
            (CaseFilter(), [older.reference, closed.reference, newer.reference]),
            (CaseFilter(openOnly: true), [older.reference, newer.reference]),
            (CaseFilter(officer: "sam"), [older.reference]),
            (CaseFilter(status: .closed), [closed.reference]),
            (CaseFilter(openOnly: true, awaitingAcknowledgement: true), [older.reference]),
        ]
        for (filter, expected) in filters {
            #expect(try store.cases(filter).map(\.reference) == expected)
            #expect(try store.schedules(filter).map(\.reference) == expected)
            let scan = try store.scheduleScan(filter)
            #expect(scan.schedules == (try store.cases(filter).map(\.schedule)))
            #expect(scan.problems.isEmpty)
        }
    }

    @Test("the in-memory store is picked by a static member and starts empty")
    func inMemoryMember() throws {
        let store: any CaseStore = .inMemory()
        #expect(try store.cases().isEmpty)
        #expect(store.notice == nil)
    }
}

@Suite("Registers written by an older pals")
struct LegacyRegisterTests {
    @Test("old event kinds and plain attention text read back typed, and the case changes on")
    func oldStrings() async throws {
        let folder = try TemporaryFolder("legacy")
        defer { folder.remove() }
        let file = folder.appending("register.sqlite")
        let register = try CaseRegister(url: file)
        let created = try register.create(
            try CaseForm.parse(json: complaintJSON(), rules: rules), pattern: .standard, now: rules.now)
        let reference = created.reference
        var values: [String] = []
        for kind in CaseEventKindTests.oldTexts + ["note"] {
            values.append("('\(reference)', '2026-11-25 09:00:00.000', '\(kind)', 'old')")
        }
        let old = "automatic acknowledgement not made: old words"
        let rows = values.joined(separator: ", ")
        try await sqlite(file, "INSERT INTO case_events(reference, at, kind, detail) VALUES \(rows)")
        try await sqlite(file, "UPDATE cases SET attention = '\(old)' WHERE reference = '\(reference)'")
        let events = try register.events(for: reference)
        #expect(events.map(\.kind.rawValue) == ["logged"] + CaseEventKindTests.oldTexts + ["note"])
        #expect(events.last?.kind == .unrecognised("note"))
        let read = try register.get(reference)
        #expect(read.attention == CaseAttention(kind: .intakeFailed, text: old))
        #expect(try register.schedules().first?.attention?.holdsIntake == true)
        try register.apply(reference, now: rules.now) { $0.clearAttention(at: rules.now) }
        #expect(try register.get(reference).attention == nil)
        #expect(try register.events(for: reference).last?.kind == .attentionCleared)
    }

    @Test("a new reason is stored as JSON text in the attention column")
    func storedForm() async throws {
        let folder = try TemporaryFolder("legacy")
        defer { folder.remove() }
        let file = folder.appending("register.sqlite")
        let register = try CaseRegister(url: file)
        let reference = try register.create(
            try CaseForm.parse(json: complaintJSON(), rules: rules), pattern: .standard, now: rules.now
        ).reference
        try register.apply(reference, now: rules.now) { $0.flag(.intakeRefused("an automatic mailbox"), at: rules.now) }
        let stored = try await sqlite(file, "SELECT attention FROM cases")
        #expect(
            stored.trimmingCharacters(in: .whitespacesAndNewlines)
                == #"{"kind":"intake-refused","text":"automatic acknowledgement not sent: an automatic mailbox"}"#)
    }
}
