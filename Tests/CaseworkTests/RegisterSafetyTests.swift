import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// Runs SQL on a register file with the sqlite3 tool (off the cooperative pool), bypassing every check the
/// register makes.
@discardableResult
func sqlite(_ file: URL, _ sql: String) async throws -> String {
    let result = try await ProcessRunner.runOffPool("/usr/bin/sqlite3", [file.path, sql])
    #expect(result.status == 0, "sqlite3: \(result)")
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite("The register keeps cases apart for ever, and one bad row never hides the others")
struct RegisterSafetyTests {
    let folder: TemporaryFolder
    let file: URL

    init() throws {
        folder = try TemporaryFolder("register-safety")
        file = folder.appending("register.sqlite")
        _ = try CaseRegister(url: file)
    }

    func form(_ changes: [String: Any] = [:]) throws -> CaseForm {
        try CaseForm.parse(json: complaintJSON(changes), rules: rules)
    }

    @Test("each case gets its own random case id, which can never be changed")
    func caseIdsArePermanent() async throws {
        defer { folder.remove() }
        let register = try CaseRegister(existing: file, readOnly: false)
        let first = try register.create(form(), pattern: .standard, now: rules.now)
        let second = try register.create(form(), pattern: .standard, now: rules.now)
        #expect(UUID(uuidString: first.caseId) != nil)
        #expect(first.caseId != second.caseId)
        #expect(try register.get(first.reference).caseId == first.caseId)
        #expect(try register.schedules().map(\.caseId) == [first.caseId, second.caseId])
        let change = try await ProcessRunner.runOffPool(
            "/usr/bin/sqlite3", [file.path, "UPDATE cases SET caseId = 'other' WHERE reference = '\(first.reference)'"])
        #expect(change.status != 0)
        #expect(change.stderr.contains("keeps its caseId for ever"))
    }

    @Test("a register from before case ids gets one for each case when it is opened")
    func migrationGivesIds() async throws {
        defer { folder.remove() }
        let reference = try CaseRegister(existing: file, readOnly: false).create(
            form(), pattern: .standard, now: rules.now
        ).reference
        // Back to the v1 schema, as a register written by the previous pals.
        try await sqlite(
            file,
            """
            DROP TRIGGER cases_caseId_required; DROP TRIGGER cases_caseId_kept; DROP INDEX cases_on_caseId;
            ALTER TABLE cases DROP COLUMN caseId; DELETE FROM grdb_migrations WHERE identifier LIKE 'v2%';
            """)
        let reopened = try CaseRegister(existing: file, readOnly: true)
        let caseId = try reopened.get(reference).caseId
        #expect(UUID(uuidString: caseId) != nil, "the read-only open upgraded the register first")
        #expect(try await sqlite(file, "SELECT caseId FROM cases") == caseId)
    }

    @Test("a reference the outbox or archive already carries is skipped, and stays skipped")
    func takenReferencesSkipped() throws {
        defer { folder.remove() }
        let register = try CaseRegister(existing: file, readOnly: false)
        let first = try register.create(
            form(), pattern: .standard, now: rules.now, taken: ["PALS-2026-0001", "PALS-2026-0002"])
        #expect(first.reference == "PALS-2026-0003")
        #expect(try register.create(form(), pattern: .standard, now: rules.now).reference == "PALS-2026-0004")
    }

    @Test("a missing, empty or foreign register is an error naming the file and how to restore it")
    func lostRegister() async throws {
        defer { folder.remove() }
        let missing = folder.appending("gone.sqlite")
        for readOnly in [false, true] {
            #expect(throws: RegisterError.self) { try CaseRegister(existing: missing, readOnly: readOnly) }
            #expect(!FileManager.default.fileExists(atPath: missing.path), "nothing is created")
        }
        let empty = folder.appending("empty.sqlite")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        let foreign = folder.appending("foreign.sqlite")
        try await sqlite(foreign, "CREATE TABLE other(x)")
        for url in [missing, empty, foreign] {
            do {
                _ = try CaseRegister(existing: url, readOnly: false)
                Issue.record("\(url.lastPathComponent) was opened")
            } catch {
                #expect(error.isMissing)
                #expect(error.message.contains(url.path))
                #expect(error.message.contains("Restore \(url.lastPathComponent) from your backup"))
                #expect(error.message.contains("Only a new workspace starts with an empty register"))
                #expect(!error.message.contains("`"), "no command-line wording in Casework")
            }
        }
        #expect((try FileManager.default.attributesOfItem(atPath: empty.path)[.size] as? Int) == 0)
    }

    @Test("a read-only register reads and refuses every change")
    func readOnlyRegister() throws {
        defer { folder.remove() }
        let reference = try CaseRegister(existing: file, readOnly: false).create(
            form(), pattern: .standard, now: rules.now
        ).reference
        let register = try CaseRegister(existing: file, readOnly: true)
        #expect(try register.cases().map(\.reference) == [reference])
        #expect(throws: RegisterError.self) { try register.create(self.form(), pattern: .standard, now: rules.now) }
        #expect(throws: RegisterError.self) {
            try register.apply(reference, now: rules.now) { $0.clearAttention(at: rules.now) }
        }
    }

    @Test("the schedule scan names a row it cannot read and returns every other")
    func scanIsolatesBadRows() async throws {
        defer { folder.remove() }
        let register = try CaseRegister(existing: file, readOnly: false)
        let good = try register.create(form(), pattern: .standard, now: rules.now)
        let bad = try register.create(form(), pattern: .standard, now: rules.now)
        let worse = try register.create(form(), pattern: .standard, now: rules.now)
        try await sqlite(file, "UPDATE cases SET profile = 'atlantis' WHERE reference = '\(bad.reference)'")
        try await sqlite(file, "UPDATE cases SET agreedResponseDate = 'soon' WHERE reference = '\(worse.reference)'")
        let scan = try register.scheduleScan()
        #expect(scan.schedules.map(\.reference) == [good.reference])
        #expect(scan.problems.map(\.reference) == [bad.reference, worse.reference])
        #expect(
            scan.problems.allSatisfy { $0.officer == "alex" && $0.reason.hasPrefix("cannot be read from the register") }
        )
        #expect(throws: RegisterError.self) { try register.schedules() }
    }
}

@Suite("Dates a case accepts")
struct CaseDateTests {
    func problems(_ changes: [String: Any], now: String = "2026-11-25T09:00:00Z") -> [String] {
        var rules = rules
        rules.now = ISO8601DateFormatter().date(from: now)!
        do {
            _ = try CaseForm.parse(json: complaintJSON(changes), rules: rules)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("an agreed response date before receipt is refused, as case update refuses it")
    func agreedBeforeReceipt() {
        #expect(
            problems(["agreedResponseDate": "2026-11-22"])
                == ["agreedResponseDate: 2026-11-22 is before the complaint was received (2026-11-23)"])
        #expect(problems(["agreedResponseDate": "2026-11-23"]).isEmpty)
    }

    @Test(
        "dates outside 1990–2100 are refused, naming the field",
        arguments: [
            ("received", "0001-01-01"), ("received", "1500-06-01"), ("received", "1500-06-01T10:00:00Z"),
            ("received", "9999-12-31"), ("agreedResponseDate", "9999-12-31"), ("agreedResponseDate", "1989-12-31"),
        ])
    func window(field: String, value: String) {
        let found = problems([field: value])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("\(field): ") == true, "\(found)")
        #expect(found.first?.contains("outside the dates pals accepts (1990-01-01 to 2100-12-31)") == true, "\(found)")
    }

    @Test(
        "a date-only received of today is accepted at any hour of the London day; tomorrow is not",
        arguments: [
            "2026-12-01T00:30:00Z", "2026-12-01T23:30:00Z",
        ])
    func today(now: String) throws {
        #expect(problems(["received": "2026-12-01"], now: now).isEmpty)
        #expect(
            problems(["received": "2026-12-02"], now: now) == [
                "received: 2026-12-02 is in the future (today is 2026-12-01)"
            ])
        var rules = rules
        rules.now = ISO8601DateFormatter().date(from: now)!
        let form = try CaseForm.parse(json: complaintJSON(["received": "2026-12-01"]), rules: rules)
        #expect(form.receivedAt <= rules.now, "never stored as a time still to come")
        #expect(CivilDate(form.receivedAt) == CivilDate(iso: "2026-12-01"))
    }

    @Test("in summer time the London day starts at 23:00 UTC")
    func summerTime() {
        #expect(problems(["received": "2026-06-02"], now: "2026-06-01T23:30:00Z").isEmpty)
        #expect(
            problems(["received": "2026-06-02"], now: "2026-06-01T22:30:00Z")
                == ["received: 2026-06-02 is in the future (today is 2026-06-01)"])
    }

    @Test("problems echo input with its control characters escaped")
    func escapedProblems() throws {
        do {
            _ = try CaseForm.parse(json: complaintJSON(["officer": "nobody\n\u{1B}[2J"]), rules: rules)
            Issue.record("an unknown officer was accepted")
        } catch {
            let text = try #require(error.errorDescription)
            #expect(text.contains(#"'nobody\n\u{1B}[2J' is not an officer"#), "\(text)")
            #expect(text.hasPrefix("the case was not stored: 1 problem(s)"))
        }
    }
}
