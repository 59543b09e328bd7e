import Foundation
import PalsTestKit
import Testing

/// Appends `text` to the workspace's pals.yaml.
func appendConfiguration(_ text: String, to workspace: URL) throws {
    let config = workspace.appending(path: "pals.yaml")
    let current = try String(contentsOf: config, encoding: .utf8)
    try (current + "\n" + text).write(to: config, atomically: true, encoding: .utf8)
}

@Suite("pals serve and the daemon's web service, run as a real binary", .serialized)
struct ServeTests {
    @Test("pals serve answers /healthz with 200 on a free loopback port")
    func healthz() async throws {
        let server = try await WebTestServer()
        let answer = try await server.get("/healthz")
        await server.finish()
        #expect(answer.status == 200)
        #expect(answer.text == "ok\n")
    }

    @Test("pals daemon serves the API too when http.listen is set, and stops serving on SIGTERM")
    func daemonServes() async throws {
        let folder = try TemporaryFolder("web-daemon")
        defer { folder.remove() }
        let ws = folder.appending("ws")
        #expect(try await ProcessRunner.palsOffPool(["init", ws.path]).status == 0)
        let port = try freePort()
        try appendConfiguration("http:\n  listen: 127.0.0.1:\(port)\n", to: ws)
        let daemon = try ProcessRunner.start(
            ProcessRunner.palsBinary, ["daemon", "--workspace", ws.path], environment: ["PALS_NOW": WebTestServer.now])
        var status = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, daemon.process.isRunning {
            let result = try await ProcessRunner.runOffPool(
                "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/healthz"])
            status = Int(result.stdout) ?? 0
            if status == 200 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(daemon.process.processIdentifier, SIGTERM)
        let stopped = await daemon.waitOffPool()
        #expect(status == 200, "\(stopped)")
        #expect(stopped.status == 0, "\(stopped)")
        #expect(stopped.stderr.contains("serving HTTP"), "\(stopped)")
    }

    @Test("config check: a listener off loopback is a warning; http.tls and a bad address are errors")
    func configuration() async throws {
        let folder = try TemporaryFolder("web-config")
        defer { folder.remove() }
        let ws = folder.appending("ws")
        #expect(try await ProcessRunner.palsOffPool(["init", ws.path]).status == 0)
        let pristine = try String(contentsOf: ws.appending(path: "pals.yaml"), encoding: .utf8)
        try appendConfiguration("http:\n  listen: 0.0.0.0:8080\n", to: ws)
        let open = try await ProcessRunner.palsOffPool(["config", "check", "--workspace", ws.path])
        #expect(open.status == 0, "\(open)")
        #expect((open.stdout + open.stderr).contains("http.listen"), "\(open)")
        #expect((open.stdout + open.stderr).contains("not loopback"), "\(open)")
        for bad in [
            "http:\n  tls:\n    certificate: /etc/ssl/a.pem\n    key: /etc/ssl/a.key\n",
            "http:\n  listen: everywhere\n",
            "http:\n  rateLimit:\n    requestsPerMinute: 0\n", "http:\n  colour: blue\n",
        ] {
            try (pristine + "\n" + bad).write(to: ws.appending(path: "pals.yaml"), atomically: true, encoding: .utf8)
            let checked = try await ProcessRunner.palsOffPool(["config", "check", "--workspace", ws.path])
            #expect(checked.status != 0, "\(bad): \(checked)")
            #expect(checked.stderr.contains("http."), "\(bad): \(checked)")
            let serve = try await ProcessRunner.palsOffPool([
                "serve", "--workspace", ws.path, "--listen", "127.0.0.1:0",
            ])
            #expect(serve.status != 0, "pals serve refuses to start: \(serve)")
        }
        let badListen = try await ProcessRunner.palsOffPool(["serve", "--workspace", ws.path, "--listen", "nowhere"])
        #expect(badListen.status == 64, "\(badListen)")
    }
}
