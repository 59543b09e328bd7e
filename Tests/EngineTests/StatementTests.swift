import Casework
import Foundation
import Logging
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

/// Statement requests to other departments: recorded on the case in both stores, mailed with the reference only,
/// chased before and after the due date exactly once per step, and closed by recording the reply.
@Suite("Statement requests: asking other departments, chasing, recording the reply")
struct StatementTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A postroom over the workspace at `now`, on the chosen store (the in-memory twin is logged into afresh).
    func postroom(_ ws: EngineWorkspace, at now: String) throws -> Postroom {
        try Postroom(casebook: ws.at(now), logger: Self.quiet)
    }

    @Test(
        "both stores number requests per case, keep them and record an event each time", arguments: EngineStore.allCases
    )
    func stores(store: EngineStore) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let (first, second, received, listed, outstanding, history) = try await offPool {
            let book = try store.casebook(ws)
            let reference = try book.log(json: Complaint().json).reference
            let statements = try #require(book.register as? any StatementStore)
            let now = ws.clock.now()
            let first = try statements.addStatementRequest(
                StatementDraft(department: "Ward 7", address: "ward7@trust.example", due: day("2026-12-09")),
                to: reference, now: now)
            let second = try statements.addStatementRequest(
                StatementDraft(department: "Radiology", address: "xray@trust.example", due: day("2026-12-02")),
                to: reference, now: now)
            let received = try statements.markStatementReceived(reference, number: 1, now: now)
            return (
                first, second, received, try statements.statementRequests(for: reference),
                try statements.outstandingStatementRequests(), try book.register.events(for: reference)
            )
        }
        #expect(first.id == "S1" && second.id == "S2")
        #expect(received.receivedAt == ws.clock.now())
        #expect(listed.map(\.id) == ["S1", "S2"])
        #expect(listed[0].receivedAt != nil && listed[1].isOutstanding)
        #expect(outstanding.map(\.id) == ["S2"])
        #expect(
            history.filter { $0.kind == .statement }.map(\.detail) == [
                "statement S1 requested from Ward 7, due 2026-12-09",
                "statement S2 requested from Radiology, due 2026-12-02",
                "statement S1 received from Ward 7",
            ])
    }

    @Test("a second receipt, an unknown request and a closed case are refused", arguments: EngineStore.allCases)
    func refusals(store: EngineStore) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let errors: [any Error] = try await offPool {
            let book = try store.casebook(ws)
            let reference = try book.log(json: Complaint().json).reference
            let statements = try #require(book.register as? any StatementStore)
            let now = ws.clock.now()
            let draft = StatementDraft(department: "Ward 7", address: "ward7@trust.example", due: day("2026-12-09"))
            _ = try statements.addStatementRequest(draft, to: reference, now: now)
            _ = try statements.markStatementReceived(reference, number: 1, now: now)
            var errors: [any Error] = []
            do { _ = try statements.markStatementReceived(reference, number: 1, now: now) } catch {
                errors.append(error)
            }
            do { _ = try statements.markStatementReceived(reference, number: 7, now: now) } catch {
                errors.append(error)
            }
            _ = try book.close(reference)
            do { _ = try statements.addStatementRequest(draft, to: reference, now: now) } catch { errors.append(error) }
            do { _ = try statements.addStatementRequest(draft, to: "PALS-2026-9999", now: now) } catch {
                errors.append(error)
            }
            return errors
        }
        #expect(errors.count == 4)
        #expect((errors[0] as? StatementError)?.code == .alreadyReceived)
        #expect((errors[1] as? StatementError)?.code == .notFound)
        #expect((errors[2] as? CaseTransitionError)?.code == .notAllowedInStatus)
        #expect((errors[3] as? RegisterError)?.code == .notFound)
    }

    @Test("the request mail names the reference only, goes to the department and replies reach the officer")
    func requestMail() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.onBehalf)
        let request = try await offPool {
            try StatementDesk(postroom: postroom(ws, at: "2026-11-25T09:00:00Z")).request(
                record.reference, to: "ward7@trust.example", department: "Ward 7")
        }
        // statements.dueWorkingDays (10) working days after Wednesday 25 November 2026.
        #expect(request.due == day("2026-12-09"))
        let items = try await ws.queued()
        let item = try #require(items.first)
        #expect(items.count == 1)
        #expect(item.labels["kind"] == "statement-request")
        #expect(item.labels["case"] == record.reference)
        let message = String(decoding: try await offPool { try ws.outbox().data(of: item.id) }, as: UTF8.self)
        #expect(message.contains("Subject: Statement request: \(record.reference)\r\n"))
        #expect(message.contains("To: Ward 7 <ward7@trust.example>"))
        #expect(message.contains("Reply-To: \"Alex Example (INVENTED)\" <alex.example@example.org>"), "\(message)")
        for personal in ["Eira", "Bryn", "Invented Street", "INVENTED: a long wait", "Emergency Department"] {
            #expect(!message.contains(personal), "the request mail carries '\(personal)'")
        }
    }

    @Test(
        "careless and hostile requests are refused before anything is stored or sent",
        arguments: [
            ("ward7 at trust", "Ward 7", nil as String?, "not a valid email address"),
            ("ward7@trust.example\r\nBcc: all@trust.example", "Ward 7", nil, "not a valid email address"),
            ("ward7@trust.example", "   ", nil, "empty"),
            ("ward7@trust.example", "Ward 7\nBcc: all@trust.example", nil, "one line"),
            ("ward7@trust.example", "Ward 7", "2026-11-25", "not after today"),
            ("ward7@trust.example", "Ward 7", "3026-01-01", "due date"),
        ])
    func carelessRequests(address: String, department: String, due: String?, message: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let error = await failure(StatementError.self) {
            _ = try StatementDesk(postroom: postroom(ws, at: "2026-11-25T09:00:00Z")).request(
                record.reference, to: address, department: department, due: due.flatMap(CivilDate.init(iso:)))
        }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(try await ws.queued().isEmpty)
        let requests = try await offPool {
            try (ws.casebook().register as! any StatementStore).statementRequests(for: record.reference)
        }
        #expect(requests.isEmpty)
    }

    @Test(
        "chasers: a reminder from 2 working days before the due date, then one every 3 working days overdue",
        arguments: [
            ("2026-12-04", nil as String?), ("2026-12-07", "reminder"), ("2026-12-09", "reminder"),
            ("2026-12-10", nil), ("2026-12-14", "overdue-1"), ("2026-12-16", "overdue-1"), ("2026-12-17", "overdue-2"),
        ])
    func chaserSchedule(today: String, step: String?) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let desk = StatementDesk(postroom: try postroom(ws, at: "2026-11-25T09:00:00Z"))
        let request = StatementRequest(
            reference: "PALS-2026-0001", number: 1, department: "Ward 7", address: "ward7@trust.example",
            requestedAt: instant("2026-11-25T09:00:00Z"), due: day("2026-12-09"))
        let due = desk.chaserDue(for: request, profile: .england, today: day(today))
        #expect(due.map(Self.key) == step, "\(today)")
    }

    static func key(_ step: StatementDesk.Step) -> String {
        switch step {
        case .request: "request"
        case .reminder: "reminder"
        case .overdue(let n): "overdue-\(n)"
        }
    }

    @Test("a request made inside the reminder window gets no reminder before its due date")
    func lateRequestNoReminder() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let desk = StatementDesk(postroom: try postroom(ws, at: "2026-11-25T09:00:00Z"))
        let request = StatementRequest(
            reference: "PALS-2026-0001", number: 1, department: "Ward 7", address: "ward7@trust.example",
            requestedAt: instant("2026-12-08T09:00:00Z"), due: day("2026-12-09"))
        #expect(desk.chaserDue(for: request, profile: .england, today: day("2026-12-08")) == nil)
    }

    @Test("the watcher's chasers go once per step, whatever passes repeat, and stop when the statement arrives")
    func chasingIsIdempotent() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let reference = record.reference
        try await offPool {
            _ = try StatementDesk(postroom: postroom(ws, at: "2026-11-25T09:00:00Z")).request(
                reference, to: "ward7@trust.example", department: "Ward 7")
        }
        func chase(_ now: String) async throws -> (queued: Int, failures: Int) {
            try await offPool {
                StatementDesk(postroom: try postroom(ws, at: now)).chase(
                    today: CivilDate(instant(now)), logger: Self.quiet)
            }
        }
        #expect(try await chase("2026-12-07T09:00:00Z") == (1, 0))
        #expect(try await chase("2026-12-07T15:00:00Z") == (0, 0), "the reminder is sent once")
        #expect(try await chase("2026-12-08T09:00:00Z") == (0, 0), "one reminder, not one a day")
        #expect(try await chase("2026-12-14T09:00:00Z") == (1, 0))
        #expect(try await chase("2026-12-14T10:00:00Z") == (0, 0))
        try await offPool {
            _ = try StatementDesk(postroom: postroom(ws, at: "2026-12-15T09:00:00Z")).received(reference, id: "S1")
        }
        #expect(try await chase("2026-12-17T09:00:00Z") == (0, 0), "no chaser after the statement arrived")
        let kinds = try await ws.queued().compactMap { $0.labels["kind"] }.sorted()
        #expect(kinds == ["statement-overdue-1", "statement-reminder", "statement-request"])
        let history = try await offPool { try ws.casebook().register.events(for: reference) }
        #expect(history.filter { $0.kind == .statement }.count == 4, "requested, reminded, chased, received")
    }

    @Test("a closed case's outstanding statements are not chased")
    func closedNotChased() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let reference = try await ws.log().reference
        try await offPool {
            let desk = StatementDesk(postroom: try postroom(ws, at: "2026-11-25T09:00:00Z"))
            _ = try desk.request(reference, to: "ward7@trust.example", department: "Ward 7")
            _ = try desk.postroom.casebook.close(reference)
        }
        let chased = try await offPool {
            StatementDesk(postroom: try postroom(ws, at: "2026-12-14T09:00:00Z")).chase(
                today: day("2026-12-14"), logger: Self.quiet)
        }
        #expect(chased == (0, 0))
    }

    @Test(
        "ids are read as officers type them",
        arguments: [("S1", 1), ("s12", 12), ("3", 3), ("S", nil), ("S-1", nil), ("x", nil), ("S٣", nil)])
    func ids(text: String, number: Int?) {
        #expect(StatementRequest.number(fromID: text) == number)
    }
}
