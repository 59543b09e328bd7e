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

    /// The folder a command works in: `--workspace`, else `PALS_WORKSPACE`, else the current folder.
    public static func locate(explicit: String?, environment: [String: String], currentDirectory: String) -> URL {
        let path = explicit ?? environment["PALS_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? currentDirectory
        return URL(filePath: path, directoryHint: .isDirectory, relativeTo: URL(filePath: currentDirectory))
            .standardizedFileURL
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

    /// Creates a workspace at `root`: the configuration with invented, plainly marked values, the default
    /// templates, an empty `Outbox/` and register. Refuses a folder that already holds a workspace.
    public static func create(at root: URL, templates: URL?) throws {
        let files = FileManager.default
        let configuration = root.appending(path: configurationFileName)
        if files.fileExists(atPath: configuration.path) { throw WorkspaceError.alreadyAWorkspace(root) }
        try PrivateFiles.makeFolder(root)
        try PrivateFiles.makeFolder(root.appending(path: "Outbox"))
        let templatesFolder = root.appending(path: "Templates")
        if let templates, !files.fileExists(atPath: templatesFolder.path) {
            try files.copyItem(at: templates, to: templatesFolder)
        } else if templates == nil {
            try PrivateFiles.makeFolder(templatesFolder)
        }
        try PrivateFiles.write(Data(starterConfiguration.utf8), to: configuration)
        _ = try CaseRegister(url: root.appending(path: registerFileName))
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
