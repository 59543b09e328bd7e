import Foundation
import Mail
import Outbox
import PalsTestKit
import Primitives
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A clock for tests that stays where it is put.
final class TestClock: Sendable {
    private let instant: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_767_261_600)) {  // 2026-01-01 10:00 UTC
        instant = Mutex(start)
    }

    var now: Date { instant.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        instant.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    func set(_ date: Date) {
        instant.withLock { $0 = date }
    }

    var outboxClock: WallClock { WallClock { self.now } }
}

/// Collects the observer's events.
final class EventLog: Sendable {
    private let events = Mutex<[OutboxEvent]>([])

    var all: [OutboxEvent] { events.withLock { $0 } }

    var observer: OutboxObserver {
        { event in self.events.withLock { $0.append(event) } }
    }
}

/// A fresh temporary folder, removed when the test ends.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("outbox-tests-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// A small test message to `to`, with a Message-ID of `<messageID@pals.test>`.
func testMessage(
    to: String = "patient@example.org", messageID: String = UUID().uuidString.lowercased(),
    subject: String = "PALS-2026-0042"
) throws -> OutgoingMessage {
    let message = MailMessage(
        from: try Mailbox(displayName: "PALS team", address: "pals@trust.example"),
        to: [try Mailbox(address: to)], subject: subject, text: "Dear Ms Example,\nThank you for your message.\n")
    let composed = try message.composed(
        date: Date(timeIntervalSince1970: 1_767_261_600),
        messageID: .custom { messageID.replacingOccurrences(of: "-", with: "") })
    return composed.outgoing()[0]
}

/// The mode bits of a file or folder.
func mode(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { return -1 }
    return Int(info.st_mode & 0o777)
}

/// Polls `condition` until it holds or `timeout` passes.
func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The repository's Tests/ folder (through the symlinks of a scratch package too).
let testsFolder: URL = {
    let here = URL(fileURLWithPath: #filePath)
    for candidate in [here, here.resolvingSymlinksInPath()] {
        let tests = candidate.deletingLastPathComponent().deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: tests.appendingPathComponent("Support/smtp_server.py").path) {
            return tests
        }
    }
    return here.deletingLastPathComponent().deletingLastPathComponent()
}()

/// The built products folder (where `OutboxStress` is).
let productsFolder: URL = {
    if let path = ProcessInfo.processInfo.environment["PALS_PRODUCTS_DIR"] { return URL(fileURLWithPath: path) }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    // On macOS the test bundle is .../debug/X.xctest/Contents/MacOS/X.
    while url.path.contains(".xctest") { url.deleteLastPathComponent() }
    return url
}()

/// The OutboxStress executable.
func stressExecutable() throws -> URL {
    let url = productsFolder.appendingPathComponent("OutboxStress")
    try #require(
        FileManager.default.isExecutableFile(atPath: url.path),
        "OutboxStress was not built next to the tests (\(url.path)); run `swift build` first")
    return url
}

/// Runs a program to completion and returns its exit status and standard output.
func run(_ executable: URL, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> (Int32, String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output  // a failure says why in the test's message
    try process.run()
    let finished = await waitUntil(timeout: timeout) { !process.isRunning }
    if !finished {
        process.terminate()
        Issue.record("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish in \(timeout)")
    }
    await process.waitUntilExitOffPool()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, text)
}

/// The shared aiosmtpd test server, started in a test's folder.
typealias SMTPServer = SMTPTestServer

extension SMTPTestServer {
    /// Starts the server with extra script options (it keeps its own folder; `folder` is for symmetry with the tests).
    static func start(in folder: URL, options: [String] = []) async throws -> SMTPTestServer {
        try await SMTPTestServer(options)
    }
}

/// A test failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
