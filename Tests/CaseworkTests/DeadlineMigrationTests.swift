import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// The `deadlines:` register migration: a register written before it opens with its cases' last letters known
/// from their history, and the new fields round-trip.
@Suite("The deadlines migration of the register")
struct DeadlineMigrationTests {
    @Test("a register from before the migration learns when each complainant was last written to")
    func backfillsTheLastLetter() async throws {
        let folder = try TemporaryFolder("deadline-migration")
        defer { folder.remove() }
        let file = folder.appending("register.sqlite")
        let register = try CaseRegister(url: file)
        let record = try register.create(
            CaseForm.parse(json: complaintJSON([:]), rules: rules), pattern: .standard, now: rules.now)
        let written = CivilDate(iso: "2026-12-01")!.date(hour: 10, minute: 0)
        _ = try register.apply(record.reference, now: written) { lifecycle in
            lifecycle.record(.queuedByEmail(messageID: "m1"), kind: "update", at: written)
        }
        #expect(try register.get(record.reference).lastLetterAt == written)
        // Back to the schema before the migration, as a register written by the previous pals.
        try await sqlite(
            file,
            """
            ALTER TABLE cases DROP COLUMN backstopAgreedDate; ALTER TABLE cases DROP COLUMN lastLetterAt;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'deadlines:%';
            """)
        let reopened = try CaseRegister(existing: file, readOnly: true)
        let upgraded = try reopened.get(record.reference)
        #expect(upgraded.lastLetterAt.map { abs($0.timeIntervalSince(written)) < 1 } == true, "from the history")
        #expect(upgraded.backstopAgreedDate == nil)
        #expect(try reopened.schedules().first?.lastLetterAt.map { abs($0.timeIntervalSince(written)) < 1 } == true)
    }
}
