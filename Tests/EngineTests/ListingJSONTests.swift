import Casework
import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

/// The streaming writer of `pals deadlines --json` (``DeadlineReports/writeJSON(_:to:)``) against the encoder it
/// replaces: the same bytes for awkward boards, whatever the buffer size; and the board read row by row from the
/// register (``DeadlineDesk/board(of:_:today:within:overdueOnly:)``) against the board of the whole scan.
@Suite("Listing JSON: the streaming deadline board")
struct ListingJSONTests {
    static func item(
        _ reference: String, officer: String = "alex", due: String = "2026-12-01", stage: Int? = nil,
        remaining: Int = 4, backstop: String? = "2027-05-25", ruleSet: String? = nil,
        deadline: DueItem.Kind = .response, state: DeadlineStatus.Colour = .amber
    ) -> DueItem {
        DueItem(
            reference: reference, officer: officer, profile: .england, stage: stage, deadline: deadline,
            due: CivilDate(iso: due)!, workingDaysRemaining: remaining, state: state,
            backstop: backstop.map { CivilDate(iso: $0)! }, ruleSet: ruleSet)
    }

    /// What the streaming writer puts in a file through a buffer of `capacity` bytes.
    static func streamed(_ items: [DueItem], capacity: Int = 1 << 16) throws -> Data {
        let folder = try TemporaryFolder("listing")
        defer { folder.remove() }
        let path = folder.appending("out.json").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        try DeadlineReports.writeJSON(items, to: BufferedOutput(descriptor: descriptor, capacity: capacity))
        return try Data(contentsOf: URL(filePath: path))
    }

    /// What `printJSON` printed before: the encoder's bytes and a newline.
    static func encoded(_ items: [DueItem]) throws -> Data {
        try CaseReports.jsonEncoder().encode(items) + Data("\n".utf8)
    }

    static let awkward: [(String, [DueItem])] = [
        ("no cases", []),
        ("one case", [item("PALS-2026-0001")]),
        (
            "unicode, quotes, backslashes, slashes and control characters",
            [
                item("PALS-2026-0002", officer: "Siân Ó Briain ✓ 😀"),
                item("A \"quoted\" \\ reference/with/slashes", officer: "tab\there\nnew line\u{7}bell\u{0}nul"),
                item("DEL\u{7F} and \u{2028} separators \u{2029}", officer: "\u{1F}\u{1B}[0m"),
                item("", officer: ""),
            ]
        ),
        (
            "the first and last years a date can hold, overdue by many days",
            [
                item("PALS-0001-0001", due: "0001-01-01", remaining: -739_000, backstop: "0001-07-01", state: .red),
                item("PALS-9999-0001", due: "9999-12-31", remaining: 2_000_000, backstop: nil, state: .green),
            ]
        ),
        (
            "stages, rule sets and every kind of deadline",
            [
                item("S-1", stage: 1, ruleSet: "scotland 2021", deadline: .decision),
                item(
                    "S-2", stage: 2, backstop: nil, ruleSet: "Wales: Putting Things Right", deadline: .acknowledgement),
                item("C-1", remaining: 0, deadline: .concern, state: .amber),
            ]
        ),
    ]

    @Test("the streamed board is byte for byte the encoder's", arguments: awkward.indices)
    func sameBytes(index: Int) throws {
        let (name, items) = Self.awkward[index]
        let streamed = try Self.streamed(items)
        let encoded = try Self.encoded(items)
        #expect(streamed == encoded, "\(name):\n\(String(decoding: streamed, as: UTF8.self))")
    }

    @Test("a buffer smaller than one row, or than one field, changes no byte", arguments: [1, 7, 64, 1000])
    func smallBuffers(capacity: Int) throws {
        let items = Self.awkward.flatMap(\.1) + (0..<300).map { Self.item(String(format: "PALS-2026-%04d", $0)) }
        #expect(try Self.streamed(items, capacity: capacity) == Self.encoded(items))
    }

    @Test("writing into a closed pipe is an error, not a silent short listing")
    func closedPipe() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        #expect(throws: (any Error).self) {
            try DeadlineReports.writeJSON(
                [Self.item("PALS-2026-0001")], to: BufferedOutput(descriptor: ends[1], capacity: 16))
        }
    }

    @Test("the board read row by row equals the board of the whole scan, problems and filters included")
    func boardOfRegister() async throws {
        let folder = try TemporaryFolder("listing-board")
        defer { folder.remove() }
        let register = try CaseRegister(url: folder.appending("register.sqlite"))
        let rules = CaseForm.Rules(
            officers: ["alex", "sam"], defaultProfile: .england, complexities: ["standard"],
            now: CivilDate(iso: "2026-11-02")!.date(), isEmailAddress: { _ in true })
        var references: [String] = []
        for (index, officer) in ["alex", "sam", "alex", "sam", "alex"].enumerated() {
            let json = """
                {"received": "2026-10-\(10 + index)", "channel": "letter", "summary": "Invented.",
                 "service": "Outpatients", "officer": "\(officer)", "profile": "england", "acknowledged": \(index % 2 == 0),
                 "complainant": {"firstName": "Eira", "lastName": "Example", "address": ["1 Invented Street"]}}
                """
            let record = try register.create(
                CaseForm.parse(json: Data(json.utf8), rules: rules), pattern: .standard, now: rules.now)
            references.append(record.reference)
        }
        // One row damaged by hand and one outside the dates pals computes: each is named as a problem, and every
        // other case is still on the board.
        let file = folder.appending("register.sqlite")
        try await sqlite(file, "UPDATE cases SET agreedResponseDate = 'soon' WHERE reference = '\(references[1])'")
        try await sqlite(
            file, "UPDATE cases SET agreedResponseDate = '2200-01-01' WHERE reference = '\(references[3])'")
        let desk = DeadlineDesk(configuration: nil, holidayData: .shipped)
        let today = CivilDate(iso: "2026-11-25")!
        for (filter, within, overdue) in [
            (CaseFilter(openOnly: true), nil as Int?, false), (CaseFilter(openOnly: true, officer: "alex"), nil, false),
            (CaseFilter(openOnly: true), 3, false), (CaseFilter(openOnly: true), nil, true),
        ] {
            let scan = try register.scheduleScan(filter)
            let whole = desk.board(
                scan.schedules, unreadable: scan.problems, today: today, within: within, overdueOnly: overdue)
            let streamed = try desk.board(of: register, filter, today: today, within: within, overdueOnly: overdue)
            #expect(streamed == whole)
        }
        let all = try desk.board(of: register, CaseFilter(openOnly: true), today: today)
        #expect(all.items.count == 3)
        #expect(all.problems.map(\.reference) == [references[1], references[3]])
    }
}
