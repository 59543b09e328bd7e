import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// The register keeps a case's kind: old registers' cases are complaints, and a kind it does not know is a
/// problem named by reference, never taken for a complaint.
@Suite("The register keeps case kinds")
struct CaseKindRegisterTests {
    let folder: TemporaryFolder
    let file: URL

    init() throws {
        folder = try TemporaryFolder("register-kinds")
        file = folder.appending("register.sqlite")
        _ = try CaseRegister(url: file)
    }

    @Test("a register from before kinds reads its cases as complaints")
    func oldRowsAreComplaints() async throws {
        defer { folder.remove() }
        let form = try CaseForm.parse(json: complaintJSON(["kind": "concern"]), rules: rules)
        let reference = try CaseRegister(existing: file, readOnly: false).create(
            form, pattern: .standard, now: rules.now
        )
        .reference
        // Back to the schema before kinds, as a register written by the previous pals.
        try await sqlite(
            file,
            """
            DROP TABLE statement_requests; ALTER TABLE cases DROP COLUMN kind;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'kinds:%';
            """)
        let reopened = try CaseRegister(existing: file, readOnly: false)
        #expect(try reopened.get(reference).kind == .complaint)
        #expect(try reopened.schedules().map(\.kind) == [.complaint])
        #expect(try await sqlite(file, "SELECT kind FROM cases") == "complaint")
    }

    @Test("an unknown kind in a row is a problem naming the case; the other cases are still read")
    func unknownKind() async throws {
        defer { folder.remove() }
        let register = try CaseRegister(existing: file, readOnly: false)
        let bad = try register.create(
            try CaseForm.parse(json: complaintJSON(), rules: rules), pattern: .standard, now: rules.now)
        let good = try register.create(
            try CaseForm.parse(json: complaintJSON(["kind": "concern"]), rules: rules), pattern: .standard,
            now: rules.now)
        try await sqlite(file, "UPDATE cases SET kind = 'enquiry' WHERE reference = '\(bad.reference)'")
        let scan = try register.scheduleScan(CaseFilter())
        #expect(scan.schedules.map(\.reference) == [good.reference])
        #expect(scan.problems.map(\.reference) == [bad.reference])
        #expect(scan.problems.first?.reason.contains("unknown kind 'enquiry'") == true)
        #expect(throws: RegisterError.self) { try register.get(bad.reference) }
    }
}
