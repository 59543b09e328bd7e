package import Foundation

/// Runs blocking work (a child process and the wait for it) on a Dispatch thread, so a test never blocks the
/// cooperative pool that other suites' async tests need (two threads on these machines).
package func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// Runs blocking work that cannot fail on a Dispatch thread, off the cooperative pool.
package func offPoolWait<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}

extension ProcessRunner {
    /// Runs an executable and waits for it to exit, off the cooperative pool.
    package static func runOffPool(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) async throws -> ProcessResult {
        try await runOffPool(
            URL(filePath: executable), arguments, input: input, environment: environment,
            currentDirectory: currentDirectory)
    }

    /// Runs an executable and waits for it to exit, off the cooperative pool.
    package static func runOffPool(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) async throws -> ProcessResult {
        try await offPool {
            try run(executable, arguments, input: input, environment: environment, currentDirectory: currentDirectory)
        }
    }

    /// Runs `pals` and waits for it to exit, off the cooperative pool.
    package static func palsOffPool(
        _ arguments: [String], input: Data? = nil, environment: [String: String] = [:], currentDirectory: URL? = nil
    ) async throws -> ProcessResult {
        try await runOffPool(
            palsBinary, arguments, input: input, environment: environment,
            currentDirectory: currentDirectory)
    }
}

extension RunningProcess {
    /// Waits for the process to exit and returns what it printed, off the cooperative pool.
    package func waitOffPool() async -> ProcessResult {
        await offPoolWait { self.wait() }
    }
}

extension Process {
    /// Waits for the process to exit, off the cooperative pool.
    package func waitUntilExitOffPool() async {
        await offPoolWait { self.waitUntilExit() }
    }
}
