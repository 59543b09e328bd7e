internal import Foundation
internal import Primitives

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The outbox's file operations: ``PrivateFiles`` (0600 files, 0700 folders, temporary name then fsync then
/// rename, no link followed) with its failures told as ``OutboxError``s naming the message concerned.
enum Files {
    typealias Move = PrivateFiles.Move

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func failure(_ action: String, _ path: String, id: String? = nil, code: Int32 = errno) -> OutboxError {
        OutboxError(.storage, id: id, path: path, reason: "could not \(action): \(errnoText(code))")
    }

    /// The outbox's error for a refused or failed file operation.
    static func outboxError(_ error: FileError, id: String? = nil) -> OutboxError {
        switch error.code {
        case .failed: failure(error.action, error.path, id: id, code: error.errno)
        case .missing: OutboxError(.storage, id: id, path: error.path, reason: "the folder is missing")
        case .symbolicLink where error.action == "use the folder":
            unsafe(error.path, "is a symbolic link where the outbox keeps a folder", id: id)
        case .notAFolder where error.action == "create the folder":
            OutboxError(.storage, id: id, path: error.path, reason: "expected a folder but found a file")
        default: unsafe(error.path, error.problem, id: id)
        }
    }

    /// Makes a folder (and missing parents) with mode 0700.
    static func makeFolder(_ path: String) throws(OutboxError) {
        do { try PrivateFiles.makeFolder(path) } catch { throw outboxError(error) }
    }

    /// Writes `data` to `path` atomically: temporary file, fsync, rename. The caller fsyncs the folder.
    static func writeAtomically(_ data: Data, to path: String) throws(OutboxError) {
        do { try PrivateFiles.writeAtomically(data, to: path) } catch { throw outboxError(error) }
    }

    /// Writes `data` to a new hidden temporary file (0600) beside `path`, fsynced; returns its path.
    static func writeTemporary(_ data: Data, besides path: String) throws(OutboxError) -> String {
        do { return try PrivateFiles.writeTemporary(data, besides: path) } catch { throw outboxError(error) }
    }

    /// Renames `from` to `to`; a missing source is a lost race, not an error.
    static func move(_ from: String, _ to: String, id: String? = nil) throws(OutboxError) -> Move {
        do { return try PrivateFiles.move(from, to) } catch { throw outboxError(error, id: id) }
    }

    /// Writes `data` to `path` only if nothing is there.
    /// - Returns: false when `path` already exists.
    static func writeExclusively(_ data: Data, to path: String) throws(OutboxError) -> Bool {
        do { return try PrivateFiles.writeExclusively(data, to: path) } catch { throw outboxError(error) }
    }

    /// Removes a file; a missing file is fine.
    static func remove(_ path: String) { PrivateFiles.remove(path) }

    /// fsyncs a folder so the renames into or out of it survive a power cut.
    static func syncFolder(_ path: String) { PrivateFiles.syncFolder(path) }

    /// The file's bytes, or nil when it does not exist; a link or anything but a regular file is refused
    /// (DESIGN invariant 12).
    /// - Throws: ``OutboxError`` `unsafeFile` for a link or anything but a regular file, `storage` otherwise.
    static func read(_ path: String) throws(OutboxError) -> Data? {
        do { return try PrivateFiles.read(path) } catch { throw outboxError(error) }
    }

    static func exists(_ path: String) -> Bool { PrivateFiles.exists(path) }

    /// An `unsafeFile` error: `path` is not what the outbox writes there, so it is refused rather than followed.
    static func unsafe(_ path: String, _ what: String, id: String? = nil) -> OutboxError {
        OutboxError(
            .unsafeFile, id: id, path: path,
            reason: "\(what); the outbox never follows links or reads anything but its own regular files")
    }

    /// What is at `path` itself (a link is not followed); nil when nothing is.
    static func kind(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Throws unless `path` is a real folder (not a symbolic link to one).
    static func checkRealFolder(_ path: String) throws(OutboxError) {
        do { try PrivateFiles.checkRealFolder(path) } catch { throw outboxError(error) }
    }

    /// The names in a folder (not `.` or `..`); empty when the folder is missing.
    static func names(in folder: String) -> [String] { PrivateFiles.names(in: folder) }

    /// The ids of the messages in a folder: the stems of its visible `.eml` files.
    static func messageIDs(in folder: String) -> [String] {
        names(in: folder).compactMap { name in
            guard !name.hasPrefix("."), name.hasSuffix(".eml") else { return nil }
            return String(name.dropLast(4))
        }
    }

    /// The host name, made safe for a Maildir unique name (`/` and `:` escaped as Maildir says).
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : "localhost"
        return name.isEmpty
            ? "localhost"
            : name.replacingOccurrences(of: "/", with: "\\057")
                .replacingOccurrences(of: ":", with: "\\072")
    }()
}

/// An exclusive advisory lock (flock) held for as long as this object lives; released by the kernel if the
/// process dies, which is how a sender's in-flight folder is known to be abandoned.
final class FileLock: Sendable {
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Creates (if needed) and locks `path`; nil when another process (or open file) holds the lock.
    static func tryLock(_ path: String, create: Bool) throws(OutboxError) -> FileLock? {
        let descriptor = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0o600)
        guard descriptor >= 0 else {
            if errno == ENOENT, !create { return nil }
            throw Files.failure("open the lock", path)
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        return FileLock(path: path, descriptor: descriptor)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Failures injected into the outbox's own writes and renames, so tests can see what it does when the disk is full
/// or a folder cannot be written (tests run as root, whom file modes do not stop).
package struct FileFaults: Sendable {
    /// What the outbox is about to do.
    package enum Step: Sendable, Hashable {
        /// Write a file atomically (the path is the file written).
        case write
        /// Rename a file (the path is the destination).
        case move
    }

    /// Returns an errno to fail the step with, or nil to let it happen.
    let fail: @Sendable (Step, String) -> Int32?

    /// Faults chosen by `fail`, which returns an errno (such as `ENOSPC`) to make a step fail.
    package init(_ fail: @escaping @Sendable (Step, String) -> Int32?) {
        self.fail = fail
    }

    /// No fault: every step is done.
    package static let none = FileFaults { _, _ in nil }
}

extension Outbox {
    /// ``Files/writeAtomically(_:to:)``, unless a test injected a fault for it.
    func write(_ data: Data, to path: String, id: String? = nil) throws(OutboxError) {
        if let code = faults.fail(.write, path) { throw Files.failure("write", path, id: id, code: code) }
        try Files.writeAtomically(data, to: path)
    }

    /// ``Files/move(_:_:id:)``, unless a test injected a fault for it.
    func move(_ from: String, _ to: String, id: String? = nil) throws(OutboxError) -> Files.Move {
        if let code = faults.fail(.move, to) { throw Files.failure("move to \(to)", from, id: id, code: code) }
        return try Files.move(from, to, id: id)
    }
}
