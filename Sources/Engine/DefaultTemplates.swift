public import Foundation

/// The default letter templates shipped with pals, copied into each new workspace by `pals init`.
public enum DefaultTemplates {
    /// Their folder: `PALS_TEMPLATES` when set; else `Templates/` of the source tree the program was built in
    /// (found by walking up from the executable); else `../share/pals/Templates` beside an installed program.
    public static func folder(environment: [String: String], executable: URL) -> URL? {
        if let path = environment["PALS_TEMPLATES"], !path.isEmpty {
            return URL(filePath: path, directoryHint: .isDirectory)
        }
        let files = FileManager.default
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = folder.deletingLastPathComponent().appending(path: "share/pals/Templates")
        if files.fileExists(atPath: installed.appending(path: "en").path) { return installed }
        for _ in 0..<6 {
            let candidate = folder.appending(path: "Templates", directoryHint: .isDirectory)
            if files.fileExists(atPath: candidate.appending(path: "en").path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
