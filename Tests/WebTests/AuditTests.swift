import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import Web

@Suite("The record-access audit trail (invariant 15)")
struct AuditTests {
    @Test("Audit.record appends who did what to which case, in order; the register refuses to change or delete a line")
    func appendOnly() async throws {
        let folder = try TemporaryFolder("web-audit")
        defer { folder.remove() }
        let url = folder.appending("register.sqlite")
        let register = try CaseRegister(url: url)
        let audit = Audit(
            records: WebRecords(register: register), clock: .fixed(Date(timeIntervalSince1970: 1_800_000_000)))
        try audit.record(reference: "PALS-2026-0001", principal: .user(name: "aled", role: .officer), action: .viewed)
        try audit.record(
            reference: "PALS-2026-0001", principal: .token(name: "website", scope: .write), action: .queuedLetter,
            detail: "holding")
        try audit.record(
            references: ["PALS-2026-0002", "PALS-2026-0001"], principal: .user(name: "mo", role: .manager),
            action: .listed)
        let trail = try audit.records.audit(reference: "PALS-2026-0001")
        #expect(trail.map(\.action) == [.viewed, .queuedLetter, .listed])
        #expect(trail.map(\.actor.description) == ["user:aled", "token:website", "user:mo"])
        #expect(trail[1].detail == "holding")
        #expect(try audit.records.audit(reference: "PALS-2026-0002").count == 1)
        // Append-only: SQLite itself refuses an UPDATE or DELETE of the trail.
        for statement in ["UPDATE audit_events SET actorName = 'someone'", "DELETE FROM audit_events"] {
            let result = try await ProcessRunner.runOffPool("/usr/bin/sqlite3", [url.path, statement])
            #expect(result.status != 0, "\(statement): \(result)")
            #expect(result.stderr.contains("append-only"), "\(result)")
        }
        #expect(try audit.records.audit(reference: "PALS-2026-0001").count == 3)
    }

    @Test("pals audit of an unknown case is an error; of a case with no web activity says so")
    func command() async throws {
        let folder = try TemporaryFolder("web-audit-cli")
        defer { folder.remove() }
        let ws = folder.appending("ws").path
        #expect(try await ProcessRunner.palsOffPool(["init", ws]).status == 0)
        let unknown = try await ProcessRunner.palsOffPool(["audit", "PALS-2026-0001", "--workspace", ws])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no case PALS-2026-0001"), "\(unknown)")
        let logged = try await ProcessRunner.palsOffPool(
            ["case", "new", "--file", exampleComplaint.path, "--workspace", ws],
            environment: ["PALS_NOW": WebTestServer.now])
        #expect(logged.status == 0, "\(logged)")
        let empty = try await ProcessRunner.palsOffPool(["audit", "PALS-2026-0001", "--workspace", ws])
        #expect(empty.stdout.contains("nothing recorded"), "\(empty)")
    }
}
