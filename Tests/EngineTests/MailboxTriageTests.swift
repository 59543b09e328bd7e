import Casework
import Foundation
import Letters
import Logging
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

@Suite("Triage: a mailbox case is taken on by an officer, then acknowledged by itself")
struct MailboxTriageTests {
    /// A desk with one untriaged case from the mailbox; returns it and its reference.
    func untriaged(
        inMemory: Bool = false, name: String? = "Eve Jones", now: String = "2026-11-25T09:00:00Z",
        arrived: String = "2026-11-25T08:30:00Z"
    ) async throws -> (MailboxDesk, String) {
        let desk = try await MailboxDesk.make(inMemory: inMemory, now: now)
        let outcomes = try await desk.take(inbound("t", name: name, arrived: arrived))
        guard case .triage(let reference, _, _) = outcomes.first else { throw CancellationError() }
        return (desk, reference)
    }

    @Test("an untriaged case gets no acknowledgement; once triaged, intake acknowledges it", arguments: [false, true])
    func triageThenAcknowledge(inMemory: Bool) async throws {
        let (desk, reference) = try await untriaged(inMemory: inMemory)
        defer { desk.ws.folder.remove() }
        let postroom = desk.postroom
        let daemon = try Daemon(postroom: postroom, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(try await offPool { daemon.intakePass() } == 0)
        let triaged = try await offPool { try postroom.casebook.triage(reference, officer: "sam") }
        #expect(triaged.status == .open)
        #expect(triaged.officer == "sam")
        #expect(try desk.register.events(for: reference).contains { $0.kind == .triaged })
        #expect(try await offPool { daemon.intakePass() } == 1)
        let acknowledgement = try #require(try desk.outboxItems(kind: "acknowledgement").first)
        #expect(acknowledgement.labels["case"] == reference)
        #expect(try desk.text(of: acknowledgement).contains("Dear Eve Jones,"))
    }

    @Test("an acknowledgement letter for a case in triage is refused, naming triage")
    func acknowledgementRefusedInTriage() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        let record = try desk.register.get(reference)
        let refusal = try #require(LetterDesk.refusal(of: .acknowledgement, for: record))
        #expect(refusal.refusal == .notTriaged)
        #expect(refusal.message.contains("not been triaged"))
    }

    @Test("triage refuses an unknown officer, a case with no known name, and a case already triaged")
    func triageRefusals() async throws {
        let (desk, reference) = try await untriaged(name: nil)
        defer { desk.ws.folder.remove() }
        let book = desk.postroom.casebook
        #expect(throws: CaseFormError.self) {
            try book.triage(reference, officer: "nobody", complainantName: PersonName("A B"))
        }
        let unnamed = #expect(throws: CaseFormError.self) { try book.triage(reference, officer: "sam") }
        #expect(unnamed?.problems.map(\.field) == ["name"])
        #expect(try desk.register.get(reference).status == .triage)
        let named = try book.triage(
            reference, officer: "sam", profile: .wales, complainantName: PersonName("Eve Mary Jones"))
        #expect(named.complainant.firstName == "Eve Mary")
        #expect(named.complainant.lastName == "Jones")
        #expect(named.profile == .wales)
        let again = #expect(throws: CaseTransitionError.self) { try book.triage(reference, officer: "alex") }
        #expect(again?.code == .notAllowedInStatus)
    }

    @Test("a case cannot be moved back into triage by an officer's status change")
    func noWayBackToTriage() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        let book = desk.postroom.casebook
        try book.triage(reference, officer: "sam")
        var changes = CaseChanges()
        changes.status = .triage
        #expect(throws: CaseTransitionError.self) { try book.update(reference, changes) }
    }

    @Test("triaged as a concern, the case is a PALS concern and intake sends it no statutory acknowledgement")
    func triageAsConcern() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        let postroom = desk.postroom
        let daemon = try Daemon(postroom: postroom, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let triaged = try await offPool { try postroom.casebook.triage(reference, officer: "sam", kind: .concern) }
        #expect(triaged.kind == .concern)
        #expect(triaged.status == .open)
        #expect(try desk.ws.casebook().register.get(reference).kind == .concern)
        let event = try #require(try desk.register.events(for: reference).first { $0.kind == .triaged })
        #expect(event.detail.contains("as a concern"))
        #expect(try await offPool { daemon.intakePass() } == 0)
        #expect(try desk.outboxItems(kind: "acknowledgement").isEmpty)
    }

    @Test("triaged with kind complaint (or no kind), the case stays a complaint and is acknowledged")
    func triageAsComplaint() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        let postroom = desk.postroom
        let daemon = try Daemon(postroom: postroom, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let triaged = try await offPool {
            try postroom.casebook.triage(reference, officer: "sam", kind: .complaint)
        }
        #expect(triaged.kind == .complaint)
        #expect(try await offPool { daemon.intakePass() } == 1)
        #expect(try desk.outboxItems(kind: "acknowledgement").count == 1)
    }

    @Test("a triage refused for an unknown officer leaves the kind as it was")
    func refusedTriageKeepsKind() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        let book = desk.postroom.casebook
        #expect(throws: CaseFormError.self) { try book.triage(reference, officer: "nobody", kind: .concern) }
        let stored = try desk.register.get(reference)
        #expect(stored.kind == .complaint)
        #expect(stored.status == .triage)
    }

    @Test("a triage case is read back from the SQLite register with its status")
    func storedStatus() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        let reopened = try desk.ws.casebook()
        #expect(try reopened.register.get(reference).status == .triage)
        #expect(try reopened.untriaged().map(\.reference) == [reference])
    }

    @Test(
        "the acknowledgement is at risk once half the time to it has passed",
        arguments: [
            // Received Monday, due Thursday: at risk from Wednesday.
            ("2026-11-23", "2026-11-26", "2026-11-24", false), ("2026-11-23", "2026-11-26", "2026-11-25", true),
            // Received Friday, due Wednesday: at risk from Monday.
            ("2026-11-27", "2026-12-02", "2026-11-29", false), ("2026-11-27", "2026-12-02", "2026-11-30", true),
        ])
    func atRisk(received: String, due: String, today: String, expected: Bool) {
        let waiting = TriageWatch.Waiting(
            reference: "PALS-2026-0001", caseId: "id", received: CivilDate(iso: received)!,
            acknowledgeBy: CivilDate(iso: due)!)
        #expect(waiting.isAtRisk(today: CivilDate(iso: today)!) == expected)
    }

    @Test("the manager gets the daily list and one escalation per case at risk, once whatever the passes")
    func managerToldOnce() async throws {
        let (desk, reference) = try await untriaged(arrived: "2026-11-23T08:30:00Z")
        defer { desk.ws.folder.remove() }
        let postroom = desk.postroom
        let daemon = try Daemon(postroom: postroom, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let today = CivilDate(iso: "2026-11-25")!
        #expect(try await offPool { daemon.triageWatchPass(today: today) } == 2)
        #expect(try await offPool { daemon.triageWatchPass(today: today) } == 0)
        let told = try desk.outboxItems(kind: "triage-reminder")
        #expect(told.count == 2)
        #expect(told.allSatisfy { $0.recipient == "complaints.manager@example.org" })
        let texts = try told.map { try desk.text(of: $0) }
        #expect(texts.contains { $0.contains("Subject: Triage needed: \(reference)") })
        #expect(texts.allSatisfy { !$0.contains("Eve") && !$0.contains("appointment") })
    }

    @Test("a triaged case is in nobody's triage list")
    func triagedNotListed() async throws {
        let (desk, reference) = try await untriaged()
        defer { desk.ws.folder.remove() }
        #expect(try MailboxReports.untriaged(desk.postroom.casebook).map(\.reference) == [reference])
        try desk.postroom.casebook.triage(reference, officer: "sam")
        #expect(try MailboxReports.untriaged(desk.postroom.casebook).isEmpty)
        #expect(MailboxReports.table([], today: CivilDate(iso: "2026-11-25")!) == "No case waits for triage.")
    }
}
