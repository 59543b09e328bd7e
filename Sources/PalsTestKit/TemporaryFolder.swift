package import Foundation

/// A fresh folder under the system's temporary directory, removed with ``remove()``.
package struct TemporaryFolder: Sendable {
    /// The folder.
    package let url: URL

    /// Creates a new, empty folder whose name starts with `prefix`.
    package init(_ prefix: String = "pals-test") throws {
        let base = URL(filePath: NSTemporaryDirectory(), directoryHint: .isDirectory)
        url = base.appending(path: "\(prefix)-\(UUID().uuidString.prefix(8))", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    package func appending(_ path: String) -> URL { url.appending(path: path) }

    /// Removes the folder and everything in it.
    package func remove() { try? FileManager.default.removeItem(at: url) }
}
