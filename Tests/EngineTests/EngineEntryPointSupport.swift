import Casework
import Engine
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

// Helpers for the in-process tests of Engine's entry points (issue 12): invented complaints built field by
// field, and a way to run Engine's blocking calls (SQLite, PDF rendering, files) off the cooperative pool.

/// An invented complaint in the case JSON format, the repository's example by default; a test changes only the
/// fields it names. Every person in it is invented.
struct Complaint: @unchecked Sendable {
    /// The top-level fields (without `complainant` and `patient`).
    var fields: [String: Any] = [
        "received": "2026-11-23T10:15:00Z", "channel": "email", "summary": "INVENTED: a long wait, unexplained.",
        "service": "Emergency Department", "officer": "alex", "complexity": "standard",
    ]
    /// The complainant's fields.
    var complainant: [String: Any] = [
        "title": "Ms", "firstName": "Eira", "lastName": "Example", "address": ["12 Invented Street", "Exampleton"],
        "postcode": "EX1 2ZZ", "email": "eira.example@example.org", "phone": "01632 960123",
        "preferredContact": "email", "language": "en",
    ]
    /// The patient's fields, or nil when the complainant is the patient.
    var patient: [String: Any]? = nil

    /// The complaint as JSON.
    var json: Data {
        var object = fields
        object["complainant"] = complainant
        if let patient { object["patient"] = patient }
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The example with changes.
    static func with(_ change: (inout Complaint) -> Void) -> Complaint {
        var complaint = Complaint()
        change(&complaint)
        return complaint
    }

    /// A complaint about a patient who is not the complainant, consent requested.
    static var onBehalf: Complaint {
        .with {
            $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
            $0.fields["consent"] = "requested"
        }
    }

    /// A complaint whose letters go by post.
    static var byPost: Complaint {
        .with {
            $0.complainant["preferredContact"] = "post"
            $0.complainant["email"] = nil
        }
    }
}

/// Runs Engine's blocking work (SQLite, files, PDF rendering) on a Dispatch thread and returns the error it
/// threw, or records an issue when it threw none or another type.
func failure<E: Error>(
    _ type: E.Type, sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () throws -> Void
) async -> E? {
    do {
        try await offPool(body)
        Issue.record("expected \(E.self), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as E {
        return error
    } catch {
        Issue.record("expected \(E.self), got \(Swift.type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The folder holding a workspace made once per test process by `Workspace.create`, which tests copy: making one
/// flushes every file to disk and takes ten times as long as a copy (0.3 s against 0.03 s here).
private let pristineFolder = URL(filePath: NSTemporaryDirectory(), directoryHint: .isDirectory)
    .appending(path: "pals-engine-pristine-\(getpid())", directoryHint: .isDirectory)

/// The workspace in ``pristineFolder``, made on first use and removed when the test process exits.
private let pristineWorkspace: Result<URL, any Error> = Result {
    let root = pristineFolder.appending(path: "ws")
    try? FileManager.default.removeItem(at: pristineFolder)
    try FileManager.default.createDirectory(at: pristineFolder, withIntermediateDirectories: true)
    try Workspace.create(at: root)
    atexit { try? FileManager.default.removeItem(at: pristineFolder) }
    return root
}

extension EngineWorkspace {
    /// A fresh workspace, a copy of one made by `Workspace.create`, its clock stopped at `now`.
    init(copyAt now: String) throws {
        folder = try TemporaryFolder("engine")
        let root = folder.appending("ws")
        try FileManager.default.copyItem(at: try pristineWorkspace.get(), to: root)
        workspace = try Workspace.open(at: root, environment: [:])
        clock = .fixed(instant(now))
    }

    /// The same folder and clock over `workspace` (e.g. the one ``reconfigured(_:environment:)`` returned).
    init(_ other: EngineWorkspace, workspace: Workspace) {
        (folder, self.workspace, clock) = (other.folder, workspace, other.clock)
    }

    /// A fresh workspace made off the cooperative pool, its clock stopped at `now`.
    /// With `welshForms`, the configuration also has the Welsh forms a Welsh letter needs.
    static func make(now: String = "2026-11-25T09:00:00Z", welshForms: Bool = false) async throws -> EngineWorkspace {
        try await offPool {
            let made = try EngineWorkspace(copyAt: now)
            guard welshForms else { return made }
            return EngineWorkspace(made, workspace: try made.reconfigured(WelshFormsFixture.adding))
        }
    }

    /// The same workspace seen at another instant (a second command run later).
    func at(_ now: String) throws -> Casebook {
        try Casebook(workspace: workspace, clock: .fixed(ISO8601DateFormatter().date(from: now)!))
    }

    /// Logs a complaint and returns the case (off the cooperative pool).
    func log(_ complaint: Complaint = Complaint()) async throws -> Case {
        let json = complaint.json
        return try await offPool { try casebook().log(json: json) }
    }

    /// Changes a case through its lifecycle, as another command would have (at the workspace's clock).
    func change(
        _ reference: String, _ transition: @escaping @Sendable (inout CaseLifecycle, Date) throws -> Void
    ) async throws {
        try await offPool {
            let book = try casebook()
            let now = clock.now()
            _ = try book.register.apply(reference, now: now) { try transition(&$0, now) }
        }
    }

    /// The workspace's outbox, seen at the workspace's clock.
    func outbox() throws -> Outbox {
        let clock = self.clock
        return try Outbox(folder: workspace.outboxURL, clock: clock)
    }

    /// The messages in the outbox (every state but sent), off the cooperative pool.
    func queued() async throws -> [OutboxItem] {
        try await offPool { try outbox().list() }
    }

    /// Rewrites `pals.yaml` (a text change of the starter configuration) and opens the workspace again.
    func reconfigured(_ change: (String) -> String, environment: [String: String] = [:]) throws -> Workspace {
        let text = try String(contentsOf: workspace.configurationURL, encoding: .utf8)
        let changed = change(text)
        guard changed != text else { throw Missing("a configuration change that matched nothing") }
        try Data(changed.utf8).write(to: workspace.configurationURL)
        return try Workspace.open(at: workspace.root, environment: environment)
    }
}

/// The instant of an ISO 8601 text (tests' fixed times).
func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

/// A civil date from `YYYY-MM-DD`.
func day(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }

/// A test's own precondition that failed off the cooperative pool (where `#require` cannot record an issue).
struct Missing: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A board item as the board would make it (``DueItem`` has no public memberwise initialiser: it is decoded here
/// from the JSON `pals deadlines --json` prints).
func dueItem(
    _ reference: String, officer: String = "alex", deadline: DueItem.Kind, due: String, left: Int,
    state: DeadlineStatus.Colour
) -> DueItem {
    let fields: [String: Any] = [
        "reference": reference, "officer": officer, "profile": "england", "deadline": deadline.rawValue, "due": due,
        "workingDaysRemaining": left, "state": state.rawValue, "backstop": "2027-05-23",
    ]
    let json = try! JSONSerialization.data(withJSONObject: fields)
    return try! JSONDecoder().decode(DueItem.self, from: json)
}

extension MergedLetter {
    /// The letter's text with every run of white space made one space, so a check does not depend on where the
    /// text renderer wraps its lines.
    var flatText: String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
}
