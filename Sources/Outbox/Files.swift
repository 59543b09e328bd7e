package import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// POSIX file operations with the outbox's rules: files 0600, folders 0700, writes to a temporary name
/// then fsync then rename, folders fsynced after renames. Shared (`package`) with the Engine's workspace files.
package enum Files {
    /// The result of a rename that may lose a race.
    enum Move: Sendable {
        /// The file was moved.
        case moved
        /// The source was gone: someone else moved it first (or it never existed).
        case missing
    }

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func failure(_ action: String, _ path: String, id: String? = nil, code: Int32 = errno) -> OutboxError {
        OutboxError(.storage, id: id, path: path, reason: "could not \(action): \(errnoText(code))")
    }

    /// Makes a folder (and missing parents) with mode 0700.
    package static func makeFolder(_ path: String) throws(OutboxError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw OutboxError(.storage, path: path, reason: "expected a folder but found a file")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, parent != "/" { try makeFolder(parent) }
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw failure("create the folder", path) }
    }

    /// Writes all of `data` to an open descriptor.
    static func writeAll(_ descriptor: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Writes `data` to a new hidden temporary file in the target's folder (0600, O_EXCL) and fsyncs it;
    /// returns the temporary path. The caller renames or links it into place.
    static func writeTemporary(_ data: Data, besides path: String) throws(OutboxError) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = folder + "/.tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "-" + name
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var ok = writeAll(descriptor, data)
        let writeError = errno
        if ok, fsync(descriptor) != 0 { ok = false }
        let syncError = errno
        close(descriptor)
        guard ok else {
            unlink(temporary)
            throw failure("write", temporary, code: writeError != 0 ? writeError : syncError)
        }
        return temporary
    }

    /// Writes `data` to `path` atomically: temporary file, fsync, rename. The caller fsyncs the folder.
    package static func writeAtomically(_ data: Data, to path: String) throws(OutboxError) {
        let temporary = try writeTemporary(data, besides: path)
        guard rename(temporary, path) == 0 else {
            let error = failure("rename into place", path)
            unlink(temporary)
            throw error
        }
    }

    /// Renames `from` to `to`; a missing source is a lost race, not an error.
    static func move(_ from: String, _ to: String, id: String? = nil) throws(OutboxError) -> Move {
        if rename(from, to) == 0 { return .moved }
        if errno == ENOENT {
            // The source is gone (someone else moved it) unless the destination folder is what is missing.
            let folder = (to as NSString).deletingLastPathComponent
            if access(folder, F_OK) == 0 { return .missing }
        }
        throw failure("move to \(to)", from, id: id)
    }

    /// Writes `data` to `path` only if nothing is there: temporary file, fsync, link(2) (which fails with EEXIST).
    /// - Returns: false when `path` already exists.
    static func writeExclusively(_ data: Data, to path: String) throws(OutboxError) -> Bool {
        let temporary = try writeTemporary(data, besides: path)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw failure("create", path)
    }

    /// Removes a file; a missing file is fine.
    static func remove(_ path: String) {
        unlink(path)
    }

    /// fsyncs a folder so the renames into or out of it survive a power cut.
    package static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The file's bytes, or nil when it does not exist.
    ///
    /// Nothing in the outbox is trusted as a path (DESIGN invariant 12): a symbolic link is never followed
    /// (`O_NOFOLLOW`) and only a regular file is read (`fstat` of the open descriptor, so it cannot be swapped
    /// between the check and the read); a FIFO or device is refused without blocking (`O_NONBLOCK`).
    /// - Throws: ``OutboxError`` `unsafeFile` for a link or anything but a regular file, `storage` otherwise.
    static func read(_ path: String) throws(OutboxError) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw unsafe(path, "is a symbolic link") }
            throw failure("open", path)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("inspect", path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw unsafe(path, "is not a regular file") }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

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
    package static func checkRealFolder(_ path: String) throws(OutboxError) {
        switch kind(path) {
        case S_IFDIR?: return
        case S_IFLNK?: throw unsafe(path, "is a symbolic link where the outbox keeps a folder")
        case nil: throw OutboxError(.storage, path: path, reason: "the folder is missing")
        default: throw unsafe(path, "is not a folder")
        }
    }

    /// The names in a folder (not `.` or `..`); empty when the folder is missing.
    static func names(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

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
