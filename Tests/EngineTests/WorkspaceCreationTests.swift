import Foundation
import PalsTestKit
import Testing

@testable import Engine

/// The source tree's `Templates/`, the folder the copy inside pals is generated from.
private let sourceTemplates = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: "Templates", directoryHint: .isDirectory)

/// Every regular file under `folder`, by path inside it.
private func filesUnder(_ folder: URL) throws -> [String: Data] {
    var found: [String: Data] = [:]
    let walker = try #require(FileManager.default.enumerator(atPath: folder.path))
    for case let path as String in walker {
        let url = folder.appending(path: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
            found[path] = try Data(contentsOf: url)
        }
    }
    return found
}

private func mode(_ url: URL) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
}

@Suite("Default templates carried inside pals")
struct DefaultTemplatesTests {
    @Test("the copy inside pals is byte for byte Templates/ (run `make templates` when this fails)")
    func copyMatchesSourceTree() throws {
        let source = try filesUnder(sourceTemplates)
        let embedded = Dictionary(uniqueKeysWithValues: DefaultTemplates.files.map { ($0.path, Data($0.text.utf8)) })
        #expect(!source.isEmpty)
        #expect(Set(embedded.keys) == Set(source.keys), "files differ: run `make templates`")
        for (path, data) in source {
            #expect(embedded[path] == data, "\(path) differs from the copy inside pals: run `make templates`")
        }
    }

    @Test("writing them makes Templates/ 0700 with 0600 files, and restore writes back only what is missing")
    func writeAndRestore() throws {
        let folder = try TemporaryFolder("templates")
        defer { folder.remove() }
        let templates = folder.appending("Templates")
        try DefaultTemplates.write(to: templates)
        #expect(try filesUnder(templates).count == DefaultTemplates.files.count)
        #expect(try mode(templates) == 0o700)
        #expect(try mode(templates.appending(path: "partials/en")) == 0o700)
        #expect(try mode(templates.appending(path: "en/holding.mustache")) == 0o600)
        #expect(DefaultTemplates.missing(in: templates).isEmpty)

        let edited = templates.appending(path: "en/acknowledgement.mustache")
        try Data("edited by the team".utf8).write(to: edited)
        try FileManager.default.removeItem(at: templates.appending(path: "cy/holding.mustache"))
        #expect(DefaultTemplates.missing(in: templates) == ["cy/holding.mustache"])
        #expect(try DefaultTemplates.restore(into: templates) == ["cy/holding.mustache"])
        #expect(try String(contentsOf: edited, encoding: .utf8) == "edited by the team", "restore never overwrites")
        #expect(DefaultTemplates.missing(in: folder.appending("nowhere")).count == DefaultTemplates.files.count)
    }

    @Test("restore refuses a link where a folder belongs, and writes nothing through it")
    func restoreFollowsNoLink() throws {
        let folder = try TemporaryFolder("templates-link")
        defer { folder.remove() }
        let outside = folder.appending("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let templates = folder.appending("Templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: templates.appending(path: "en"), withDestinationURL: outside)
        #expect(throws: WorkspaceError.self) { try DefaultTemplates.restore(into: templates) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }
}

@Suite("Workspace location and creation")
struct WorkspaceCreationTests {
    @Test(
        "a relative --workspace or PALS_WORKSPACE is inside the current folder",
        arguments: [("ws", "/home/x/ws"), ("./ws/", "/home/x/ws"), ("../y", "/home/y"), ("/srv/pals", "/srv/pals")])
    func relativePaths(path: String, expected: String) {
        let byOption = Workspace.locate(explicit: path, environment: [:], currentDirectory: "/home/x")
        let byEnvironment = Workspace.locate(
            explicit: nil, environment: ["PALS_WORKSPACE": path], currentDirectory: "/home/x")
        #expect(byOption.path == expected)
        #expect(byEnvironment.path == expected)
        #expect(Workspace.locate(explicit: nil, environment: [:], currentDirectory: "/home/x").path == "/home/x")
    }

    /// The steps of `create`, each a point where a failure must leave nothing behind.
    static let steps = ["Outbox", "Templates", Workspace.registerFileName, Workspace.configurationFileName]

    @Test("a failure at any step of init into a new folder leaves nothing behind", arguments: steps)
    func newFolderAllOrNothing(step: String) throws {
        let parent = try TemporaryFolder("create-new")
        defer { parent.remove() }
        let root = parent.appending("ws")
        #expect(throws: WorkspaceError.self) {
            try Workspace.create(at: root) { if $0 == step { throw WorkspaceError(message: "injected failure") } }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.url.path).isEmpty)
    }

    @Test(
        "a failure at any step of init into an existing empty folder leaves it empty",
        arguments: steps + ["placed Outbox", "placed Templates", "placed \(Workspace.registerFileName)"])
    func existingFolderAllOrNothing(step: String) throws {
        let root = try TemporaryFolder("create-in-place")
        defer { root.remove() }
        let error = #expect(throws: WorkspaceError.self) {
            try Workspace.create(at: root.url) { if $0 == step { throw WorkspaceError(message: "injected failure") } }
        }
        #expect(error?.message.contains("nothing was left behind") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.url.path).isEmpty)
    }

    @Test("init into an existing empty folder makes the workspace there, 0700, with nothing else left")
    func existingFolderInPlace() throws {
        let root = try TemporaryFolder("create-in-place-ok")
        defer { root.remove() }
        chmod(root.url.path, 0o755)
        try Workspace.create(at: root.url)
        let entries = Set(try FileManager.default.contentsOfDirectory(atPath: root.url.path))
        #expect(entries == ["Outbox", "Templates", Workspace.registerFileName, Workspace.configurationFileName])
        #expect(try mode(root.url) == 0o700)
        #expect(try mode(root.appending(Workspace.configurationFileName)) == 0o600)
        #expect(DefaultTemplates.missing(in: root.appending("Templates")).isEmpty)
    }
}
