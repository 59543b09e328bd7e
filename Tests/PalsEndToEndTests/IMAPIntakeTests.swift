import Casework
import Foundation
import PalsTestKit
import Testing

/// A workspace made by the real `pals init` whose `intake.mailbox` points at a Dovecot test server.
private struct MailboxWorkspace {
    let ws: TestWorkspace
    let server: DovecotTestServer
    let passwordFile: URL

    static func start(password: String? = nil) async throws -> MailboxWorkspace {
        let ws = try await TestWorkspace()
        let server = try await DovecotTestServer.start()
        let passwordFile = ws.folder.appending("imap-password")
        try "\(password ?? server.password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile.path, 0o600)
        let yaml = URL(filePath: ws.workspace).appending(path: "pals.yaml")
        let handle = try FileHandle(forWritingTo: yaml)
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                """

                intake:
                  mailbox:
                    url: \(server.url())
                    username: \(server.username)
                    passwordFile: \(passwordFile.path)
                    interval: 10

                """.utf8))
        try handle.close()
        return MailboxWorkspace(ws: ws, server: server, passwordFile: passwordFile)
    }

    /// The ledger, read straight from the workspace's register.
    func ledger() throws -> InboundLedger {
        let root = URL(filePath: ws.workspace)
        return InboundLedger(
            register: try CaseRegister(existing: root.appending(path: "register.sqlite"), readOnly: false),
            workspaceRoot: root)
    }

    func stop() async {
        await server.stop()
        ws.folder.remove()
    }
}

@Suite("pals intake poll and pals imap check, run as a real binary", .serialized)
struct IMAPIntakeCommandTests {
    @Test("intake poll takes each message once, and imap check and config check pass")
    func pollTwice() async throws {
        let setup = try await MailboxWorkspace.start()
        defer { Task { await setup.stop() } }
        for number in 1...3 { try setup.server.deliver(DovecotTestServer.message(id: "e2e-\(number)@example.org")) }
        let check = try await setup.ws.pals(["imap", "check"])
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("3 messages"))
        let config = try await setup.ws.pals(["config", "check"])
        #expect(!config.stdout.contains("intake.mailbox") && !config.stderr.contains("intake.mailbox"), "\(config)")
        let first = try await setup.ws.pals(["intake", "poll"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("Taken 3"))
        let second = try await setup.ws.pals(["intake", "poll"])
        #expect(second.stdout.contains("Taken 0"), "\(second)")
        #expect(try setup.ledger().allInbound().count == 3)
    }

    @Test("a wrong password: both commands fail saying what to check, and no output holds the password")
    func wrongPassword() async throws {
        let wrong = "Typ0-in-the-Passw0rd"
        let setup = try await MailboxWorkspace.start(password: wrong)
        defer { Task { await setup.stop() } }
        try setup.server.deliver(DovecotTestServer.message(id: "pw@example.org"))
        for command in [["imap", "check"], ["intake", "poll"]] {
            let result = try await setup.ws.pals(command)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.contains("refused the login"), "\(result)")
            for secret in [wrong, setup.server.password, Data(wrong.utf8).base64EncodedString()] {
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(command)")
            }
        }
        #expect(setup.server.seenCount() == 0)
    }

    @Test("a password file others can read is refused by config check")
    func passwordFileMode() async throws {
        let setup = try await MailboxWorkspace.start()
        defer { Task { await setup.stop() } }
        chmod(setup.passwordFile.path, 0o644)
        let result = try await setup.ws.pals(["config", "check"])
        #expect(result.status != 0)
        #expect((result.stdout + result.stderr).contains("intake.mailbox.passwordFile"))
    }
}

/// Invariant 14 under SIGKILL: `pals intake poll` killed at random moments, over many rounds, with mail arriving
/// between them; at the end every message is in the ledger exactly once, byte for byte, and marked on the server.
@Suite("Crash safety: intake poll killed at random moments", .serialized)
struct IMAPCrashTests {
    /// How many times the poller is killed: `PALS_IMAP_CRASH_KILLS` (default 25); then it runs to the end.
    static let maxKills = Int(ProcessInfo.processInfo.environment["PALS_IMAP_CRASH_KILLS"] ?? "") ?? 25

    @Test("SIGKILL mid-poll loses nothing and takes nothing twice")
    func killedPoller() async throws {
        let setup = try await MailboxWorkspace.start()
        defer { Task { await setup.stop() } }
        var delivered: [String: Data] = [:]
        func deliver(_ count: Int) throws {
            for _ in 0..<count {
                let id = "crash-\(delivered.count)@example.org"
                // Some weight, so a poll takes long enough to be killed in the middle.
                let body = String(repeating: "Invented complaint text, line \(delivered.count).\r\n", count: 200)
                let message = DovecotTestServer.message(id: id, body: body)
                try setup.server.deliver(message)
                delivered["<\(id)>"] = message
            }
        }
        try deliver(40)
        var kills = 0
        var rounds = 0
        let deadline = ContinuousClock.now + .seconds(600)
        while true {
            try #require(ContinuousClock.now < deadline, "the poller did not finish in time")
            rounds += 1
            if rounds % 4 == 0 { try deliver(5) }
            var environment = ProcessInfo.processInfo.environment
            environment["PALS_NOW"] = "2026-11-25T09:00:00Z"
            let process = try ProcessRunner.start(
                ProcessRunner.palsBinary, ["intake", "poll", "--workspace", setup.ws.workspace],
                environment: environment)
            if kills < Self.maxKills {
                let delay = Int.random(in: 5...200)
                let stop = ContinuousClock.now + .milliseconds(delay)
                while process.process.isRunning, ContinuousClock.now < stop {
                    try await Task.sleep(for: .milliseconds(2))
                }
                if process.process.isRunning {
                    kill(process.process.processIdentifier, SIGKILL)
                    _ = await process.waitOffPool()
                    kills += 1
                    continue
                }
            }
            let result = await process.waitOffPool()
            #expect(result.status == 0, "round \(rounds): \(result)")
            if kills >= Self.maxKills { break }
        }
        let rows = try setup.ledger().allInbound()
        #expect(rows.count == delivered.count, "rows \(rows.count), delivered \(delivered.count), kills \(kills)")
        var seen: [String: Int] = [:]
        for row in rows {
            let id = try #require(row.messageID)
            seen[id, default: 0] += 1
            #expect(try row.rawBytes() == delivered[id], "\(id) kept differently")
        }
        #expect(seen.values.allSatisfy { $0 == 1 })
        #expect(Set(seen.keys) == Set(delivered.keys))
        #expect(setup.server.seenCount() == delivered.count)
        #expect(kills > 0)
        // No half-written files are left where messages are kept.
        let inbox = URL(filePath: setup.ws.workspace).appending(path: "Inbox")
        let kept = FileManager.default.enumerator(atPath: inbox.path)?.allObjects as? [String] ?? []
        #expect(kept.filter { $0.hasSuffix(".eml") }.count >= delivered.count)
    }
}
