package import Foundation
package import Letters
import Primitives

/// The default letter templates, carried inside pals (``files``, generated from `Templates/` by
/// `scripts/embed-templates.py`), so an installed pals needs no source tree: `pals init` writes them into each
/// new workspace, and `pals templates restore` writes back any a workspace has lost.
///
/// There is deliberately no other source of defaults (no folder beside the program, no `PALS_TEMPLATES`): a
/// team's own templates live in its workspace's `Templates/`, the only folder pals reads letters from.
package enum DefaultTemplates {
    /// One default template: its path inside `Templates/` (e.g. `en/holding.mustache`) and its text.
    package struct File: Sendable, Hashable {
        package let path: String
        package let text: String
    }

    /// Writes every default template under `folder` (created 0700, with its subfolders; files 0600).
    package static func write(to folder: URL) throws {
        try restore(into: folder)
    }

    /// Writes the default templates missing from `folder` and returns their paths; never overwrites a file.
    @discardableResult
    package static func restore(into folder: URL) throws -> [String] {
        let missing = missing(in: folder)
        try makeFolder(folder)
        for file in files where missing.contains(file.path) {
            var subfolder = folder
            for component in file.path.split(separator: "/").dropLast() {
                subfolder = subfolder.appending(path: String(component), directoryHint: .isDirectory)
                try makeFolder(subfolder)
            }
            try PrivateFiles.write(Data(file.text.utf8), to: folder.appending(path: file.path))
        }
        return missing
    }

    /// Makes a folder 0700 unless it is there; refuses a link or a file in its place (no link is followed
    /// inside a workspace).
    private static func makeFolder(_ url: URL) throws {
        var info = stat()
        if lstat(url.path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw WorkspaceError(
                    message: "\(url.path) is a link or a file, not a folder; pals follows no link in a workspace")
            }
            return
        }
        try PrivateFiles.makeFolder(url)
    }

    /// The default templates loaded as a library (written to a private temporary folder, read, removed), for
    /// what needs them outside a workspace, such as the help listing the kinds of letter.
    package static func library() throws -> LetterLibrary {
        let folder = FileManager.default.temporaryDirectory
            .appending(
                path: "pals-templates-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))",
                directoryHint: .isDirectory)
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(to: folder)
        return try LetterLibrary.load(from: folder)
    }

    /// The default templates that are not in `folder` (all of them when the folder itself is missing), sorted.
    package static func missing(in folder: URL) -> [String] {
        files.map(\.path).filter { path in
            var info = stat()
            return lstat(folder.appending(path: path).path, &info) != 0 && errno == ENOENT
        }
    }

    /// The path inside `Templates/` of the English template of `kind` (every letter has one).
    package static func path(of kind: LetterKind) -> String { "en/\(kind.rawValue).mustache" }

    /// The error for templates that do not load (`cause`) when default templates are missing from `folder`:
    /// names each lost file and that restoring the defaults writes it back; `nil` when none is missing.
    package static func missingFiles(in folder: URL, cause: any Error) -> WorkspaceError? {
        let missing = missing(in: folder)
        guard !missing.isEmpty else { return nil }
        return WorkspaceError(
            .templatesMissing, folder: folder, missingTemplates: missing,
            message: """
                the templates in \(folder.path) do not load, and these default templates are missing: \
                \(missing.joined(separator: ", ")).
                Restoring the default templates writes them back (it changes no other file). \
                The error was: \(cause.localizedDescription)
                """)
    }

    /// The error for a letter whose template pals ships but the workspace has lost, naming the file and that
    /// restoring the defaults writes it back; `nil` when the file is there or pals has no such default.
    package static func missingLetterTemplate(_ kind: LetterKind, in folder: URL) -> WorkspaceError? {
        let path = path(of: kind)
        guard files.contains(where: { $0.path == path }), missing(in: folder).contains(path) else { return nil }
        return WorkspaceError(
            .templatesMissing, folder: folder, missingTemplates: missing(in: folder),
            message: """
                the \(kind.rawValue) letter's template \(folder.appending(path: path).path) is missing.
                Restoring the default templates writes back the default of every missing template \
                (it changes no other file).
                """)
    }
}
