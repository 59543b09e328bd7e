package import Foundation
internal import Primitives

/// A transport that writes each message as an .eml file into a folder (for previews, drop folders and tests).
///
/// Each file is written under a temporary name, flushed with fsync and renamed, so a reader never sees
/// half a message. Files are created 0600 and folders 0700.
package struct FileTransport: MailTransport {
    /// Where the .eml files go (made, with its parents, when missing).
    package let folder: URL

    /// A transport writing into `folder`.
    package init(folder: URL) {
        self.folder = folder
    }

    package func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        batch.map { message in
            do throws(FileError) {
                let name = try write(message)
                return DeliveryResult(message: message, outcome: .delivered(reply: "saved as \(name)"))
            } catch {
                return DeliveryResult(
                    message: message, outcome: .temporaryFailure(code: nil, reply: error.localizedDescription))
            }
        }
    }

    private func write(_ message: OutgoingMessage) throws(FileError) -> String {
        try PrivateFiles.makeFolder(folder.path)
        let name = "\(Self.safeStem(message.label))-\(UUID().uuidString.lowercased()).eml"
        try PrivateFiles.write(message.data, to: folder.appendingPathComponent(name))
        return name
    }

    /// The label as a file-name stem: letters, digits, `-`, `_` and `.` only, at most 64 characters.
    private static func safeStem(_ label: String?) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let cleaned = String((label ?? "").map { allowed.contains($0) ? $0 : "_" }.prefix(64))
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "message\(cleaned)" : cleaned
    }
}

extension MailTransport where Self == FileTransport {
    /// A transport that writes .eml files into `folder`.
    package static func files(in folder: URL) -> FileTransport {
        FileTransport(folder: folder)
    }
}
