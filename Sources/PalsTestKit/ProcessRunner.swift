package import Foundation

/// What a finished process printed and how it exited.
package struct ProcessResult: Sendable, CustomStringConvertible {
    package let status: Int32
    package let stdout: String
    package let stderr: String

    package var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs programs (above all the real `pals` binary) and captures their output.
package enum ProcessRunner {
    /// The `pals` binary of this build: `PALS_BIN` when set, else the one beside the test bundle.
    package static var palsBinary: URL {
        if let path = ProcessInfo.processInfo.environment["PALS_BIN"], !path.isEmpty { return URL(filePath: path) }
        let testBinary = URL(filePath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the tests run from `<build>/palsPackageTests.xctest`; `pals` sits beside it.
        for _ in 0..<4 {
            let candidate = folder.appending(path: "pals")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return testBinary.deletingLastPathComponent().appending(path: "pals")
    }

    /// Runs `pals` with `arguments`, feeding `input` to standard input; waits for it to exit.
    package static func pals(
        _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws -> ProcessResult {
        try run(palsBinary, arguments, input: input, environment: environment, currentDirectory: currentDirectory)
    }

    /// How long a one-shot command may run before it is killed: a hung command fails its test instead of
    /// hanging the whole run.
    package static let commandTimeout: TimeInterval = 180

    /// Runs an executable and waits for it to exit; one still running after ``commandTimeout`` is killed
    /// (SIGKILL) and its result says so on standard error.
    package static func run(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws -> ProcessResult {
        let process = try start(executable, arguments, environment: environment, currentDirectory: currentDirectory)
        let child = process.process
        let timedOut = Flag()
        let watchdog = DispatchWorkItem {
            if child.isRunning {
                timedOut.raise()
                kill(child.processIdentifier, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + commandTimeout, execute: watchdog)
        if let input { process.stdin.write(input) }
        try? process.stdin.close()
        let result = process.wait()
        watchdog.cancel()
        guard timedOut.isRaised else { return result }
        return ProcessResult(
            status: result.status, stdout: result.stdout,
            stderr: result.stderr
                + "\n[test kit] \(executable.lastPathComponent) killed: still running after \(Int(commandTimeout)) s")
    }

    /// Starts an executable without waiting; the caller writes to its input and waits.
    package static func start(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil
    ) throws -> RunningProcess {
        try RunningProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory)
    }
}

/// A started child process whose output is collected in the background.
package final class RunningProcess: @unchecked Sendable {
    package let process = Process()
    package let stdin: FileHandle
    private let out = Pipe()
    private let err = Pipe()
    private let collected = DispatchGroup()
    private var stdoutData = Data()
    private var stderrData = Data()

    init(_ executable: URL, _ arguments: [String], environment: [String: String], currentDirectory: URL?) throws {
        let input = Pipe()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "PALS_WORKSPACE")
        merged.removeValue(forKey: "PALS_SMTP_URL")
        merged.removeValue(forKey: "PALS_NOW")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        stdin = input.fileHandleForWriting
        try process.run()
        let outReader = out.fileHandleForReading
        let errReader = err.fileHandleForReading
        collected.enter()
        DispatchQueue.global().async {
            self.stdoutData = outReader.readDataToEndOfFile()
            self.collected.leave()
        }
        collected.enter()
        DispatchQueue.global().async {
            self.stderrData = errReader.readDataToEndOfFile()
            self.collected.leave()
        }
    }

    /// Waits for the process to exit and returns what it printed.
    package func wait() -> ProcessResult {
        process.waitUntilExit()
        collected.wait()
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// A flag one thread raises and another reads.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.withLock { raised = true } }
    var isRaised: Bool { lock.withLock { raised } }
}
