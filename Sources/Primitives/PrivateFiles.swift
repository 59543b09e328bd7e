package import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Files and folders only their owner can read, written so a crash never leaves half a file: files 0600, folders
/// 0700, each write to a hidden temporary name, then fsync, then rename (or link) into place, and folders fsynced
/// after renames. Nothing here follows a symbolic link it reads or checks (DESIGN invariants 8 and 12).
///
/// The outbox, the workspace, the print queue and the file transport all write through it; each maps
/// ``FileError`` to its own error where it needs to.
package enum PrivateFiles {
    /// The result of a rename that may lose a race.
    package enum Move: Sendable {
        /// The file was moved.
        case moved
        /// The source was gone: someone else moved it first (or it never existed).
        case missing
    }

    /// What is at a path, seen without following a link.
    package enum Kind: Sendable, Hashable {
        case file, folder, symbolicLink, other
    }

    // MARK: Folders

    /// Makes a folder (and missing parents) with mode 0700; an existing folder is left as it is.
    /// - Throws: ``FileError`` `notAFolder` when a file is in the way, `failed` when the folder cannot be made.
    package static func makeFolder(_ path: String) throws(FileError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw FileError(.notAFolder, "create the folder", path) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, parent != "/" { try makeFolder(parent) }
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw FileError(errno: errno, "create the folder", path) }
    }

    /// Makes a folder (and missing parents), and makes it 0700 even when it was already there.
    package static func makeFolder(_ url: URL) throws(FileError) {
        try makeFolder(url.path)
        chmod(url.path, 0o700)
    }

    /// fsyncs a folder so the renames into or out of it survive a power cut. Best effort: a folder that cannot be
    /// opened has nothing of ours to flush.
    package static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// Throws unless `path` is a real folder (not a symbolic link to one).
    package static func checkRealFolder(_ path: String) throws(FileError) {
        switch kind(path) {
        case .folder?: return
        case .symbolicLink?: throw FileError(.symbolicLink, "use the folder", path)
        case nil: throw FileError(.missing, "use the folder", path)
        default: throw FileError(.notAFolder, "use the folder", path)
        }
    }

    /// The names in a folder (not `.` or `..`); empty when the folder is missing.
    package static func names(in folder: String) -> [String] {
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

    // MARK: Files

    /// Writes `data` to `path` atomically: temporary file (0600), fsync, rename. The caller fsyncs the folder.
    package static func writeAtomically(_ data: Data, to path: String) throws(FileError) {
        let temporary = try writeTemporary(data, besides: path)
        guard rename(temporary, path) == 0 else {
            let error = FileError(errno: errno, "rename into place", path)
            unlink(temporary)
            throw error
        }
    }

    /// Writes `data` to `url` atomically and fsyncs its folder: the file is whole and 0600 once this returns.
    package static func write(_ data: Data, to url: URL) throws(FileError) {
        try writeAtomically(data, to: url.path)
        syncFolder(url.deletingLastPathComponent().path)
    }

    /// Writes `data` to `path` only if nothing is there: temporary file, fsync, link(2) (which fails with EEXIST).
    /// - Returns: false when `path` already exists.
    package static func writeExclusively(_ data: Data, to path: String) throws(FileError) -> Bool {
        let temporary = try writeTemporary(data, besides: path)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw FileError(errno: errno, "create", path)
    }

    /// Writes `data` to a new hidden temporary file in the target's folder (0600, O_EXCL) and fsyncs it;
    /// returns the temporary path. The caller renames or links it into place.
    package static func writeTemporary(_ data: Data, besides path: String) throws(FileError) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = folder + "/.tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "-" + name
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(errno: errno, "create", temporary) }
        var failure: Int32 = 0
        if !writeAll(descriptor, data) {
            failure = errno
        } else if fsync(descriptor) != 0 {
            failure = errno
        }
        close(descriptor)
        guard failure == 0 else {
            unlink(temporary)
            throw FileError(errno: failure, "write", temporary)
        }
        return temporary
    }

    /// Renames `from` to `to`; a missing source is a lost race, not an error.
    package static func move(_ from: String, _ to: String) throws(FileError) -> Move {
        if rename(from, to) == 0 { return .moved }
        if errno == ENOENT {
            // The source is gone (someone else moved it) unless the destination folder is what is missing.
            let folder = (to as NSString).deletingLastPathComponent
            if access(folder, F_OK) == 0 { return .missing }
        }
        throw FileError(errno: errno, "move to \(to)", from)
    }

    /// Removes a file; a missing file is fine (the caller wanted it gone), and so is a failure it cannot act on:
    /// removals here tidy up after a write that already succeeded or already failed with its own error.
    package static func remove(_ path: String) {
        unlink(path)
    }

    /// The file's bytes, or nil when it does not exist.
    ///
    /// A symbolic link is never followed (`O_NOFOLLOW`) and only a regular file is read (`fstat` of the open
    /// descriptor, so it cannot be swapped between the check and the read); a FIFO or device is refused without
    /// blocking (`O_NONBLOCK`).
    /// - Throws: ``FileError`` `symbolicLink` or `notARegularFile`, or `failed` with the errno.
    package static func read(_ path: String) throws(FileError) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw FileError(.symbolicLink, "open", path) }
            throw FileError(errno: errno, "open", path)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileError(errno: errno, "inspect", path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileError(.notARegularFile, "open", path) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(errno: errno, "read", path)
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    /// Whether anything is at `path` (a dangling link counts as nothing).
    package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// What is at `path` itself (a link is not followed); nil when nothing is.
    package static func kind(_ path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// Writes all of `data` to an open descriptor; false (with `errno` set) when a write fails.
    package static func writeAll(_ descriptor: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(descriptor, buffer, count)
        #else
            Darwin.write(descriptor, buffer, count)
        #endif
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, buffer, count)
        #else
            Darwin.read(descriptor, buffer, count)
        #endif
    }
}

/// A file operation of ``PrivateFiles`` that failed or was refused: what was being done, where, and why.
package struct FileError: PalsError, Hashable {
    /// What went wrong.
    package let code: ErrorCode<FileError>
    /// What was being done, e.g. `write` or `create the folder`.
    package let action: String
    /// The file or folder concerned.
    package let path: String
    /// The errno of a `failed` operation (0 otherwise).
    package let errno: Int32

    package init(_ code: ErrorCode<FileError>, _ action: String, _ path: String) {
        self.code = code
        self.action = action
        self.path = path
        self.errno = 0
    }

    package init(errno: Int32, _ action: String, _ path: String) {
        self.code = .failed
        self.action = action
        self.path = path
        self.errno = errno
    }

    /// The system's words for ``errno``, e.g. `No space left on device`.
    package var systemReason: String { String(cString: strerror(errno)) }

    /// What is wrong, without the path: `could not write: No space left on device`, `is a symbolic link`.
    package var problem: String {
        switch code {
        case .symbolicLink: "is a symbolic link"
        case .notARegularFile: "is not a regular file"
        case .notAFolder: "is not a folder"
        case .missing: "is missing"
        default: "could not \(action): \(systemReason)"
        }
    }

    package var logContext: [(name: String, value: String)] { [("path", path)] }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { problem }

    /// E.g. `could not create the folder /srv/pals/Outbox: Permission denied`, or `…: it is a symbolic link`.
    package var errorDescription: String? {
        "could not \(action) \(path): " + (code == .failed ? systemReason : "it \(problem)")
    }
}

extension ErrorCode where Domain == FileError {
    /// A system call failed; see ``FileError/errno``.
    package static let failed = Self("file operation failed")
    /// A symbolic link was found where a file or folder was expected; it is never followed.
    package static let symbolicLink = Self("symbolic link refused")
    /// Something other than a regular file (a FIFO, a device, a folder) was found where a file was expected.
    package static let notARegularFile = Self("not a regular file")
    /// Something other than a folder was found where a folder was expected.
    package static let notAFolder = Self("not a folder")
    /// The folder is not there.
    package static let missing = Self("missing")
}
