import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// Coding a case for the returns: the lifecycle's rules (no outcome on an open case, a complaint closes with an
/// outcome, ombudsman referrals in order), the register keeping the coding, and financial years.
@Suite("Coding a case: outcome, categories and ombudsman referrals")
struct CaseCodingTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-25T09:00:00Z")!

    /// A case as logged from the example complaint (received Monday 23 November 2026), of `kind`.
    static func logged(_ kind: String = "complaint") throws -> Case {
        let form = try CaseForm.parse(json: complaintJSON(["kind": kind]), rules: rules)
        return CaseLifecycle.start(form, reference: "PALS-2026-0001", caseId: "id-1", now: now).record
    }

    static let coding = CaseCoding(
        subjects: ["communications", "clinical-treatment"], serviceAreas: ["outpatient"], professions: ["medical"],
        complainantStatus: .relativeOrCarer, ageBand: .from65)

    @Test("coding an open case records a coded event with ids only; the same coding again records nothing")
    func codeOpenCase() throws {
        var life = CaseLifecycle(try Self.logged())
        try life.code(Self.coding, at: Self.now)
        #expect(life.record.coding == Self.coding)
        #expect(life.events.map(\.kind) == [.coded])
        #expect(life.events.first?.detail.contains("subjects communications, clinical-treatment") == true)
        try life.code(Self.coding, at: Self.now)
        #expect(life.events.count == 1)
    }

    @Test(
        "an outcome on a case still being worked is refused, and nothing changes",
        arguments: [
            CaseStatus.open, .awaitingConsent, .triage,
        ])
    func outcomeOnOpenCase(status: CaseStatus) throws {
        var record = try Self.logged()
        record.status = status
        var life = CaseLifecycle(record)
        var coding = Self.coding
        coding.outcome = .upheld
        #expect(throws: CaseCodingError.self) { try life.code(coding, at: Self.now) }
        do { try life.code(coding, at: Self.now) } catch { #expect(error.code == .outcomeWhileOpen) }
        #expect(life.record.coding.isEmpty)
        #expect(life.events.isEmpty)
    }

    @Test("a responded complaint takes its outcome")
    func outcomeOnResponded() throws {
        var life = CaseLifecycle(try Self.logged())
        try life.respond(at: Self.now)
        try life.code(CaseCoding(outcome: .partlyUpheld), at: Self.now)
        #expect(life.record.coding.outcome == .partlyUpheld)
    }

    @Test("a complaint closes only with an outcome; a concern may close without one")
    func closeNeedsOutcome() throws {
        var complaint = CaseLifecycle(try Self.logged())
        #expect(throws: CaseCodingError.self) { try complaint.close(outcome: nil, at: Self.now) }
        #expect(complaint.record.status == .open)
        try complaint.close(outcome: .notUpheld, at: Self.now)
        #expect(complaint.record.status == .closed)
        #expect(complaint.record.coding.outcome == .notUpheld)
        #expect(complaint.events.map(\.kind) == [.coded, .closed])

        var concern = CaseLifecycle(try Self.logged("concern"))
        try concern.close(outcome: nil, at: Self.now)
        #expect(concern.record.status == .closed)
        #expect(concern.record.coding.outcome == nil)
    }

    @Test("a withdrawn complaint closes as withdrawn unless another outcome is given")
    func withdrawnCloses() throws {
        var life = CaseLifecycle(try Self.logged())
        try life.withdraw(at: Self.now)
        try life.close(outcome: nil, at: Self.now)
        #expect(life.record.coding.outcome == .withdrawn)
    }

    @Test("closing a closed complaint is still refused as a transition, not as a missing outcome")
    func closeClosed() throws {
        var life = CaseLifecycle(try Self.logged())
        try life.close(outcome: .upheld, at: Self.now)
        #expect(throws: CaseTransitionError.self) { try life.close(outcome: nil, at: Self.now) }
    }

    @Test("ombudsman: a referral, then its result; out-of-order and repeated steps are refused")
    func ombudsman() throws {
        var life = CaseLifecycle(try Self.logged())
        let received = life.record.receivedDate
        #expect(throws: CaseCodingError.self) {
            try life.recordOmbudsmanResult(.upheld, on: received, at: Self.now)
        }
        #expect(throws: CaseCodingError.self) {
            try life.referToOmbudsman(on: received.adding(days: -1), at: Self.now)
        }
        try life.referToOmbudsman(on: received.adding(days: 1), at: Self.now)
        #expect(throws: CaseCodingError.self) { try life.referToOmbudsman(on: received.adding(days: 2), at: Self.now) }
        #expect(throws: CaseCodingError.self) {
            try life.recordOmbudsmanResult(.upheld, on: received, at: Self.now)
        }
        try life.recordOmbudsmanResult(.notInvestigated, on: received.adding(days: 30), at: Self.now)
        #expect(
            life.record.ombudsmanReferrals == [
                OmbudsmanReferral(
                    referredOn: received.adding(days: 1), result: .notInvestigated, resultOn: received.adding(days: 30))
            ])
        // A second referral may follow once the first is decided.
        try life.referToOmbudsman(on: received.adding(days: 40), at: Self.now)
        #expect(life.record.ombudsmanReferrals.count == 2)
        #expect(life.events.map(\.kind) == [.ombudsman, .ombudsman, .ombudsman])
    }

    @Test("a PALS concern is never referred to the ombudsman")
    func concernToOmbudsman() throws {
        var life = CaseLifecycle(try Self.logged("concern"))
        #expect(throws: CaseCodingError.self) {
            try life.referToOmbudsman(on: life.record.receivedDate, at: Self.now)
        }
    }

    @Test("the register keeps the coding and referrals; a case logged before coding reads as uncoded")
    func registerRoundTrip() async throws {
        let folder = try TemporaryFolder("register-coding")
        defer { folder.remove() }
        let file = folder.appending("register.sqlite")
        let register = try CaseRegister(url: file)
        let form = try CaseForm.parse(json: complaintJSON(), rules: rules)
        let coded = try register.create(form, pattern: .standard, now: Self.now).reference
        let plain = try register.create(form, pattern: .standard, now: Self.now).reference
        let referredOn = CivilDate(iso: "2026-11-24")!
        try register.apply(coded, now: Self.now) { life in
            try life.code(Self.coding, at: Self.now)
            try life.respond(at: Self.now)
            try life.close(outcome: .upheld, at: Self.now)
            try life.referToOmbudsman(on: referredOn, at: Self.now)
        }
        let reopened = try CaseRegister(existing: file, readOnly: true)
        var expected = Self.coding
        expected.outcome = .upheld
        #expect(try reopened.get(coded).coding == expected)
        #expect(try reopened.get(coded).ombudsmanReferrals == [OmbudsmanReferral(referredOn: referredOn)])
        #expect(try reopened.get(plain).coding.isEmpty)
        #expect(try await sqlite(file, "SELECT coding IS NULL FROM cases WHERE reference = '\(plain)'") == "1")

        let listing = try reopened.reportListing()
        #expect(listing.map(\.reference) == [coded, plain])
        #expect(listing[0].coding == expected)
        #expect(listing[0].respondedAt == Self.now)
        #expect(listing[0].endedOn == CivilDate(Self.now))
        #expect(listing[0].endedWith == .upheld)
        #expect(listing[1].endedOn == nil)
    }

    @Test("the register's one-query listing and the generic listing of the in-memory store agree")
    func listingContract() throws {
        let folder = try TemporaryFolder("register-listing")
        defer { folder.remove() }
        let register = try CaseRegister(url: folder.appending("register.sqlite"))
        let memory = InMemoryCaseStore()
        for store in [register, memory] as [any CaseStore] {
            let form = try CaseForm.parse(json: complaintJSON(), rules: rules)
            let first = try store.create(form, pattern: .standard, now: Self.now).reference
            _ = try store.create(form, pattern: .standard, now: Self.now)
            try store.apply(first, now: Self.now) { life in
                try life.withdraw(at: Self.now.addingTimeInterval(60))
                try life.reopen(at: Self.now.addingTimeInterval(120))
                try life.respond(at: Self.now.addingTimeInterval(180))
                try life.code(Self.coding, at: Self.now)
            }
        }
        let fromRegister = try register.reportListing()
        let fromMemory = try memory.reportListing()
        #expect(fromRegister == fromMemory)
        #expect(fromRegister[0].withdrawnAt == Self.now.addingTimeInterval(60))
        #expect(fromRegister[0].respondedAt == Self.now.addingTimeInterval(180))
    }

    @Test("coding the register cannot read names the case")
    func damagedCoding() async throws {
        let folder = try TemporaryFolder("register-coding-damaged")
        defer { folder.remove() }
        let file = folder.appending("register.sqlite")
        let register = try CaseRegister(url: file)
        let reference = try register.create(
            try CaseForm.parse(json: complaintJSON(), rules: rules), pattern: .standard, now: Self.now
        ).reference
        try await sqlite(file, "UPDATE cases SET coding = '{\"outcome\": \"sort-of\"}'")
        #expect(throws: RegisterError.self) { try register.reportListing() }
        do { _ = try register.reportListing() } catch { #expect(error.message.contains(reference)) }
    }
}

/// Financial years, the period of the returns: 1 April to 31 March, written 2026-27.
@Suite("Financial years")
struct FinancialYearTests {
    @Test("2026-27 runs from 1 April 2026 to 31 March 2027")
    func parses() throws {
        let year = try FinancialYear(parsing: "2026-27")
        #expect(year.firstDay == CivilDate(iso: "2026-04-01"))
        #expect(year.lastDay == CivilDate(iso: "2027-03-31"))
        #expect(year.description == "2026-27")
        #expect(year.contains(CivilDate(iso: "2027-03-31")!))
        #expect(!year.contains(CivilDate(iso: "2026-03-31")!))
        #expect(FinancialYear(containing: CivilDate(iso: "2027-03-31")!) == year)
        #expect(FinancialYear(containing: CivilDate(iso: "2026-04-01")!) == year)
    }

    @Test(
        "a year in another form, or one that does not follow on, is refused naming the form expected",
        arguments: [
            ("2026-28", "2026-27"), ("2026/27", "2026-27"), ("26-27", "2026-27"), ("2026-2027", "2026-27"),
            ("0001-02", "2009-10"), ("1999-00", "2009-10"), ("", "2026-27"), ("２０２６-27", "2026-27"),
            ("2026-27\n", "2026-27"), ("-2026-27", "2026-27"),
        ])
    func refused(text: String, hint: String) {
        do {
            _ = try FinancialYear(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.errorDescription?.contains(hint) == true, "\(error.errorDescription ?? "")")
        }
    }
}
