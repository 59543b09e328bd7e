import Foundation
import PalsTestKit
import Testing

/// Starts `pals serve` with the test accounts and `http.sso` set to `header` trusted from `proxies`.
func withSingleSignOnServer(
    proxies: [String], _ body: (WebTestServer) async throws -> Void
) async throws {
    let server = try await WebTestServer.withAccounts { yaml in
        yaml + "\nhttp:\n  sso:\n    header: X-Remote-User\n    trustedProxies: [\(proxies.joined(separator: ", "))]\n"
    }
    do {
        try await body(server)
    } catch {
        await server.finish()
        throw error
    }
    await server.finish()
}

/// Single sign-on by a trusted proxy's header, against the real `pals serve`.
@Suite("Single sign-on by a trusted header, through pals serve", .serialized)
struct AppSingleSignOnTests {
    @Test("from a trusted proxy, the header signs in its local account with that account's role")
    func trusted() async throws {
        try await withSingleSignOnServer(proxies: ["127.0.0.1"]) { server in
            let samsCase = try await server.logCase(officer: "sam")
            let browser = AppBrowserClient(server)
            let answer = try await browser.send("GET", "/app/cases/\(samsCase)", headers: ["X-Remote-User": "Morgan"])
            #expect(answer.status == 303 && answer.header("Location") == "/app/cases/\(samsCase)", "\(answer)")
            #expect(answer.setCookies.contains { $0.hasPrefix("pals_session=") })
            let page = try await browser.send("GET", "/app/cases/\(samsCase)", headers: ["X-Remote-User": "morgan"])
            #expect(page.status == 200, "a manager sees every case")
            // The header names someone else now: that person, not the old session, is who is asking.
            let alex = try await browser.send("GET", "/app/cases/\(samsCase)", headers: ["X-Remote-User": "alex"])
            #expect(alex.status == 303)
            let refused = try await browser.send("GET", "/app/cases/\(samsCase)", headers: ["X-Remote-User": "alex"])
            #expect(refused.status == 404, "an officer of another team")
            let audit = try await server.pals(["audit", samsCase])
            #expect(audit.stdout.contains("morgan") && audit.stdout.contains("alex"), "\(audit)")
        }
    }

    @Test(
        "an unknown, disabled or malformed name is refused, with no session",
        arguments: [
            "nobody", "disabled-one", "mor gan", "../morgan", "morgan, alex", String(repeating: "a", count: 65),
        ])
    func refused(name: String) async throws {
        try await withSingleSignOnServer(proxies: ["127.0.0.1"]) { server in
            let added = try await server.pals([
                "user", "add", "disabled-one", "--role", "manager", "--password-file", server.workspace + "/password",
            ])
            #expect(added.status == 0, "\(added)")
            #expect(try await server.pals(["user", "disable", "disabled-one"]).status == 0)
            let browser = AppBrowserClient(server)
            let answer = try await browser.send("GET", "/app/board", headers: ["X-Remote-User": name])
            #expect(answer.status == 403, "\(answer)")
            #expect(answer.text.contains("You cannot sign in to pals"))
            #expect(!answer.setCookies.contains { $0.hasPrefix("pals_session=") })
        }
    }

    @Test("a header with control characters is refused (by the HTTP parser, or by pals), with no session")
    func controlCharacters() async throws {
        try await withSingleSignOnServer(proxies: ["127.0.0.1"]) { server in
            let browser = AppBrowserClient(server)
            for value in ["morgan\u{1}", "mor\u{7F}gan", "morgan\tx"] {
                let answer = try await browser.send("GET", "/app/board", headers: ["X-Remote-User": value])
                #expect([400, 403].contains(answer.status), "\(value.debugDescription): \(answer)")
                #expect(!answer.setCookies.contains { $0.hasPrefix("pals_session=") })
            }
        }
    }

    @Test("from an address that is not a trusted proxy the header is ignored, and logged without the name")
    func untrusted() async throws {
        try await withSingleSignOnServer(proxies: ["192.0.2.10"]) { server in
            let browser = AppBrowserClient(server)
            let answer = try await browser.send("GET", "/app/board", headers: ["X-Remote-User": "morgan"])
            #expect(answer.status == 303 && answer.header("Location") == "/app/sign-in")
            #expect(!answer.setCookies.contains { $0.hasPrefix("pals_session=") })
            let signIn = try await browser.send("GET", "/app/sign-in", headers: ["X-Remote-User": "morgan"])
            #expect(signIn.status == 200 && signIn.text.contains("Sign in"))
            // A password still signs in as usual.
            #expect(try await browser.signIn("alex", password: appTestPassword).status == 303)
            let log = await server.stopped()
            let text = log.stdout + log.stderr
            #expect(text.contains("untrusted address"), "\(text.suffix(2000))")
            let lines = text.split(separator: "\n").filter { $0.contains("untrusted address") }
            #expect(lines.allSatisfy { !$0.contains("morgan") }, "\(lines)")
        }
    }

    @Test("pals config check: a header without trusted proxies is an error; with them it passes")
    func configuration() async throws {
        let folder = try TemporaryFolder("web-sso-config")
        defer { folder.remove() }
        let made = try await ProcessRunner.palsOffPool(["init", folder.appending("ws").path])
        #expect(made.status == 0)
        let yaml = folder.appending("ws/pals.yaml")
        let original = try String(contentsOf: yaml, encoding: .utf8)
        func check(_ http: String) async throws -> ProcessResult {
            try (original + "\nhttp:\n" + http).write(to: yaml, atomically: true, encoding: .utf8)
            return try await ProcessRunner.palsOffPool(["config", "check", "--workspace", folder.appending("ws").path])
        }
        let alone = try await check("  sso:\n    header: X-Remote-User\n")
        #expect(alone.status != 0)
        #expect((alone.stdout + alone.stderr).contains("http.sso.trustedProxies"), "\(alone)")
        let badName = try await check("  sso:\n    header: \"X Remote\"\n    trustedProxies: [127.0.0.1]\n")
        #expect(badName.status != 0, "\(badName)")
        let named = try await check("  sso:\n    header: X-Remote-User\n    trustedProxies: [proxy.example]\n")
        #expect(named.status != 0, "\(named)")
        let good = try await check("  sso:\n    header: X-Remote-User\n    trustedProxies: [127.0.0.1, \"::1\"]\n")
        #expect(good.status == 0, "\(good)")
    }
}
