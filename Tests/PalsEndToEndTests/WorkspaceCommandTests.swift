import Foundation
import PalsTestKit
import Testing

/// The names in a folder, sorted (hidden ones too).
private func entries(_ url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
}

private func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

/// A copy of the built `pals` alone in a fresh folder, as `make install` leaves it: no source tree, no
/// resource bundle beside it.
private struct InstalledCopy {
    let folder: TemporaryFolder
    let binary: URL

    init() throws {
        folder = try TemporaryFolder("installed")
        chmod(folder.url.path, 0o755)
        let bin = folder.appending("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        binary = bin.appending(path: "pals")
        // A hard link, not a copy: a copy holds the new file open for writing, and a child process another test
        // forks at that moment inherits that descriptor, so executing the copy fails with ETXTBSY ("Text file
        // busy", exit 126) until the child execs. A link opens nothing. A copy only if linking is impossible.
        if link(ProcessRunner.palsBinary.path, binary.path) != 0 {
            try FileManager.default.copyItem(at: ProcessRunner.palsBinary, to: binary)
            chmod(binary.path, 0o755)
        }
    }
}

@Suite("Workspaces and installation, run as a real binary", .serialized)
struct WorkspaceCommandTests {
    @Test("a relative --workspace or PALS_WORKSPACE means the folder inside the current one")
    func relativeWorkspace() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let byOption = try await ProcessRunner.palsOffPool(
            ["case", "list", "--workspace", "ws"], currentDirectory: ws.folder.url)
        #expect(byOption.status == 0, "\(byOption)")
        let byEnvironment = try await ProcessRunner.palsOffPool(
            ["config", "check"], environment: ["PALS_WORKSPACE": "ws"], currentDirectory: ws.folder.url)
        #expect(byEnvironment.status == 0, "\(byEnvironment)")
        #expect(byEnvironment.stdout.contains("\(ws.workspace)/pals.yaml: OK"))
        let made = try await ProcessRunner.palsOffPool(["init", "second"], currentDirectory: ws.folder.url)
        #expect(made.status == 0, "\(made)")
        #expect(FileManager.default.fileExists(atPath: ws.folder.appending("second/pals.yaml").path))
    }

    @Test("the pals binary alone, with no source tree, makes a workspace, checks its templates and computes deadlines")
    func binaryAlone() async throws {
        let copy = try InstalledCopy()
        defer { copy.folder.remove() }
        let elsewhere = copy.folder.appending("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let made = try await ProcessRunner.runOffPool(copy.binary, ["init", "ws"], currentDirectory: elsewhere)
        #expect(made.status == 0, "\(made)")
        let ws = elsewhere.appending(path: "ws")
        let check = try await ProcessRunner.runOffPool(
            copy.binary, ["templates", "check", "--workspace", ws.path], currentDirectory: elsewhere)
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("the templates are clean"))
        // Christmas 2021 fell on a weekend: the substitute bank holidays come from the data inside the binary.
        let calc = try await ProcessRunner.runOffPool(
            copy.binary, ["deadlines", "calc", "--profile", "england", "--received", "2021-12-23", "--json"],
            currentDirectory: elsewhere)
        #expect(calc.status == 0, "\(calc)")
        #expect(
            calc.stdout.contains(#""acknowledgeBy" : "2021-12-30""#)
                || calc.stdout.contains(#""acknowledgeBy":"2021-12-30""#), "\(calc)")
        let binary = try Data(contentsOf: copy.binary)
        #expect(binary.range(of: Data("pals_WorkingDays.resources".utf8)) == nil, "no resource bundle is looked up")

        // README: "Files pals creates are 0600 and folders 0700", templates included.
        let templates = ws.appending(path: "Templates")
        #expect(try mode(templates.path) == 0o700)
        let walker = try #require(FileManager.default.enumerator(atPath: templates.path))
        var count = 0
        for case let path as String in walker {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: templates.appending(path: path).path, isDirectory: &isFolder)
            #expect(try mode(templates.appending(path: path).path) == (isFolder.boolValue ? 0o700 : 0o600), "\(path)")
            count += 1
        }
        #expect(count > 20)
    }

    @Test(
        "make install puts pals and its unit under DESTDIR and PREFIX, the unit's paths following PREFIX",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/make")))
    func makeInstall() async throws {
        let stage = try TemporaryFolder("destdir")
        defer { stage.remove() }
        let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let result = try await ProcessRunner.runOffPool(
            URL(filePath: "/usr/bin/make"),
            [
                "-s", "install", "DESTDIR=\(stage.url.path)", "PREFIX=/opt/pals",
                "PALS_BINARY=\(ProcessRunner.palsBinary.path)",
            ],
            currentDirectory: packageRoot)
        #expect(result.status == 0, "\(result)")
        let binary = stage.appending("opt/pals/bin/pals")
        #expect(try mode(binary.path) == 0o755)
        let unit = try String(contentsOf: stage.appending("opt/pals/lib/systemd/system/pals.service"), encoding: .utf8)
        #expect(unit.contains("\nExecStart=/opt/pals/bin/pals daemon --log-format json\n"))
        #expect(unit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"))
        #expect(!unit.contains("/usr/local"), "every path follows PREFIX")
        #expect(FileManager.default.fileExists(atPath: stage.appending("opt/pals/share/doc/pals/README.md").path))
        let runs = try await ProcessRunner.runOffPool(
            binary, ["deadlines", "calc", "--profile", "wales", "--received", "2025-08-31"])
        #expect(runs.status == 0, "\(runs)")
    }

    @Test(
        "the README's systemd steps: the service user runs init in the empty folder root made for it",
        .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func initAsServiceUser() async throws {
        let copy = try InstalledCopy()
        defer { copy.folder.remove() }
        let home = copy.folder.appending("var-lib-pals")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        chown(home.path, 65534, 65534)
        chmod(home.path, 0o700)
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", copy.binary.path]
        let made = try await ProcessRunner.runOffPool(
            URL(filePath: "/usr/bin/setpriv"), asNobody + ["init", home.path], currentDirectory: copy.folder.url)
        #expect(made.status == 0, "\(made)")
        let check = try await ProcessRunner.runOffPool(
            URL(filePath: "/usr/bin/setpriv"), asNobody + ["templates", "check"],
            environment: ["PALS_WORKSPACE": home.path],
            currentDirectory: copy.folder.url)
        #expect(check.status == 0, "\(check)")
        #expect(try entries(home) == ["Outbox", "Templates", "pals.yaml", "register.sqlite"])
    }

    @Test("init is all or nothing: a bad target leaves nothing, a half-made or non-empty folder is refused untouched")
    func initAllOrNothing() async throws {
        let folder = try TemporaryFolder("init-refusals")
        defer { folder.remove() }
        let file = folder.appending("a-file")
        try Data("not a folder".utf8).write(to: file)

        let underFile = try await ProcessRunner.palsOffPool(["init", file.appending(path: "ws").path])
        #expect(underFile.status != 0)
        #expect(underFile.stderr.contains("nothing was"), "\(underFile)")
        #expect(try entries(folder.url) == ["a-file"], "nothing made beside the target either")
        #expect(try String(contentsOf: file, encoding: .utf8) == "not a folder")

        // What the old init left behind when it failed half-way: Outbox/ and an empty Templates/, no pals.yaml.
        let halfMade = folder.appending("half-made")
        for name in ["Outbox", "Templates"] {
            try FileManager.default.createDirectory(
                at: halfMade.appending(path: name), withIntermediateDirectories: true)
        }
        let again = try await ProcessRunner.palsOffPool(["init", halfMade.path])
        #expect(again.status != 0, "\(again)")
        #expect(again.stderr.contains("is not empty"), "\(again)")
        #expect(try entries(halfMade) == ["Outbox", "Templates"])
        #expect(try entries(halfMade.appending(path: "Templates")).isEmpty)

        let made = try await ProcessRunner.palsOffPool(["init", folder.appending("ws").path])
        #expect(made.status == 0, "\(made)")
        #expect(try entries(folder.url) == ["a-file", "half-made", "ws"], "no temporary folder left beside it")
        let twice = try await ProcessRunner.palsOffPool(["init", folder.appending("ws").path])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("already a pals workspace"))

        let empty = folder.appending("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let inPlace = try await ProcessRunner.palsOffPool(["init", empty.path])
        #expect(inPlace.status == 0, "\(inPlace)")
        #expect(try entries(empty) == ["Outbox", "Templates", "pals.yaml", "register.sqlite"])
    }

    @Test("a missing template is named by templates check and by the letter that needs it; restore writes it back")
    func missingTemplates() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let holding = URL(filePath: ws.workspace).appending(path: "Templates/en/holding.mustache")
        try FileManager.default.removeItem(at: holding)

        let check = try await ws.pals(["templates", "check"])
        #expect(check.status != 0, "\(check)")
        #expect(check.stderr.contains("en/holding.mustache: missing"), "\(check)")
        #expect(!check.stdout.contains("clean"))

        let letter = try await ws.pals([
            "preview", "holding", reference, "--set", "reason=Waiting for a statement", "--set", "newDate=2027-03-01",
        ])
        #expect(letter.status != 0, "\(letter)")
        #expect(letter.stderr.contains(holding.path), "\(letter)")
        #expect(letter.stderr.contains("pals templates restore"))

        let emptyFolder = ws.folder.appending("empty-templates")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        let empty = try await ws.pals(["templates", "check", "--folder", emptyFolder.path])
        #expect(empty.status != 0, "an empty folder is not clean: \(empty)")
        #expect(empty.stderr.contains("en/acknowledgement.mustache: missing"))

        let restore = try await ws.pals(["templates", "restore"])
        #expect(restore.status == 0, "\(restore)")
        #expect(restore.stdout.contains("restored en/holding.mustache"))
        #expect(try mode(holding.path) == 0o600)
        #expect(try await ws.pals(["templates", "check"]).status == 0)
        #expect(
            try await ws.pals([
                "preview", "holding", reference, "--set", "reason=Waiting for a statement", "--set",
                "newDate=2027-03-01",
            ]).status == 0)
    }
}
