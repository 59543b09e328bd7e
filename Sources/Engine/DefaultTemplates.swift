public import Foundation

/// The default letter templates shipped with pals, copied into each new workspace.
public enum DefaultTemplates {
    /// Their folder: `PALS_TEMPLATES` when set, else the copy bundled with the program.
    public static var folder: URL? {
        if let path = ProcessInfo.processInfo.environment["PALS_TEMPLATES"], !path.isEmpty {
            return URL(filePath: path, directoryHint: .isDirectory)
        }
        return Bundle.module.url(forResource: "Templates", withExtension: nil)
    }
}
