import Foundation
import PalsTestKit
import Testing

/// The example complaint shipped in the repository.
let exampleComplaint = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: "Examples/complaint.json")

/// A workspace made by the real `pals init` in a temporary folder.
struct TestWorkspace {
    let folder: TemporaryFolder
    var path: String { folder.url.path }

    init() async throws {
        folder = try TemporaryFolder("e2e")
        let result = try await ProcessRunner.palsOffPool(["init", folder.appending("ws").path])
        precondition(result.status == 0, "pals init failed: \(result)")
    }

    var workspace: String { folder.appending("ws").path }

    /// Runs `pals` inside the workspace with a fixed clock, off the cooperative pool.
    func pals(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) async throws
        -> ProcessResult
    {
        var environment = environment
        environment["PALS_NOW"] = environment["PALS_NOW"] ?? "2026-11-25T09:00:00Z"
        return try await ProcessRunner.palsOffPool(
            arguments + ["--workspace", workspace], input: input, environment: environment)
    }

    /// Logs the example complaint (optionally with another email address) and returns its reference.
    func logExample(email: String? = nil) async throws -> String {
        var text = try String(contentsOf: exampleComplaint, encoding: .utf8)
        if let email { text = text.replacingOccurrences(of: "eira.example@example.org", with: email) }
        let result = try await pals(["case", "new", "--file", "-"], input: Data(text.utf8))
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }
}

@Suite("pals case, run as a real binary", .serialized)
struct CaseCommandTests {
    @Test("init makes a private workspace that works with the example complaint")
    func initAndLog() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        for name in ["pals.yaml", "register.sqlite", "Outbox", "Templates"] {
            #expect(FileManager.default.fileExists(atPath: ws.workspace + "/" + name), "missing \(name)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: ws.workspace + "/Outbox")[.posixPermissions] as? Int
        #expect(mode == 0o700)
        let again = try await ProcessRunner.palsOffPool(["init", ws.workspace])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already a pals workspace"))
        #expect(try await ws.logExample() == "PALS-2026-0001")
    }

    @Test("case new prints only the reference; show, list, update and close work on it")
    func lifecycle() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        #expect(reference.range(of: #"^PALS-2026-\d{4}$"#, options: .regularExpression) != nil)

        let show = try await ws.pals(["case", "show", reference])
        #expect(show.status == 0)
        #expect(show.stdout.contains("awaiting-consent"))
        #expect(show.stdout.contains("Emergency Department"))

        let json = try await ws.pals(["case", "show", reference, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let record = object?["case"] as? [String: Any]
        #expect(record?["reference"] as? String == reference)
        #expect(record?["officer"] as? String == "alex")

        let update = try await ws.pals([
            "case", "update", reference, "--officer", "sam", "--consent", "received",
            "--agreed-response-date", "2027-01-15",
        ])
        #expect(update.status == 0, "\(update)")
        let list = try await ws.pals(["case", "list", "--officer", "sam", "--json"])
        let cases = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(cases?.count == 1)
        #expect(cases?.first?["status"] as? String == "open")
        #expect(cases?.first?["agreedResponseDate"] as? String == "2027-01-15")

        let nothing = try await ws.pals(["case", "update", reference])
        #expect(nothing.status == 1, "\(nothing)")
        #expect(nothing.stderr.contains("See `pals case update --help`"), "\(nothing)")
        let closing = try await ws.pals(["case", "update", reference, "--status", "closed"])
        #expect(closing.status == 1, "\(closing)")
        #expect(closing.stderr.contains("Use `pals case close` to close a case."), "\(closing)")
        let close = try await ws.pals(["case", "close", reference, "--outcome", "not-upheld"])
        #expect(close.status == 0)
        let open = try await ws.pals(["case", "list", "--open"])
        #expect(open.stdout.contains("no cases"))
        let history = try await ws.pals(["case", "show", reference])
        #expect(history.stdout.contains("closed"))
        #expect(history.stdout.contains("officer → sam"))
        let closeAgain = try await ws.pals(["case", "close", reference])
        #expect(closeAgain.status != 0)
        #expect(closeAgain.stderr.contains("already closed"))
    }

    @Test("bad input exits non-zero, names each field on standard error, and stores nothing")
    func badInput() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let bad = Data(
            #"{"channel":"fax","complainant":{"lastName":"Example","email":"x@"},"officer":"nobody","summary":"s","service":"s"}"#
                .utf8)
        let result = try await ws.pals(["case", "new", "--file", "-"], input: bad)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        for field in ["channel", "complainant.firstName", "complainant.email", "officer"] {
            #expect(result.stderr.contains(field), "stderr should name \(field): \(result.stderr)")
        }
        let malformed = try await ws.pals(["case", "new", "--file", "-"], input: Data("{not json".utf8))
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("not valid JSON"))
        #expect(try await ws.pals(["case", "list"]).stdout.contains("no cases"))

        let update = try await ws.pals(["case", "update", "PALS-2026-0001", "--agreed-response-date", "2026-02-30"])
        #expect(update.status != 0)
        #expect(update.stderr.contains("agreed-response-date"))
        let missing = try await ws.pals(["case", "show", "PALS-2026-0999"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no case PALS-2026-0999"))
    }

    @Test("outside a workspace every command says how to get one")
    func outsideWorkspace() async throws {
        let folder = try TemporaryFolder("nowhere")
        defer { folder.remove() }
        let result = try await ProcessRunner.palsOffPool(["case", "list"], currentDirectory: folder.url)
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not a pals workspace"))
        #expect(result.stderr.contains("pass --workspace DIR or set PALS_WORKSPACE; `pals init DIR` creates one"))
    }

    @Test("the workspace comes from PALS_WORKSPACE when --workspace is not given")
    func workspaceFromEnvironment() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let result = try await ProcessRunner.palsOffPool(
            ["case", "new", "--file", exampleComplaint.path],
            environment: ["PALS_WORKSPACE": ws.workspace])
        #expect(result.status == 0, "\(result)")
    }

    @Test("two processes logging at the same moment get different references")
    func concurrentProcesses() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let perProcess = 15
        let script = (0..<perProcess).map { _ in
            "\(ProcessRunner.palsBinary.path) case new --file \(exampleComplaint.path) --workspace \(ws.workspace) || exit 1"
        }.joined(separator: "\n")
        let shell = URL(filePath: "/bin/sh")
        let first = try ProcessRunner.start(shell, ["-c", script], environment: ["PALS_NOW": "2026-11-25T09:00:00Z"])
        let second = try ProcessRunner.start(shell, ["-c", script], environment: ["PALS_NOW": "2026-11-25T09:00:00Z"])
        let results = [await first.waitOffPool(), await second.waitOffPool()]
        for result in results { #expect(result.status == 0, "\(result)") }
        let references = results.flatMap { $0.stdout.split(separator: "\n").map(String.init) }
        #expect(references.count == 2 * perProcess)
        #expect(Set(references).count == 2 * perProcess)
    }

    @Test(
        "help reads well for every command",
        arguments: [
            [], ["case"], ["case", "new"], ["case", "update"], ["init"], ["config", "check"],
        ])
    func help(command: [String]) async throws {
        let result = try await ProcessRunner.palsOffPool(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:"))
        #expect(!result.stdout.contains("TODO"))
    }
}
