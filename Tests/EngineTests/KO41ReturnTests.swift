import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

/// The KO41 returns made from a register of invented cases across two financial years (2025-26 and 2026-27):
/// every figure is checked against a count written here from the collection's rules, never from pals's code.
@Suite("KO41 returns: counting rules over two financial years", .serialized)
struct KO41ReturnTests {
    /// How an invented case ends, and when.
    enum Ending: Sendable {
        /// Still being worked.
        case open
        /// The final response is queued at `responded`, then the case is closed at `closed` with `outcome`.
        case responded(String, closed: String?, CaseOutcome)
        /// Closed at the instant with the outcome, with no response through pals.
        case closed(String, CaseOutcome)
        /// Withdrawn at the instant, then closed (as withdrawn) a week later.
        case withdrawn(String)
    }

    /// An invented case: when it was received, its kind, coding and ending.
    struct Spec: Sendable {
        var received: String
        var kind = "complaint"
        var subjects: [String] = ["communications"]
        var areas: [String] = ["inpatient"]
        var professions: [String] = ["medical"]
        var status: ComplainantStatus = .patient
        var age: AgeBand = .from18to64
        var ending: Ending = .open
    }

    /// The register: multi-subject cases, cases open across a year end, received in one year and resolved in the
    /// next, responded in one year and closed in the next, withdrawn, referred elsewhere, and concerns.
    static let specs: [Spec] = [
        // 2025-26
        Spec(
            received: "2025-05-10", subjects: ["communications", "clinical-treatment"], areas: ["inpatient"],
            professions: ["medical", "nursing-midwifery"], age: .from65,
            ending: .closed("2025-07-01T10:00:00Z", .upheld)),
        Spec(
            received: "2025-06-01", subjects: ["waiting-times"], areas: ["outpatient"], status: .relativeOrCarer,
            age: .unknown),
        Spec(
            received: "2025-09-15", subjects: ["appointments"], areas: ["outpatient"], professions: ["administrative"],
            ending: .responded("2026-03-20T10:00:00Z", closed: "2026-04-10T10:00:00Z", .notUpheld)),
        Spec(
            received: "2026-01-20", subjects: ["clinical-treatment", "patient-care"], areas: ["maternity"],
            professions: ["nursing-midwifery"], status: .relativeOrCarer, age: .under18,
            ending: .closed("2026-06-01T10:00:00Z", .partlyUpheld)),
        Spec(received: "2026-03-31", status: .other, ending: .withdrawn("2026-04-02T10:00:00Z")),
        Spec(received: "2025-08-08", kind: "concern", ending: .closed("2025-08-09T10:00:00Z", .upheld)),
        // 2026-27
        Spec(
            received: "2026-04-01", subjects: ["transport"], areas: ["ambulance"], professions: ["ambulance"],
            ending: .closed("2026-05-01T10:00:00Z", .referredElsewhere)),
        // The guidance's example: three subjects, one service area, one profession.
        Spec(
            received: "2026-05-05", subjects: ["communications", "values-and-behaviours", "other"],
            areas: ["mental-health"], professions: ["scientific-therapeutic-technical"], status: .relativeOrCarer,
            ending: .closed("2026-08-01T10:00:00Z", .upheld)),
        Spec(
            received: "2026-06-01", subjects: ["facilities"], areas: ["inpatient", "accident-and-emergency"],
            professions: ["medical", "allied-health"], age: .from65),
        Spec(received: "2026-06-02", kind: "concern"),
        Spec(
            received: "2026-10-10", subjects: ["prescribing", "communications"], areas: ["community-services"],
            professions: ["nursing-midwifery"], age: .under18, ending: .closed("2026-12-01T10:00:00Z", .notUpheld)),
        Spec(
            received: "2027-02-01", subjects: ["end-of-life-care"], areas: ["inpatient"], status: .relativeOrCarer,
            age: .from65,
            ending: .responded("2027-03-25T10:00:00Z", closed: "2027-04-05T10:00:00Z", .partlyUpheld)),
        Spec(received: "2027-03-10", ending: .withdrawn("2027-03-12T10:00:00Z")),
        // 2027-28: outside both years.
        Spec(received: "2027-04-02", ending: .closed("2027-04-20T10:00:00Z", .upheld)),
    ]

    /// A workspace whose register holds ``specs``, every action taken at its own instant; the references in order.
    static func register() async throws -> (EngineWorkspace, [String]) {
        let ws = try await EngineWorkspace.make(now: "2027-06-01T09:00:00Z")
        let references = try await offPool {
            var references: [String] = []
            for spec in specs {
                let json = Complaint.with {
                    $0.fields["received"] = spec.received
                    $0.fields["kind"] = spec.kind
                }.json
                let book = try ws.at("2027-06-01T09:00:00Z")
                let reference = try book.log(json: json).reference
                references.append(reference)
                if spec.kind == "complaint" {
                    try book.code(
                        reference,
                        CodingChange(
                            subjects: spec.subjects, serviceAreas: spec.areas, professions: spec.professions,
                            complainantStatus: spec.status, ageBand: spec.age))
                }
                switch spec.ending {
                case .open: break
                case .responded(let at, let closed, let outcome):
                    let book = try ws.at(at)
                    try book.register.apply(reference, now: book.clock.now()) { try $0.respond(at: book.clock.now()) }
                    try book.code(reference, CodingChange(outcome: outcome))
                    if let closed { try ws.at(closed).close(reference, outcome: nil) }
                case .closed(let at, let outcome):
                    try ws.at(at).close(reference, outcome: spec.kind == "concern" ? nil : outcome)
                case .withdrawn(let at):
                    let book = try ws.at(at)
                    try book.register.apply(reference, now: book.clock.now()) { try $0.withdraw(at: book.clock.now()) }
                    let later = instant(at).addingTimeInterval(7 * 86_400)
                    try ws.at(ISO8601DateFormatter().string(from: later)).close(reference, outcome: nil)
                }
            }
            return references
        }
        return (ws, references)
    }

    // MARK: The independent count

    /// The day an invented case ended, read from its spec: the first of its response and closing, or its
    /// withdrawal.
    static func endDay(_ ending: Ending) -> String? {
        switch ending {
        case .open: nil
        case .responded(let at, _, _), .closed(let at, _), .withdrawn(let at): String(at.prefix(10))
        }
    }

    static func outcome(_ ending: Ending) -> CaseOutcome? {
        switch ending {
        case .open: nil
        case .responded(_, _, let outcome), .closed(_, let outcome): outcome
        case .withdrawn: .withdrawn
        }
    }

    /// The return's figures computed from the specs by the collection's rules (ISO date strings compare in order).
    static func expected(from first: String, to last: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for spec in specs where spec.kind == "complaint" {
            let end = endDay(spec.ending)
            guard spec.received <= last else { continue }
            if let end, end < first { continue }
            counts[spec.received < first ? "summary/brought-forward" : "summary/new", default: 0] += 1
            if let end, end <= last {
                let key =
                    switch outcome(spec.ending)! {
                    case .upheld: "summary/upheld"
                    case .partlyUpheld: "summary/partly-upheld"
                    case .notUpheld: "summary/not-upheld"
                    case .withdrawn, .referredElsewhere: "summary/withdrawn-or-referred"
                    }
                counts[key, default: 0] += 1
            } else {
                counts["summary/carried-forward", default: 0] += 1
            }
            guard spec.received >= first else { continue }
            counts["age-of-patient/\(spec.age.rawValue)", default: 0] += 1
            counts["status-of-complainant/\(spec.status.rawValue)", default: 0] += 1
            for subject in Set(spec.subjects) { counts["subject/\(subject)", default: 0] += 1 }
            for area in Set(spec.areas) { counts["service-area/\(area)", default: 0] += 1 }
            for profession in Set(spec.professions) { counts["profession/\(profession)", default: 0] += 1 }
        }
        counts["summary/resolved"] =
            (counts["summary/upheld"] ?? 0) + (counts["summary/partly-upheld"] ?? 0)
            + (counts["summary/not-upheld"] ?? 0)
        return counts
    }

    /// Every box of a return as `section/id` → count, read from its CSV (what a person would copy into the form).
    static func boxes(_ csv: String) throws -> [String: Int] {
        var boxes: [String: Int] = [:]
        let lines = csv.split(separator: "\n").dropFirst()
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 4, let count = Int(fields.last!) else { throw Missing("bad CSV line \(line)") }
            boxes["\(fields[0])/\(fields[1])"] = count
        }
        return boxes
    }

    @Test(
        "every figure of KO41a matches the count from the rules, for each year",
        arguments: [("2025-26", "2025-04-01", "2026-03-31"), ("2026-27", "2026-04-01", "2027-03-31")])
    func everyFigure(year: String, first: String, last: String) async throws {
        let (ws, _) = try await Self.register()
        defer { ws.folder.remove() }
        let ko41 = try await offPool { try ws.casebook().ko41(.ko41a, year: try FinancialYear(parsing: year)) }
        let boxes = try Self.boxes(ko41.csv)
        let expected = Self.expected(from: first, to: last)
        for (box, count) in boxes {
            #expect(count == expected[box] ?? 0, "\(year) \(box)")
        }
        for (box, count) in expected where count > 0 {
            #expect(boxes[box] != nil, "\(year): \(box) (\(count)) is not in the return")
        }
        // And by hand, the figures the rules give (a check on the independent count itself).
        if year == "2025-26" {
            #expect(ko41.summary.broughtForward == 0)
            #expect(ko41.summary.new == 5)
            #expect((ko41.summary.upheld, ko41.summary.notUpheld, ko41.summary.resolved) == (1, 1, 2))
            #expect(ko41.summary.carriedForward == 3)
        } else {
            #expect(ko41.summary.broughtForward == 3)
            #expect(ko41.summary.new == 6)
            #expect((ko41.summary.upheld, ko41.summary.partlyUpheld, ko41.summary.notUpheld) == (1, 2, 1))
            #expect(ko41.summary.withdrawnOrReferred == 3)
            #expect(ko41.summary.carriedForward == 2)
            // The guidance's example counts three subjects and one service area and profession.
            #expect(boxes["subject/values-and-behaviours"] == 1)
            #expect(boxes["service-area/mental-health"] == 1)
        }
    }

    @Test("the counting rules hold: the summary reconciles, carried forward becomes next year's brought forward")
    func countingRules() async throws {
        let (ws, _) = try await Self.register()
        defer { ws.folder.remove() }
        let (first, second) = try await offPool {
            let book = try ws.casebook()
            return (
                try book.ko41(.ko41a, year: try FinancialYear(parsing: "2025-26")),
                try book.ko41(.ko41a, year: try FinancialYear(parsing: "2026-27"))
            )
        }
        for ko41 in [first, second] {
            let summary = ko41.summary
            #expect(
                summary.broughtForward + summary.new
                    == summary.resolved + summary.withdrawnOrReferred + summary.carriedForward)
            #expect(summary.resolved == summary.upheld + summary.partlyUpheld + summary.notUpheld)
            // Age and complainant status add up to the new complaints; categories to at least as many.
            #expect(ko41.ageOfPatient.map(\.count).reduce(0, +) == summary.new)
            #expect(ko41.statusOfComplainant.map(\.count).reduce(0, +) == summary.new)
            for table in [ko41.subjects, ko41.serviceAreas, ko41.professions] {
                #expect(table.map(\.count).reduce(0, +) >= summary.new)
            }
        }
        #expect(second.summary.broughtForward == first.summary.carriedForward)
        // Every box is there, zeros included.
        #expect(second.subjects.count == CodingCategories.ko41aSubjects.count)
        #expect(second.ageOfPatient.map(\.id) == ["0-17", "18-64", "65-and-over", "unknown"])
    }

    @Test("the JSON form carries the same figures as the CSV")
    func jsonForm() async throws {
        let (ws, _) = try await Self.register()
        defer { ws.folder.remove() }
        let ko41 = try await offPool { try ws.casebook().ko41(.ko41a, year: try FinancialYear(parsing: "2026-27")) }
        let decoded = try JSONDecoder().decode(KO41Return.self, from: Data(try ko41.json().utf8))
        #expect(decoded == ko41)
        #expect(try ko41.json().contains("\"from\" : \"2026-04-01\""))
    }

    @Test("a complaint missing coding is named by the check, and the return is refused until it is coded")
    func missingCoding() async throws {
        let ws = try await EngineWorkspace.make(now: "2026-11-25T09:00:00Z")
        defer { ws.folder.remove() }
        let uncoded = try await ws.log()
        let partly = try await ws.log()
        let concern = try await ws.log(.with { $0.fields["kind"] = "concern" })
        let year = try FinancialYear(parsing: "2026-27")
        let (gaps, error) = try await offPool {
            let book = try ws.casebook()
            try book.code(partly.reference, CodingChange(subjects: ["communications"], ageBand: .unknown))
            let error: (any Error)? = Result { try book.ko41(.ko41a, year: year) }.failure
            return (try book.codingGaps(year: year), error)
        }
        #expect(gaps.map(\.reference) == [uncoded.reference, partly.reference])
        #expect(
            gaps.first?.missing == ["subject", "service area", "profession", "complainant status", "age band"])
        #expect(gaps.last?.missing == ["service area", "profession", "complainant status"])
        #expect(!gaps.map(\.reference).contains(concern.reference))
        let refusal = try #require(error as? KO41Error)
        #expect(refusal.code == .incomplete)
        #expect(refusal.message.contains(uncoded.reference))
        // Another year's return does not need them.
        let other = try await offPool { try ws.casebook().codingGaps(year: try FinancialYear(parsing: "2025-26")) }
        #expect(other.isEmpty)
    }

    @Test("a complaint that ended without an outcome is named for its outcome")
    func endedWithoutOutcome() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await ws.log()
        let gaps = try await offPool {
            let book = try ws.casebook()
            try book.code(
                logged.reference,
                CodingChange(
                    subjects: ["communications"], serviceAreas: ["inpatient"], professions: ["medical"],
                    complainantStatus: .patient, ageBand: .from18to64))
            // Closed the old way (`pals case update --status closed`), which takes no outcome.
            try book.register.apply(logged.reference, now: book.clock.now()) { try $0.close(at: book.clock.now()) }
            return try book.codingGaps(year: nil)
        }
        #expect(gaps == [CodingGap(reference: logged.reference, missing: ["outcome"])])
    }

    @Test(
        "hostile and careless coding is refused naming the allowed values, and nothing is stored",
        arguments: [
            (CodingChange(subjects: ["Communications"]), "subject 'Communications' is not one of"),
            (CodingChange(subjects: ["communications'; DROP TABLE cases;--"]), "is not one of: access-to-treatment"),
            (CodingChange(serviceAreas: ["ward-7"]), "service area 'ward-7' is not one of"),
            (CodingChange(professions: ["surgeon"]), "profession 'surgeon' is not one of: medical"),
            (CodingChange(subjects: []), "a subject list cannot be empty"),
            (CodingChange(), "nothing to code"),
            (CodingChange(outcome: .upheld), "an outcome is recorded when the complaint is responded to"),
        ])
    func hostileCoding(change: CodingChange, message: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await ws.log()
        let error = await failure(CaseCodingError.self) { try ws.casebook().code(logged.reference, change) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        // The log form names the case, never a value someone typed.
        #expect(error?.description.contains(logged.reference) == true)
        #expect(error?.description.contains("DROP") == false)
        #expect(error?.description.contains("Communications") == false)
        let stored = try await offPool { try ws.casebook().register.get(logged.reference) }
        #expect(stored.coding.isEmpty)
    }

    @Test("a complaint cannot close without an outcome; a concern can")
    func closing() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let complaint = try await ws.log()
        let concern = try await ws.log(.with { $0.fields["kind"] = "concern" })
        let error = await failure(CaseCodingError.self) { try ws.casebook().close(complaint.reference, outcome: nil) }
        #expect(error?.code == .outcomeNeeded)
        #expect(error?.message.contains("upheld, partly-upheld, not-upheld, withdrawn, referred-elsewhere") == true)
        let closedConcern = try await offPool { try ws.casebook().close(concern.reference, outcome: nil) }
        #expect(closedConcern.status == .closed)
        let closed = try await offPool { try ws.casebook().close(complaint.reference, outcome: .partlyUpheld) }
        #expect(closed.status == .closed)
        #expect(closed.coding.outcome == .partlyUpheld)
    }

    @Test("ombudsman dates after today are refused; a referral and its result are kept")
    func ombudsmanDates() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let logged = try await ws.log()
        let error = await failure(CaseCodingError.self) {
            try ws.casebook().referToOmbudsman(logged.reference, on: day("2026-11-26"))
        }
        #expect(error?.message.contains("after today (2026-11-25)") == true)
        let stored = try await offPool {
            let book = try ws.casebook()
            try book.referToOmbudsman(logged.reference, on: day("2026-11-24"))
            return try book.recordOmbudsmanResult(logged.reference, .partlyUpheld, on: day("2026-11-25"))
        }
        #expect(
            stored.ombudsmanReferrals == [
                OmbudsmanReferral(referredOn: day("2026-11-24"), result: .partlyUpheld, resultOn: day("2026-11-25"))
            ])
    }

    @Test("KO41b is refused for a trust and KO41a for a GP practice; a GP practice's return has no service areas")
    func collections() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let year = try FinancialYear(parsing: "2026-27")
        let trustError = await failure(KO41Error.self) { _ = try ws.casebook().ko41(.ko41b, year: year) }
        #expect(trustError?.code == .wrongCollection)
        #expect(trustError?.message.contains("trust") == true)
        let practice = EngineWorkspace(
            ws,
            workspace: try ws.reconfigured {
                $0.replacingOccurrences(of: "organisation:\n", with: "organisation:\n  type: gp-practice\n")
            })
        let logged = try await practice.log()
        let gpError = await failure(KO41Error.self) { _ = try practice.casebook().ko41(.ko41a, year: year) }
        #expect(gpError?.code == .wrongCollection)
        let ko41 = try await offPool {
            let book = try practice.casebook()
            try book.code(
                logged.reference,
                CodingChange(
                    subjects: ["communications"], professions: ["medical"], complainantStatus: .patient,
                    ageBand: .from18to64))
            return try book.ko41(.ko41b, year: year)
        }
        #expect(ko41.collection == .ko41b)
        #expect(ko41.serviceAreas.isEmpty)
        #expect(ko41.summary.new == 1)
        #expect(!ko41.csv.contains("service-area"))
    }

    @Test("a body's own categories are counted under the KO41 category they map to, once per complaint")
    func localCategories() async throws {
        let base = try await EngineWorkspace.make()
        defer { base.folder.remove() }
        let ws = EngineWorkspace(
            base,
            workspace: try base.reconfigured {
                $0
                    + """

                    coding:
                      subjects:
                        - id: car-parking
                          label: Car parking
                          ko41: facilities
                        - id: food
                          label: Food and drink
                          ko41: facilities
                        - id: communications
                    """
            })
        let logged = try await ws.log()
        let ko41 = try await offPool {
            let book = try ws.casebook()
            try book.code(
                logged.reference,
                CodingChange(
                    subjects: ["car-parking", "food", "communications"], serviceAreas: ["inpatient"],
                    professions: ["other"], complainantStatus: .other, ageBand: .unknown))
            return try book.ko41(.ko41a, year: try FinancialYear(parsing: "2026-27"))
        }
        let counts = Dictionary(uniqueKeysWithValues: ko41.subjects.map { ($0.id, $0.count) })
        #expect(counts["facilities"] == 1)
        #expect(counts["communications"] == 1)
        #expect(ko41.subjects.map(\.count).reduce(0, +) == 2)
        // A KO41 category the body did not configure is refused when coding.
        let error = await failure(CaseCodingError.self) {
            try ws.casebook().code(logged.reference, CodingChange(subjects: ["clinical-treatment"]))
        }
        #expect(error?.message.contains("not one of: car-parking, food, communications") == true)
    }

    @Test("a coding list naming a category that is not KO41's is a configuration problem")
    func badConfiguration() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        do {
            _ = try ws.reconfigured {
                $0 + "\ncoding:\n  professions:\n    - id: porter\n      ko41: portering\n    - id: Porter Two\n"
            }
            Issue.record("the configuration was accepted")
        } catch let error as ConfigurationError {
            let messages = error.problems.map(\.message)
            #expect(
                messages.contains { $0.contains("'portering' is not a KO41 category; one of: medical") }, "\(messages)")
            #expect(messages.contains { $0.contains("'Porter Two' must be lower case") }, "\(messages)")
        }
    }
}

extension Result {
    /// The error, when this is a failure.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
