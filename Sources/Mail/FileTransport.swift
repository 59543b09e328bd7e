public import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A transport that writes each message as an .eml file into a folder (for previews, drop folders and tests).
///
/// Each file is written under a temporary name, flushed with fsync and renamed, so a reader never sees
/// half a message. Files are created 0600 and folders 0700.
public struct FileTransport: MailTransport {
    /// Where the .eml files go (made, with its parents, when missing).
    public let folder: URL

    /// A transport writing into `folder`.
    public init(folder: URL) {
        self.folder = folder
    }

    public func deliver(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        batch.map { message in
            do throws(MailFileError) {
                let name = try write(message)
                return DeliveryResult(message: message, outcome: .delivered(reply: "saved as \(name)"))
            } catch {
                return DeliveryResult(
                    message: message, outcome: .temporaryFailure(code: nil, reply: error.description))
            }
        }
    }

    private func write(_ message: OutgoingMessage) throws(MailFileError) -> String {
        try Self.makeFolder(folder.path)
        let stem = Self.safeStem(message.label)
        let name = "\(stem)-\(UUID().uuidString.lowercased()).eml"
        let temporary = folder.appendingPathComponent(".\(name).tmp").path
        let final = folder.appendingPathComponent(name).path

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw MailFileError(action: "create", path: temporary) }
        var failed: MailFileError?
        message.data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = MailFileError(action: "write", path: temporary)
                    return
                }
                offset += written
            }
        }
        if failed == nil, fsync(descriptor) != 0 { failed = MailFileError(action: "fsync", path: temporary) }
        close(descriptor)
        if failed == nil, rename(temporary, final) != 0 { failed = MailFileError(action: "rename", path: final) }
        if let failed {
            unlink(temporary)
            throw failed
        }
        Self.syncFolder(folder.path)
        return name
    }

    /// Makes the folder and missing parents with mode 0700.
    private static func makeFolder(_ path: String) throws(MailFileError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeFolder(parent) }
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw MailFileError(action: "create folder", path: path) }
    }

    private static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The label as a file-name stem: letters, digits, `-`, `_` and `.` only, at most 64 characters.
    private static func safeStem(_ label: String?) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let cleaned = String((label ?? "").map { allowed.contains($0) ? $0 : "_" }.prefix(64))
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "message\(cleaned)" : cleaned
    }
}

/// A failed file operation, with the errno text.
struct MailFileError: Error, CustomStringConvertible {
    let action: String
    let path: String
    let reason: String

    init(action: String, path: String) {
        self.action = action
        self.path = path
        self.reason = String(cString: strerror(errno))
    }

    var description: String { "could not \(action) \(path): \(reason)" }
}

extension MailTransport where Self == FileTransport {
    /// A transport that writes .eml files into `folder`.
    public static func files(in folder: URL) -> FileTransport {
        FileTransport(folder: folder)
    }
}
