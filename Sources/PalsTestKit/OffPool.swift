import Foundation

/// Runs blocking work (a child process and the wait for it) on a Dispatch thread, so a test never blocks the
/// cooperative pool that other suites' async tests need (two threads on these machines).
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

extension ProcessRunner {
    /// Runs an executable and waits for it to exit, off the cooperative pool.
    public static func runOffPool(_ executable: String, _ arguments: [String]) async throws -> ProcessResult {
        try await offPool { try run(URL(filePath: executable), arguments) }
    }
}
