package import Casework
package import Foundation
package import Primitives

/// A folder holding one team's pals: `pals.yaml`, `Templates/`, `Outbox/` and the case register.
package struct Workspace: Sendable {
    /// The folder.
    package let root: URL
    /// Its configuration, with environment overrides applied.
    package let configuration: WorkspaceConfiguration

    /// The configuration file's name.
    package static let configurationFileName = "pals.yaml"
    /// The register's file name.
    package static let registerFileName = "register.sqlite"

    /// The configuration file.
    package var configurationURL: URL { root.appending(path: Self.configurationFileName) }
    /// The case register.
    package var registerURL: URL { root.appending(path: Self.registerFileName) }
    /// The letter templates.
    package var templatesURL: URL { root.appending(path: "Templates", directoryHint: .isDirectory) }
    /// The outbox and sent-items archive.
    package var outboxURL: URL { root.appending(path: "Outbox", directoryHint: .isDirectory) }

    /// The folder a command works in: `--workspace`, else `PALS_WORKSPACE`, else the current folder. A relative
    /// path is taken from the current folder.
    package static func locate(explicit: String?, environment: [String: String], currentDirectory: String) -> URL {
        let path = explicit ?? environment["PALS_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? currentDirectory
        return resolve(path, currentDirectory: currentDirectory)
    }

    /// A folder named on the command line: an absolute path as it is, a relative one inside `currentDirectory`.
    package static func resolve(_ path: String, currentDirectory: String) -> URL {
        // The base must be marked a folder: without it `relativeTo:` drops its last component, and `ws`
        // run in `/home/x` would mean `/home/ws`.
        let base = URL(filePath: currentDirectory, directoryHint: .isDirectory)
        return URL(filePath: path, directoryHint: .isDirectory, relativeTo: base).standardizedFileURL
    }

    /// Opens the workspace at `root`; fails with a clear message when it is not one or its configuration is bad.
    package static func open(at root: URL, environment: [String: String]) throws -> Workspace {
        let configuration = root.appending(path: configurationFileName)
        guard FileManager.default.fileExists(atPath: configuration.path) else {
            throw WorkspaceError.notAWorkspace(root)
        }
        return Workspace(
            root: root, configuration: try WorkspaceConfiguration.load(from: configuration, environment: environment))
    }

    /// Opens the workspace's existing case register (read-only for commands that only look). A missing or empty
    /// register is an error naming the file and how to restore it: only `pals init` creates one.
    package func register(readOnly: Bool = false) throws -> CaseRegister {
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
    package static func create(at root: URL) throws {
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
        let staging = (exists ? root : root.deletingLastPathComponent()).appending(
            path: name, directoryHint: .isDirectory)
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
            PrivateFiles.syncFolder(root.deletingLastPathComponent().path)
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
        PrivateFiles.syncFolder(root.path)
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
package struct WorkspaceError: PalsError {
    /// What kind of problem this is.
    package typealias Code = ErrorCode<WorkspaceError>

    package let code: Code
    /// The workspace folder concerned, when known.
    package let folder: URL?
    /// The default templates the workspace has lost (code ``ErrorCode/templatesMissing``), paths inside
    /// `Templates/`, sorted.
    package let missingTemplates: [String]
    /// What went wrong and what to do, for the person who asked; it names no command.
    package let message: String

    /// An error of no more particular kind (code ``ErrorCode/other``).
    package init(message: String) {
        self.init(.other, folder: nil, message: message)
    }

    init(_ code: Code, folder: URL?, missingTemplates: [String] = [], message: String) {
        self.code = code
        self.folder = folder
        self.missingTemplates = missingTemplates
        self.message = message
    }

    package var errorDescription: String? { message }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] { folder.map { [("folder", $0.path)] } ?? [] }
    /// The message, but for a folder that is not empty: its entries are the names of someone's files.
    package var logReason: String? { code == .notEmpty ? "the folder is not empty" : message }

    static func notAWorkspace(_ root: URL) -> Self {
        Self(
            .notAWorkspace, folder: root,
            message: """
                \(root.path) is not a pals workspace (it has no \(Workspace.configurationFileName)).
                Work in a workspace folder, or make a new one in a new or empty folder.
                """)
    }

    static func alreadyAWorkspace(_ root: URL) -> Self {
        Self(.alreadyAWorkspace, folder: root, message: "\(root.path) is already a pals workspace; nothing was changed")
    }

    static func notEmpty(_ root: URL, entries: [String]) -> Self {
        let shown = entries.prefix(5).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
        return Self(
            .notEmpty, folder: root,
            message: """
                \(root.path) is not empty (it holds \(shown)) and is not a pals workspace; nothing was changed.
                A workspace is made in a new or empty folder: name another, or empty this one first.
                """)
    }

    static func notAFolder(_ root: URL) -> Self {
        Self(.notAFolder, folder: root, message: "\(root.path) exists and is not a folder; nothing was changed")
    }

    static func cannotCreate(_ root: URL, reason: String) -> Self {
        Self(
            .cannotCreate, folder: root,
            message: "cannot create the workspace \(root.path): \(reason); nothing was left behind")
    }
}

extension ErrorCode where Domain == WorkspaceError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// Anything else (see the message).
    package static let other = Self("workspace problem")
    /// The folder has no configuration file.
    package static let notAWorkspace = Self("not a workspace")
    /// `init` was asked for a folder that already is a workspace.
    package static let alreadyAWorkspace = Self("already a workspace")
    /// `init` was asked for a folder that holds other files.
    package static let notEmpty = Self("folder not empty")
    /// Something other than a folder is where the workspace should be.
    package static let notAFolder = Self("not a folder")
    /// The workspace could not be made; nothing was left behind.
    package static let cannotCreate = Self("workspace not created")
    /// Default templates are missing from the workspace (see ``WorkspaceError/missingTemplates``).
    package static let templatesMissing = Self("templates missing")
}
