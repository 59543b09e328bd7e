import Casework
import Engine
import Foundation
import Letters
import PalsTestKit
import Primitives
import Testing

/// ``Workspace`` and ``DefaultTemplates``, in process: where a workspace is, opening it (and what a folder that
/// is not one says), what `pals init` refuses, the register's safety, and `pals templates restore`.
@Suite("Workspace: opening, creating, the register and the templates")
struct WorkspaceTests {
    @Test("--workspace wins over PALS_WORKSPACE, which wins over the current folder; an empty one is ignored")
    func locatePrecedence() {
        let environment = ["PALS_WORKSPACE": "/srv/from-env"]
        #expect(
            Workspace.locate(explicit: "/srv/option", environment: environment, currentDirectory: "/home/x").path
                == "/srv/option")
        #expect(
            Workspace.locate(explicit: nil, environment: environment, currentDirectory: "/home/x").path
                == "/srv/from-env")
        #expect(
            Workspace.locate(explicit: nil, environment: ["PALS_WORKSPACE": ""], currentDirectory: "/home/x").path
                == "/home/x")
        #expect(Workspace.resolve("a/../b", currentDirectory: "/home/x").path == "/home/x/b")
    }

    @Test("a workspace's files are where DESIGN says, inside its folder")
    func layout() async throws {
        let ws = try await offPool { try EngineWorkspace(now: "2026-11-25T09:00:00Z") }
        defer { ws.folder.remove() }
        let root = ws.workspace.root.path
        #expect(ws.workspace.configurationURL.path == root + "/pals.yaml")
        #expect(ws.workspace.registerURL.path == root + "/register.sqlite")
        #expect(ws.workspace.templatesURL.path.hasPrefix(root + "/Templates"))
        #expect(ws.workspace.outboxURL.path.hasPrefix(root + "/Outbox"))
        for (path, mode) in [
            ("", 0o700), ("/pals.yaml", 0o600), ("/register.sqlite", 0o600), ("/Outbox", 0o700),
            ("/Templates", 0o700), ("/Templates/en/holding.mustache", 0o600),
        ] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + path)
            #expect(attributes[.posixPermissions] as? Int == mode, "\(path)")
        }
        #expect(ws.workspace.configuration.officers.map(\.id) == ["alex", "sam"])
    }

    @Test("a folder without pals.yaml is not a workspace, and the error says how to get one")
    func notAWorkspace() throws {
        let folder = try TemporaryFolder("not-ws")
        defer { folder.remove() }
        let error = #expect(throws: WorkspaceError.self) { try Workspace.open(at: folder.url, environment: [:]) }
        #expect(error?.message.contains("is not a pals workspace (it has no pals.yaml)") == true)
        #expect(error?.code == .notAWorkspace)
        #expect(error?.message.contains("Work in a workspace folder, or make a new one") == true)
    }

    @Test("a bad pals.yaml is refused naming each key; the environment's overrides apply on opening")
    func badConfigurationAndOverrides() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let smtp = try await offPool {
            try Workspace.open(at: ws.workspace.root, environment: ["PALS_SMTP_URL": "smtp://127.0.0.1:2525"])
        }
        #expect(smtp.configuration.mail.transport == .smtp)
        let error = await failure(ConfigurationError.self) {
            _ = try ws.reconfigured { $0.replacingOccurrences(of: "profile: england", with: "profile: atlantis") }
        }
        #expect(error?.problems.map(\.key) == ["jurisdiction.profile"])
    }

    @Test("init refuses a workspace, a non-empty folder, a file and a missing parent, changing nothing")
    func createRefuses() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        func refusal(_ root: URL) async -> String? {
            await failure(WorkspaceError.self) { try Workspace.create(at: root) }?.message
        }
        #expect(
            await refusal(ws.workspace.root)
                == "\(ws.workspace.root.path) is already a pals workspace; nothing was changed")
        let busy = ws.folder.appending("busy")
        try FileManager.default.createDirectory(at: busy, withIntermediateDirectories: false)
        for name in ["a", "b", "c", "d", "e", ".f"] { try Data().write(to: busy.appending(path: name)) }
        let notEmpty = await refusal(busy)
        #expect(notEmpty?.contains("is not empty (it holds .f, a, b, c, d, …) and is not a pals workspace") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: busy.path).count == 6)
        let file = ws.folder.appending("file")
        try Data("x".utf8).write(to: file)
        #expect(await refusal(file) == "\(file.path) exists and is not a folder; nothing was changed")
        let orphan = ws.folder.appending("no/such/parent")
        #expect(await refusal(orphan)?.contains("is not an existing folder; nothing was left behind") == true)
    }

    @Test("a lost or emptied register is an error naming the file and the way back, never a fresh register")
    func lostRegister() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        _ = try await ws.log()
        let register = ws.workspace.registerURL
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: register.path + suffix) }
        let lost = try #require(await failure(RegisterError.self) { _ = try ws.casebook() })
        #expect(lost.isMissing)
        #expect(lost.message.hasPrefix("the case register \(register.path) is missing."))
        #expect(!FileManager.default.fileExists(atPath: register.path), "never recreated")
        try Data().write(to: register)
        let emptied = try #require(await failure(RegisterError.self) { _ = try ws.workspace.register() })
        #expect(emptied.message.contains("is empty (0 bytes)"))
        #expect(try Data(contentsOf: register).isEmpty)
    }

    @Test("templates restore writes back only what is missing and keeps a team's own changes")
    func templatesRestore() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let templates = ws.workspace.templatesURL
        #expect(DefaultTemplates.missing(in: templates).isEmpty)
        let holding = templates.appending(path: DefaultTemplates.path(of: .holding))
        let acknowledgement = templates.appending(path: DefaultTemplates.path(of: .acknowledgement))
        let ours = try String(contentsOf: acknowledgement, encoding: .utf8) + "\nOur own closing line.\n"
        try Data(ours.utf8).write(to: acknowledgement)
        try FileManager.default.removeItem(at: holding)
        try FileManager.default.removeItem(at: templates.appending(path: "partials/cy"))
        let missing = DefaultTemplates.missing(in: templates)
        #expect(missing.contains("en/holding.mustache") && missing.contains("partials/cy/contact.mustache"))
        let restored = try await offPool { try DefaultTemplates.restore(into: templates) }
        #expect(restored == missing)
        #expect(DefaultTemplates.missing(in: templates).isEmpty)
        #expect(try String(contentsOf: acknowledgement, encoding: .utf8) == ours, "a changed template is kept")
        #expect(try await offPool { try DefaultTemplates.restore(into: templates) }.isEmpty)
    }

    @Test("a lost letter template or partial is named, and restoring the defaults is the way back")
    func lostTemplateNamed() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let templates = ws.workspace.templatesURL
        try FileManager.default.removeItem(at: templates.appending(path: "en/out-of-time.mustache"))
        let letter = try #require(
            await failure(WorkspaceError.self) {
                _ = try LetterDesk(casebook: ws.casebook()).prepare(
                    .outOfTime, reference: record.reference, inputs: [:])
            })
        #expect(letter.message.contains("the out-of-time letter's template"))
        #expect(letter.message.contains("Restoring the default templates writes back the default of every missing"))
        #expect(letter.code == .templatesMissing && letter.missingTemplates == ["en/out-of-time.mustache"])
        try FileManager.default.removeItem(at: templates.appending(path: "partials/en/contact.mustache"))
        let partial = try #require(await failure(WorkspaceError.self) { _ = try LetterDesk(casebook: ws.casebook()) })
        #expect(
            partial.message.contains(
                "these default templates are missing: en/out-of-time.mustache, partials/en/contact.mustache"))
        #expect(partial.missingTemplates == ["en/out-of-time.mustache", "partials/en/contact.mustache"])
    }

    @Test("the default templates load as a library with every kind of letter")
    func defaultLibrary() async throws {
        let library = try await offPool { try DefaultTemplates.library() }
        #expect(
            library.kinds.map(\.rawValue) == [
                "acknowledgement", "concern-resolution", "consent-request", "holding", "late-response", "mp-letter",
                "out-of-time", "receipt", "redirected", "redress-response", "reminder-digest", "resolution",
                "stage1-response", "update", "withdrawn",
            ])
        #expect(library.caseLetterKinds.count == 14)
        #expect(library.languages(for: .holding) == [.english, .welsh])
        #expect(try library.requiredInputs(kind: .holding) == ["reason", "newDate"])
    }
}
