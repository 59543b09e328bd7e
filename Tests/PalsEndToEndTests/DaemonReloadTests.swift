import Foundation
import PalsTestKit
import Testing

/// A running `pals daemon` whose log (standard error) goes to a file the test can read while it runs.
private final class LoggedDaemon {
    let process = Process()
    let log: URL

    init(_ ws: TestWorkspace, smtp: SMTPTestServer) throws {
        log = ws.folder.appending("daemon.log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        process.executableURL = ProcessRunner.palsBinary
        process.arguments = ["daemon", "--workspace", ws.workspace, "--interval", "0.2"]
        var environment = ProcessInfo.processInfo.environment
        for key in ["PALS_WORKSPACE", "PALS_NOW"] { environment.removeValue(forKey: key) }
        environment["PALS_SMTP_URL"] = smtp.url()
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    var text: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Sends SIGTERM if the daemon still runs, without waiting (for a `defer`, which cannot await).
    func stopWithoutWaiting() {
        if process.isRunning { signal(SIGTERM) }
    }

    /// Stops the daemon (SIGTERM) and returns its exit status; waits off the cooperative pool.
    func stop() async -> Int32 {
        if process.isRunning { signal(SIGTERM) }
        await process.waitUntilExitOffPool()
        return process.terminationStatus
    }
}

@Suite("pals daemon reloads its configuration on SIGHUP, run as a real binary with aiosmtpd", .serialized)
struct DaemonReloadTests {
    /// The acknowledgement of `reference` the server received, if any.
    func acknowledgement(_ server: SMTPTestServer, _ reference: String) throws -> ReceivedMessage? {
        try server.messages().first {
            String(decoding: $0.data, as: UTF8.self).contains("Subject: Your complaint \(reference)")
        }
    }

    func edit(_ file: URL, replacing old: String, with new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.components(separatedBy: old).count == 2, "\(old) appears once in \(file.lastPathComponent)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    @Test("SIGHUP reads pals.yaml and Templates/ again; a bad pals.yaml is refused and logged, the old one kept")
    func reloadOnHangup() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let daemon = try LoggedDaemon(ws, smtp: server)
            defer { daemon.stopWithoutWaiting() }  // a defer cannot await; the test awaits stop() itself
            let first = try await ws.logExample(email: "first@example.org")
            #expect(try await eventually { try acknowledgement(server, first) != nil }, "\(daemon.text)")
            #expect(try acknowledgement(server, first)?.mailFrom == "pals@example.org")

            // The team's From address and the acknowledgement's subject change while the daemon runs.
            let configuration = URL(filePath: ws.workspace).appending(path: "pals.yaml")
            try edit(configuration, replacing: "address: pals@example.org", with: "address: reloaded@example.org")
            let template = URL(filePath: ws.workspace).appending(path: "Templates/en/acknowledgement.mustache")
            try edit(
                template, replacing: "subject: Your complaint {{case.reference}}\n",
                with: "subject: Your complaint {{case.reference}} (reloaded)\n")
            daemon.signal(SIGHUP)
            #expect(try await eventually { daemon.text.contains("configuration reloaded") }, "\(daemon.text)")
            let second = try await ws.logExample(email: "second@example.org")
            #expect(try await eventually { try acknowledgement(server, second) != nil }, "\(daemon.text)")
            let reloaded = try #require(try acknowledgement(server, second))
            #expect(reloaded.mailFrom == "reloaded@example.org")
            #expect(
                String(decoding: reloaded.data, as: UTF8.self).contains("Subject: Your complaint \(second) (reloaded)"))

            // A broken file is refused: the error names the key, the daemon runs on with what it had.
            try edit(configuration, replacing: "address: reloaded@example.org", with: "address: not an address")
            daemon.signal(SIGHUP)
            #expect(try await eventually { daemon.text.contains("configuration not reloaded") }, "\(daemon.text)")
            let refusal = daemon.text.split(separator: "\n").first { $0.contains("configuration not reloaded") } ?? ""
            #expect(refusal.contains("mail.from.address"), "the log names the problem: \(refusal)")
            #expect(daemon.process.isRunning)
            // The file is mended without a SIGHUP (so `pals case new` can read it): the daemon still uses the
            // configuration it had before the refused reload.
            try edit(configuration, replacing: "address: not an address", with: "address: unread@example.org")
            let third = try await ws.logExample(email: "third@example.org")
            #expect(try await eventually { try acknowledgement(server, third) != nil }, "\(daemon.text)")
            #expect(
                try acknowledgement(server, third)?.mailFrom == "reloaded@example.org",
                "the configuration in force is kept")

            // So is a template that does not parse: the log names the template and its line.
            try edit(template, replacing: "{{> letterhead}}", with: "{{#letterhead}}")
            daemon.signal(SIGHUP)
            let refusals = { daemon.text.split(separator: "\n").filter { $0.contains("configuration not reloaded") } }
            #expect(try await eventually { refusals().count == 2 }, "\(daemon.text)")
            #expect(refusals().last?.contains("en/acknowledgement.mustache") == true, "\(refusals())")
            #expect(daemon.process.isRunning)

            #expect(await daemon.stop() == 0, "\(daemon.text)")
        }
    }
}
