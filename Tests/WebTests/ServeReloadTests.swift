import Foundation
import PalsTestKit
import Testing

@Suite("The daemon's web service follows http.rateLimit when the daemon reloads its configuration", .serialized)
struct ServeReloadTests {
    @Test("after SIGHUP a lowered rate limit is in force without a restart")
    func rateLimitReloads() async throws {
        let folder = try TemporaryFolder("web-reload")
        defer { folder.remove() }
        let ws = folder.appending("ws")
        #expect(try await ProcessRunner.palsOffPool(["init", ws.path]).status == 0)
        let port = try freePort()
        let pristine = try String(contentsOf: ws.appending(path: "pals.yaml"), encoding: .utf8)
        func configure(perMinute: Int) throws {
            try (pristine + "\nhttp:\n  listen: 127.0.0.1:\(port)\n  rateLimit:\n    requestsPerMinute: \(perMinute)\n")
                .write(to: ws.appending(path: "pals.yaml"), atomically: true, encoding: .utf8)
        }
        try configure(perMinute: 1000)
        let made = try await ProcessRunner.palsOffPool([
            "token", "add", "site", "--scope", "read", "--workspace", ws.path,
        ])
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try ProcessRunner.start(
            ProcessRunner.palsBinary, ["daemon", "--workspace", ws.path], environment: ["PALS_NOW": WebTestServer.now])
        func status() async throws -> Int {
            let result = try await ProcessRunner.runOffPool(
                "/usr/bin/curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                    "http://127.0.0.1:\(port)/api/v1/board",
                ])
            return Int(result.stdout) ?? 0
        }
        var first = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, daemon.process.isRunning {
            first = try await status()
            if first == 200 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        var before: [Int] = []
        for _ in 0..<5 { before.append(try await status()) }
        try configure(perMinute: 2)
        kill(daemon.process.processIdentifier, SIGHUP)
        var limited = false
        while ContinuousClock.now < deadline, daemon.process.isRunning, !limited {
            limited = try await status() == 429
        }
        kill(daemon.process.processIdentifier, SIGTERM)
        let stopped = await daemon.waitOffPool()
        #expect(first == 200, "\(stopped)")
        #expect(before == [200, 200, 200, 200, 200], "1000 a minute lets five through: \(before)")
        #expect(limited, "after the reload, 2 a minute refuses the third request: \(stopped)")
        #expect(stopped.stderr.contains("configuration reloaded"), "\(stopped)")
    }
}
