import Foundation

/// The daemon's lock: `daemon.lock` in the workspace, held with flock(2) while a daemon runs, holding its pid.
///
/// A second daemon on the same workspace is refused; `pals status` tells a running daemon by the held lock,
/// so a daemon killed with SIGKILL never looks alive.
package final class DaemonLock: Sendable {
    private let descriptor: Int32
    /// The lock file's name in a workspace.
    package static let fileName = "daemon.lock"

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock or explains who holds it.
    package static func acquire(in workspace: Workspace) throws -> DaemonLock {
        let path = workspace.root.appending(path: fileName).path
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WorkspaceError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? "?"
            throw WorkspaceError(message: "a pals daemon (pid \(holder)) already runs on \(workspace.root.path)")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return DaemonLock(descriptor: fd)
    }

    /// Lets the lock go.
    package func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Tells the daemon running on a workspace, if any, that cases changed (SIGUSR1), so it acknowledges at once.
    package static func nudge(_ workspace: Workspace) {
        guard let pid = runningDaemon(in: workspace), pid > 0 else { return }
        kill(pid, SIGUSR1)
    }

    /// The pid of the daemon running on a workspace, or `nil` when none holds the lock.
    package static func runningDaemon(in workspace: Workspace) -> Int32? {
        let path = workspace.root.appending(path: fileName).path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
