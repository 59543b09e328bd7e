public import Casework
public import Foundation
import Outbox

/// A folder holding one team's pals: `pals.yaml`, `Templates/`, `Outbox/` and the case register.
public struct Workspace: Sendable {
    /// The folder.
    public let root: URL
    /// Its configuration, with environment overrides applied.
    public let configuration: WorkspaceConfiguration

    /// The configuration file's name.
    public static let configurationFileName = "pals.yaml"
    /// The register's file name.
    public static let registerFileName = "register.sqlite"

    /// The configuration file.
    public var configurationURL: URL { root.appending(path: Self.configurationFileName) }
    /// The case register.
    public var registerURL: URL { root.appending(path: Self.registerFileName) }
    /// The letter templates.
    public var templatesURL: URL { root.appending(path: "Templates", directoryHint: .isDirectory) }
    /// The outbox and sent-items archive.
    public var outboxURL: URL { root.appending(path: "Outbox", directoryHint: .isDirectory) }

    /// The folder a command works in: `--workspace`, else `PALS_WORKSPACE`, else the current folder. A relative
    /// path is taken from the current folder.
    public static func locate(explicit: String?, environment: [String: String], currentDirectory: String) -> URL {
        let path = explicit ?? environment["PALS_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? currentDirectory
        return resolve(path, currentDirectory: currentDirectory)
    }

    /// A folder named on the command line: an absolute path as it is, a relative one inside `currentDirectory`.
    public static func resolve(_ path: String, currentDirectory: String) -> URL {
        // The base must be marked a folder: without it `relativeTo:` drops its last component, and `ws`
        // run in `/home/x` would mean `/home/ws`.
        let base = URL(filePath: currentDirectory, directoryHint: .isDirectory)
        return URL(filePath: path, directoryHint: .isDirectory, relativeTo: base).standardizedFileURL
    }

    /// Opens the workspace at `root`; fails with a clear message when it is not one or its configuration is bad.
    public static func open(at root: URL, environment: [String: String]) throws -> Workspace {
        let configuration = root.appending(path: configurationFileName)
        guard FileManager.default.fileExists(atPath: configuration.path) else {
            throw WorkspaceError.notAWorkspace(root)
        }
        return Workspace(root: root, configuration: try WorkspaceConfiguration.load(from: configuration, environment: environment))
    }

    /// Opens the workspace's existing case register (read-only for commands that only look). A missing or empty
    /// register is an error naming the file and how to restore it: only `pals init` creates one.
    public func register(readOnly: Bool = false) throws -> CaseRegister {
        try CaseRegister(existing: registerURL, readOnly: readOnly)
    }

    /// Creates a workspace at `root`, all or nothing: the configuration with invented, plainly marked values,
    /// the default templates (from the copy inside pals), an empty `Outbox/` and an empty register.
    ///
    /// `root` must be a new folder (its parent must exist) or an existing empty one. Everything is made in a
    /// hidden folder first: beside `root`, then renamed into place, when `root` is new; inside `root`, then
    /// moved up with `pals.yaml` last, when `root` exists (so `pals init` works where the service user may
    /// write only its own folder). On any failure what was made is removed and `root` is as it was.
    /// - Throws: ``WorkspaceError`` when `root` is already a workspace, is not empty, is not a folder, has no
    ///   parent folder, or something cannot be written.
    public static func create(at root: URL) throws {
        try create(at: root, checkpoint: { _ in })
    }

    /// ``create(at:)`` with a hook called after each step (`Outbox`, `Templates`, the register, `pals.yaml`,
    /// then `placed <name>` for each entry moved into an existing folder): tests throw from it to prove a
    /// failure at that point leaves nothing behind.
    static func create(at root: URL, checkpoint: (String) throws -> Void) throws {
        let files = FileManager.default
        var info = stat()
        let exists: Bool
        if stat(root.path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw WorkspaceError.notAFolder(root) }
            if files.fileExists(atPath: root.appending(path: configurationFileName).path) {
                throw WorkspaceError.alreadyAWorkspace(root)
            }
            let entries: [String]
            do {
                entries = try Self.entries(of: root)
            } catch {
                throw WorkspaceError.cannotCreate(root, reason: error.localizedDescription)
            }
            guard entries.isEmpty else { throw WorkspaceError.notEmpty(root, entries: entries) }
            exists = true
        } else {
            let statError = errno
            guard statError == ENOENT else {
                throw WorkspaceError.cannotCreate(root, reason: String(cString: strerror(statError)))
            }
            let parent = root.deletingLastPathComponent()
            var parentInfo = stat()
            guard stat(parent.path, &parentInfo) == 0, parentInfo.st_mode & S_IFMT == S_IFDIR else {
                throw WorkspaceError.cannotCreate(root, reason: "its parent \(parent.path) is not an existing folder")
            }
            exists = false
        }

        let name = ".pals-init-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        let staging = (exists ? root : root.deletingLastPathComponent()).appending(path: name, directoryHint: .isDirectory)
        guard mkdir(staging.path, 0o700) == 0 else {
            let reason = String(cString: strerror(errno))
            throw WorkspaceError.cannotCreate(root, reason: "cannot create \(staging.path): \(reason)")
        }
        do {
            try PrivateFiles.makeFolder(staging.appending(path: "Outbox"))
            try checkpoint("Outbox")
            try DefaultTemplates.write(to: staging.appending(path: "Templates", directoryHint: .isDirectory))
            try checkpoint("Templates")
            do { _ = try CaseRegister(url: staging.appending(path: registerFileName)) }
            try checkpoint(registerFileName)
            try PrivateFiles.write(Data(starterConfiguration.utf8), to: staging.appending(path: configurationFileName))
            try checkpoint(configurationFileName)
        } catch {
            try? files.removeItem(at: staging)
            throw WorkspaceError.cannotCreate(root, reason: error.localizedDescription)
        }

        guard exists else {
            guard rename(staging.path, root.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? files.removeItem(at: staging)
                throw WorkspaceError.cannotCreate(root, reason: "cannot rename \(name) into place: \(reason)")
            }
            Files.syncFolder(root.deletingLastPathComponent().path)
            return
        }
        var placed: [String] = []
        do {
            // The configuration goes last: until it is there, the folder is not a workspace.
            let made = try Self.entries(of: staging)
            for name in made.filter({ $0 != configurationFileName }) + [configurationFileName] {
                guard rename(staging.appending(path: name).path, root.appending(path: name).path) == 0 else {
                    throw WorkspaceError(message: "cannot move \(name) into place: \(String(cString: strerror(errno)))")
                }
                placed.append(name)
                try checkpoint("placed \(name)")
            }
        } catch {
            for name in placed.reversed() { try? files.removeItem(at: root.appending(path: name)) }
            try? files.removeItem(at: staging)
            throw WorkspaceError.cannotCreate(root, reason: error.localizedDescription)
        }
        rmdir(staging.path)
        chmod(root.path, 0o700)
        Files.syncFolder(root.path)
    }

    /// The names in a folder (hidden ones too), without following links.
    private static func entries(of folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw WorkspaceError(message: "cannot list \(folder.path): \(error.localizedDescription)")
        }
    }
}

/// A problem with the workspace folder itself.
public struct WorkspaceError: Error, LocalizedError, Sendable {
    public let message: String
    public var errorDescription: String? { message }

    static func notAWorkspace(_ root: URL) -> Self {
        Self(
            message: """
                \(root.path) is not a pals workspace (it has no \(Workspace.configurationFileName)).
                Run the command inside a workspace, pass --workspace DIR or set PALS_WORKSPACE; `pals init DIR` creates one.
                """)
    }

    static func alreadyAWorkspace(_ root: URL) -> Self {
        Self(message: "\(root.path) is already a pals workspace; nothing was changed")
    }

    static func notEmpty(_ root: URL, entries: [String]) -> Self {
        let shown = entries.prefix(5).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
        return Self(
            message: """
                \(root.path) is not empty (it holds \(shown)) and is not a pals workspace; nothing was changed.
                `pals init` makes a workspace in a new or empty folder: name another, or empty this one first.
                """)
    }

    static func notAFolder(_ root: URL) -> Self {
        Self(message: "\(root.path) exists and is not a folder; nothing was changed")
    }

    static func cannotCreate(_ root: URL, reason: String) -> Self {
        Self(message: "cannot create the workspace \(root.path): \(reason); nothing was left behind")
    }
}

/// Files and folders only the owner can read: 0600 and 0700, written atomically (the outbox's file rules).
public enum PrivateFiles {
    /// Creates a folder (and its parents) with mode 0700; an existing folder is made 0700.
    public static func makeFolder(_ url: URL) throws {
        do {
            try Files.makeFolder(url.path)
        } catch {
            throw WorkspaceError(message: "cannot create the folder \(url.path): \(error.reason)")
        }
        chmod(url.path, 0o700)
    }

    /// Writes `data` to a temporary name beside `url`, flushes it, renames it into place (mode 0600) and
    /// flushes the folder.
    public static func write(_ data: Data, to url: URL) throws {
        do {
            try Files.writeAtomically(data, to: url.path)
        } catch {
            throw WorkspaceError(message: "cannot write \(url.path): \(error.reason)")
        }
        Files.syncFolder(url.deletingLastPathComponent().path)
    }
}
