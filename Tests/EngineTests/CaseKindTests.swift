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

/// PALS concerns as a case kind: logged from the case JSON, kept by the register, never acknowledged under the
/// complaint regulations, given their own target and resolution letter, and converted into a complaint that
/// keeps its receipt date.
@Suite("Case kinds: PALS concerns and their conversion into complaints")
struct CaseKindTests {
    /// The example complaint as a concern (received Monday 23 November 2026; the clock stands at Wednesday 25th).
    static var concern: Complaint { .with { $0.fields["kind"] = "concern" } }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test("a concern is logged from \"kind\": \"concern\"; a case without a kind is a complaint; both read back")
    func loggedAndReadBack() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let concern = try await ws.log(Self.concern)
        let complaint = try await ws.log()
        #expect(concern.kind == .concern)
        #expect(complaint.kind == .complaint)
        let (stored, schedules, history) = try await offPool {
            let book = try ws.casebook()
            return (
                try book.register.get(concern.reference), try book.register.schedules(),
                try book.register.events(for: concern.reference)
            )
        }
        #expect(stored.kind == .concern)
        #expect(schedules.map(\.kind) == [.concern, .complaint])
        #expect(history.first?.detail.hasPrefix("concern logged") == true)
    }

    @Test(
        "a careless or hostile kind is refused, naming the choices; nothing is stored",
        arguments: [("Concern", "'Concern' is not one of"), ("complaint; DROP TABLE cases", "is not one of")])
    func badKind(kind: String, message: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let json = Complaint.with { $0.fields["kind"] = kind }.json
        let error = await failure(CaseFormError.self) { _ = try ws.casebook().log(json: json) }
        #expect(error?.problems.map(\.field) == ["kind"])
        #expect(error?.problems.first?.message.contains(message) == true)
        #expect(error?.problems.first?.message.contains("complaint, concern") == true)
        let cases = try await offPool { try ws.casebook().register.cases() }
        #expect(cases.isEmpty)
    }

    @Test("a kind that is not text is refused")
    func kindNotText() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let json = Complaint.with { $0.fields["kind"] = 5 }.json
        let error = await failure(CaseFormError.self) { _ = try ws.casebook().log(json: json) }
        #expect(error?.problems.map(\.field) == ["kind"])
    }

    @Test("intake never acknowledges a concern; once converted, it sends the statutory acknowledgement once")
    func intakeSkipsConcerns() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let concern = try await ws.log(Self.concern)
        let (first, second, afterConversion, again, record) = try await offPool {
            let daemon = try Daemon(postroom: Postroom(casebook: ws.casebook()), logger: Self.quiet)
            let first = daemon.intakePass()
            let second = daemon.intakePass()
            try ws.casebook().convert(concern.reference, to: .complaint)
            let afterConversion = daemon.intakePass()
            let again = daemon.intakePass()
            return (first, second, afterConversion, again, try ws.casebook().register.get(concern.reference))
        }
        #expect(first == 0 && second == 0, "a concern takes no acknowledgement")
        #expect(afterConversion == 1)
        #expect(again == 0, "acknowledged once")
        #expect(record.acknowledgedAt != nil)
        let items = try await ws.queued()
        #expect(items.count == 1)
        #expect(items.first?.labels["kind"] == "acknowledgement")
    }

    @Test("the in-memory store's awaiting-acknowledgement filter leaves concerns out too")
    func inMemoryFilter() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let concerns = try await offPool {
            let book = Casebook(workspace: ws.workspace, register: .inMemory(), clock: ws.clock)
            _ = try book.log(json: Self.concern.json)
            _ = try book.log(json: Complaint().json)
            return try book.register.cases(CaseFilter(openOnly: true, awaitingAcknowledgement: true)).map(\.kind)
        }
        #expect(concerns == [.complaint])
    }

    @Test("conversion keeps the reference and receipt date, records a typed event, and counts from receipt")
    func conversionKeepsReceipt() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let concern = try await ws.log(Self.concern)
        let (converted, history, deadlines) = try await offPool {
            let book = try ws.casebook()
            let converted = try book.convert(concern.reference, to: .complaint)
            return (
                converted, try book.register.events(for: concern.reference),
                try DeadlineDesk(workspace: ws.workspace).deadlines(for: converted)
            )
        }
        #expect(converted.reference == concern.reference)
        #expect(converted.kind == .complaint)
        #expect(converted.receivedAt == concern.receivedAt)
        #expect(converted.acknowledgedAt == nil && !converted.acknowledgedOutsidePals)
        #expect(history.last?.kind == .converted)
        #expect(history.last?.detail.contains("2026-11-23") == true)
        // England: 3 working days after Monday 23 November 2026 is Thursday 26 November, not three after today.
        #expect(deadlines.acknowledgeBy == day("2026-11-26"))
    }

    @Test("a complaint cannot be converted, nor a concern into a concern, nor a closed concern")
    func conversionRefusals() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        let concern = try await ws.log(Self.concern)
        let twice = await failure(CaseTransitionError.self) {
            _ = try ws.casebook().convert(complaint.reference, to: .complaint)
        }
        #expect(twice?.code == .alreadyAComplaint)
        let backwards = await failure(CaseConversionError.self) {
            _ = try ws.casebook().convert(complaint.reference, to: .concern)
        }
        #expect(backwards?.message.contains("never the other way") == true)
        try await ws.change(concern.reference) { lifecycle, now in try lifecycle.close(at: now) }
        let closed = await failure(CaseTransitionError.self) {
            _ = try ws.casebook().convert(concern.reference, to: .complaint)
        }
        #expect(closed?.code == .notAllowedInStatus)
        let unknown = await failure(RegisterError.self) {
            _ = try ws.casebook().convert("PALS-2026-9999", to: .complaint)
        }
        #expect(unknown?.code == .notFound)
    }

    @Test("an officer's edit never changes a case's kind")
    func editKeepsKind() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let concern = try await ws.log(Self.concern)
        var lifecycle = CaseLifecycle(concern)
        lifecycle.edit("officer changed", at: ws.clock.now()) { $0.kind = CaseKind.complaint }
        #expect(lifecycle.record.kind == .concern)
    }

    @Test("the board shows a concern with its target: the next working day after receipt by default")
    func boardTarget() async throws {
        // Friday 27 November 2026: the next working day is Monday 30 November.
        let ws = try await EngineWorkspace.make(now: "2026-11-27T15:00:00Z")
        defer { ws.folder.remove() }
        let json = Complaint.with {
            $0.fields["kind"] = "concern"
            $0.fields["received"] = "2026-11-27T11:00:00Z"
        }
        let concern = try await ws.log(json)
        let board = try await offPool {
            let schedules = try ws.casebook().register.schedules()
            return try DeadlineDesk(workspace: ws.workspace).board(schedules, today: day("2026-11-27"))
        }
        let item = try #require(board.items.first { $0.reference == concern.reference })
        #expect(item.deadline == .concern)
        #expect(item.due == day("2026-11-30"))
    }

    @Test("the concern target is configurable (concerns.targetWorkingDays)")
    func configurableTarget() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let workspace = try ws.reconfigured {
            $0.replacingOccurrences(of: "targetWorkingDays: 1", with: "targetWorkingDays: 3")
        }
        let desk = try DeadlineDesk(workspace: workspace)
        #expect(desk.concernTarget(received: day("2026-11-23"), profile: .england) == day("2026-11-26"))
        // Scotland's calendar: St Andrew's Day (Monday 30 November 2026) is not a working day.
        #expect(desk.concernTarget(received: day("2026-11-27"), profile: .scotland) == day("2026-12-03"))
    }
}
