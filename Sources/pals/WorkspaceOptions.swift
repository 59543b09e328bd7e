import ArgumentParser
import Casework
import Engine
import Foundation
import Logging
import Outbox
import Primitives
import WorkingDays

/// The `--workspace` option every command shares, and what it opens.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The workspace folder (default: $PALS_WORKSPACE, else the current folder).", valueName: "dir"))
    var workspace: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The workspace folder, whether or not it is one yet.
    var folder: URL {
        Workspace.locate(
            explicit: workspace, environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Opens the workspace or fails with a message saying how to get one.
    func open() throws -> Workspace {
        try Workspace.open(at: folder, environment: environment)
    }

    /// Opens the workspace's outbox with the process clock.
    func outbox() throws -> Outbox {
        let workspace = try open()
        return try Outbox(folder: workspace.outboxURL, clock: try Clock.process(environment))
    }

    /// The workspace's postroom for a one-off command: only warnings are logged (to standard error).
    func postroom() throws -> Postroom {
        try Postroom(
            casebook: try casebook(),
            logger: Logger(label: "pals") { LineLogHandler(label: $0, format: .human, level: .warning) })
    }

    /// Opens the workspace's cases with the process clock; `readOnly` for commands that only look, which then
    /// work on a full or read-only filesystem (a notice about what cannot be seen goes to standard error).
    func casebook(readOnly: Bool = false) throws -> Casebook {
        let book = try Casebook(workspace: try open(), clock: try Clock.process(environment), readOnly: readOnly)
        if let notice = book.register.notice { warn(notice) }
        return book
    }
}

/// The clock of this process: the system's, or a fixed instant from `PALS_NOW` (for tests and rehearsals).
enum Clock {
    static func process(_ environment: [String: String]) throws -> WallClock {
        guard let raw = environment["PALS_NOW"], !raw.isEmpty else { return .system }
        guard let instant = ISO8601DateFormatter().date(from: raw) else {
            throw ValidationError("PALS_NOW '\(raw)' is not an ISO 8601 time such as 2026-11-25T09:00:00Z")
        }
        return WallClock(now: { instant })
    }
}

/// Writes JSON to standard output with a final newline.
func printJSON<T: Encodable>(_ value: T) throws {
    let data = try CaseReports.jsonEncoder().encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Writes a warning line to standard error, control characters escaped.
func warn(_ text: String) {
    FileHandle.standardError.write(Data("warning: \(text.escapingControls)\n".utf8))
}
