import Foundation
import PalsTestKit
import Primitives
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PrivateFilesSpecification {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = lstat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func writesFilesOnlyTheOwnerCanReadInFoldersOnlyTheOwnerCanOpen() throws {
        let root = try TemporaryFolder()
        defer { root.remove() }
        let folder = root.appending("a/b")
        try PrivateFiles.makeFolder(folder)
        try PrivateFiles.write(Data("hello".utf8), to: folder.appending(path: "note.txt"))
        #expect(mode(folder.path) == 0o700)
        #expect(mode(root.appending("a").path) == 0o700)
        #expect(mode(folder.appending(path: "note.txt").path) == 0o600)
        #expect(try PrivateFiles.read(folder.appending(path: "note.txt").path) == Data("hello".utf8))
    }

    @Test func replacesAFileWholeAndLeavesNoTemporaryBehind() throws {
        let root = try TemporaryFolder()
        defer { root.remove() }
        let path = root.appending("letter.txt").path
        try PrivateFiles.writeAtomically(Data("first".utf8), to: path)
        try PrivateFiles.writeAtomically(Data("second, longer".utf8), to: path)
        #expect(try PrivateFiles.read(path) == Data("second, longer".utf8))
        #expect(PrivateFiles.names(in: root.url.path) == ["letter.txt"])
    }

    @Test func writesExclusivelyOnlyWhereNothingIs() throws {
        let root = try TemporaryFolder()
        defer { root.remove() }
        let path = root.appending("key").path
        #expect(try PrivateFiles.writeExclusively(Data("one".utf8), to: path))
        #expect(try !PrivateFiles.writeExclusively(Data("two".utf8), to: path))
        #expect(try PrivateFiles.read(path) == Data("one".utf8))
    }

    @Test func refusesToFollowASymbolicLink() throws {
        let root = try TemporaryFolder()
        defer { root.remove() }
        let target = root.appending("target").path
        try PrivateFiles.writeAtomically(Data("secret".utf8), to: target)
        let link = root.appending("link").path
        #expect(symlink(target, link) == 0)
        #expect(PrivateFiles.kind(link) == .symbolicLink)
        let error = #expect(throws: FileError.self) { _ = try PrivateFiles.read(link) }
        #expect(error?.code == .symbolicLink)

        try PrivateFiles.makeFolder(root.appending("real"))
        #expect(symlink(root.appending("real").path, root.appending("folder-link").path) == 0)
        let folder = #expect(throws: FileError.self) {
            try PrivateFiles.checkRealFolder(root.appending("folder-link").path)
        }
        #expect(folder?.code == .symbolicLink)
        #expect(throws: Never.self) { try PrivateFiles.checkRealFolder(root.appending("real").path) }
    }

    @Test func aMissingFileIsNilAndAFailedMoveSaysWhy() throws {
        let root = try TemporaryFolder()
        defer { root.remove() }
        #expect(try PrivateFiles.read(root.appending("none").path) == nil)
        #expect(try PrivateFiles.move(root.appending("none").path, root.appending("else").path) == .missing)
        let error = #expect(throws: FileError.self) {
            try PrivateFiles.writeAtomically(Data(), to: root.appending("no/such/folder/file").path)
        }
        #expect(error?.code == .failed)
        #expect(error?.errorDescription?.contains("No such file or directory") == true)
    }

    @Test func aFileInTheWayOfAFolderIsRefused() throws {
        let root = try TemporaryFolder()
        defer { root.remove() }
        let path = root.appending("file").path
        try PrivateFiles.writeAtomically(Data(), to: path)
        let error = #expect(throws: FileError.self) { try PrivateFiles.makeFolder(path) }
        #expect(error?.code == .notAFolder)
    }
}
