import Casework
import Foundation
import Mail
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// An invented complaint in the case JSON format.
func complaintJSON(_ changes: [String: Any] = [:]) -> Data {
    var object: [String: Any] = [
        "received": "2026-11-23T10:15:00Z",
        "channel": "email",
        "complainant": [
            "title": "Ms", "firstName": "Eira", "lastName": "Example", "address": ["12 Invented Street"],
            "postcode": "EX1 2ZZ", "email": "eira@example.org", "preferredContact": "email",
        ] as [String: Any],
        "summary": "An invented complaint about waiting times.",
        "service": "Outpatients",
        "officer": "alex",
    ]
    for (key, value) in changes { object[key] = value }
    return try! JSONSerialization.data(withJSONObject: object)
}

let rules = CaseForm.Rules(
    officers: ["alex", "sam"], defaultProfile: .england, complexities: ["standard", "complex"],
    now: ISO8601DateFormatter().date(from: "2026-11-25T09:00:00Z")!,
    isEmailAddress: { (try? EmailAddress($0)) != nil })

@Suite("The case register")
struct CaseRegisterTests {
    let folder: TemporaryFolder
    let register: CaseRegister

    init() throws {
        folder = try TemporaryFolder("register")
        register = try CaseRegister(url: folder.appending("register.sqlite"))
    }

    @Test("a logged case reads back field for field, with its history")
    func roundTrip() throws {
        defer { folder.remove() }
        let patient: [String: Any] = ["firstName": "Bryn", "lastName": "Example"]
        let form = try CaseForm.parse(
            json: complaintJSON(["patient": patient, "consent": "requested", "stage": 1]), rules: rules)
        let created = try register.create(form, pattern: .standard, now: rules.now)
        let read = try register.get(created.reference)
        #expect(read == created)
        #expect(read.reference == "PALS-2026-0001")
        #expect(read.status == .awaitingConsent)
        #expect(read.patient?.fullName == "Bryn Example")
        #expect(read.receivedDate == CivilDate(iso: "2026-11-23"))
        #expect(try register.events(for: read.reference).map(\.kind) == [.logged])
        #expect(try register.schedules() == [read.schedule], "the schedule projection reads the same columns")
    }

    @Test("references count up per year in the configured pattern")
    func referencesCountUp() throws {
        defer { folder.remove() }
        let pattern = try ReferencePattern("CMP/{YY}/{NNNNN}")
        let first = try register.create(
            CaseForm.parse(json: complaintJSON(), rules: rules), pattern: pattern, now: rules.now)
        let second = try register.create(
            CaseForm.parse(json: complaintJSON(), rules: rules), pattern: pattern, now: rules.now)
        let nextYear = try register.create(
            CaseForm.parse(json: complaintJSON(["received": "2025-12-31"]), rules: rules), pattern: pattern,
            now: rules.now)
        #expect(
            [first.reference, second.reference, nextYear.reference] == ["CMP/26/00001", "CMP/26/00002", "CMP/25/00001"])
    }

    @Test("register files are private to their owner")
    func filesArePrivate() throws {
        defer { folder.remove() }
        _ = try register.create(CaseForm.parse(json: complaintJSON(), rules: rules), pattern: .standard, now: rules.now)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        where name.hasPrefix("register") {
            let mode =
                try FileManager.default.attributesOfItem(atPath: folder.appending(name).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test("many threads logging at once get different references")
    func concurrentAllocation() async throws {
        defer { folder.remove() }
        let form = try CaseForm.parse(json: complaintJSON(), rules: rules)
        let register = self.register
        let references = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<40 {
                group.addTask { try register.create(form, pattern: .standard, now: rules.now).reference }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(references).count == 40)
    }

    @Test("an update changes the case and records what changed")
    func update() throws {
        defer { folder.remove() }
        let created = try register.create(
            CaseForm.parse(json: complaintJSON(), rules: rules), pattern: .standard, now: rules.now)
        try register.apply(created.reference, now: rules.now) { lifecycle in
            lifecycle.edit("officer → sam", at: rules.now) { $0.officer = "sam" }
        }
        #expect(try register.get(created.reference).officer == "sam")
        #expect(try register.events(for: created.reference).map(\.kind) == [.logged, .updated])
        #expect(throws: RegisterError.notFound("PALS-2026-9999")) {
            try register.apply("PALS-2026-9999", now: rules.now) { _ in }
        }
    }
}

@Suite("Reference patterns")
struct ReferencePatternTests {
    @Test(
        "a pattern without one sequence token is refused",
        arguments: ["PALS-{YYYY}", "{NN}-{NN}", "PALS {NNNN}", "X-{NNXN}"])
    func refused(pattern: String) {
        #expect(throws: ReferencePatternError.self) { try ReferencePattern(pattern) }
    }
}
