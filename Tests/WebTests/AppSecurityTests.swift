import Foundation
import PalsTestKit
import Testing

/// The web app's defences, against the real `pals serve` (invariant 15 and the security list).
@Suite("The web app's security, through pals serve", .serialized)
struct AppSecurityTests {
    @Test("signing in sets a session cookie that is HttpOnly, Secure, SameSite=Strict and Path=/")
    func cookieFlags() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            let answer = try await browser.signIn("alex", password: appTestPassword)
            #expect(answer.status == 303)
            let session = try #require(answer.setCookies.first { $0.hasPrefix("pals_session=") })
            for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
                #expect(session.contains(flag), "\(session)")
            }
            #expect(try await browser.get("/app/board").status == 200)
        }
    }

    @Test("every page carries a strict Content-Security-Policy, nosniff and no framing")
    func securityHeaders() async throws {
        try await withAppServer { server in
            let page = try await AppBrowserClient(server).get("/app/sign-in")
            let policy = try #require(page.header("Content-Security-Policy"))
            for directive in [
                "default-src 'self'", "script-src 'none'", "frame-ancestors 'none'", "form-action 'self'",
            ] {
                #expect(policy.contains(directive), "\(policy)")
            }
            #expect(!policy.contains("unsafe-inline"))
            #expect(page.header("X-Content-Type-Options") == "nosniff")
            #expect(page.header("X-Frame-Options") == "DENY")
            #expect(!page.text.contains("<script") && !page.text.contains("style=\""))
        }
    }

    @Test("a post without the CSRF token, or with a wrong one, is refused with 403 and changes nothing")
    func csrfRequired() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            let fields = [("complainant.firstName", "Eira"), ("summary", "INVENTED")]
            let missing = try await browser.post("/app/cases/new", fields)
            #expect(missing.status == 403)
            #expect(missing.text.contains("This form could not be accepted"))
            let wrong = try await browser.post("/app/cases/new", [("csrfToken", "forged")] + fields)
            #expect(wrong.status == 403)
            let signOut = try await browser.post("/app/sign-out", [("csrfToken", "forged")])
            #expect(signOut.status == 403)
            #expect(try await browser.get("/app/board").status == 200, "a forged sign-out ended the session")
            let listed = try await server.pals(["case", "list"])
            #expect(!listed.stdout.contains("PALS-"), "a case was logged by a refused post: \(listed)")
        }
    }

    @Test(
        "a cross-site post is refused even with the right token",
        arguments: [
            ["Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"],
            ["Sec-Fetch-Site": "cross-site", "Origin": "http://127.0.0.1:1"],
            ["Sec-Fetch-Site": "same-site"],
        ])
    func crossSite(headers: [String: String]) async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            let token = try #require(try await browser.get("/app/cases/new").csrfToken)
            let answer = try await browser.post("/app/sign-out", [("csrfToken", token)], headers: headers)
            #expect(answer.status == 403)
            #expect(answer.text.contains("another website"))
            #expect(try await browser.get("/app/board").status == 200)
        }
    }

    @Test("five wrong passwords lock the account: the right one is then refused, and the page says why")
    func lockout() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            for _ in 1...5 {
                let wrong = try await browser.signIn("alex", password: "wrong password here")
                #expect(wrong.status == 200)
                #expect(!wrong.setCookies.contains { $0.hasPrefix("pals_session=") })
            }
            let locked = try await browser.signIn("alex", password: appTestPassword)
            #expect(locked.status == 200)
            #expect(locked.text.contains("locked after 5 wrong passwords"))
            #expect(!locked.setCookies.contains { $0.hasPrefix("pals_session=") })
            let listed = try await server.pals(["user", "list"])
            #expect(listed.stdout.contains("locked"), "\(listed)")
            // An unknown name is answered as a wrong password: the page never says which names exist.
            let unknown = try await browser.signIn("nobody", password: appTestPassword)
            #expect(unknown.text.contains("user name or password is not right"))
        }
    }

    @Test("an officer cannot open another team's case (404), and the refusal is audited")
    func otherTeam() async throws {
        try await withAppServer { server in
            let samsCase = try await server.logCase(officer: "sam")
            let alex = AppBrowserClient(server)
            try await alex.signIn("alex", password: appTestPassword)
            let refused = try await alex.get("/app/cases/\(samsCase)")
            #expect(refused.status == 404)
            #expect(!refused.text.contains("Eira"))
            #expect(try await alex.get("/app/cases/\(samsCase)/letters/new").status == 404)
            let board = try await alex.get("/app/board")
            #expect(!board.text.contains(samsCase))
            let audit = try await server.pals(["audit", samsCase])
            #expect(audit.stdout.contains("alex") && audit.stdout.contains("refused"), "\(audit)")
            let morgan = AppBrowserClient(server)
            try await morgan.signIn("morgan", password: appTestPassword)
            let seen = try await morgan.get("/app/cases/\(samsCase)")
            #expect(seen.status == 200)
            #expect(seen.text.contains(samsCase))
        }
    }

    @Test(
        "a hostile reference in the address is not found, and never reaches a file",
        arguments: ["..", "..%2F..%2Fregister.sqlite", "PALS-2026-0001%00", "%2E%2E", "PALS-2026-0001%0Aevil"])
    func hostileReference(reference: String) async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("morgan", password: appTestPassword)
            let answer = try await browser.get("/app/cases/\(reference)")
            #expect([400, 404].contains(answer.status), "\(answer)")
            #expect(!answer.text.contains("SQLite"))
        }
    }

    @Test("control characters and a 1 MB field in the new-case form are refused beside the field")
    func hostileForm() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            let token = try #require(try await browser.get("/app/cases/new").csrfToken)
            let controls = try await browser.post(
                "/app/cases/new",
                [
                    ("csrfToken", token), ("complainant.firstName", "Eira\u{1B}[2J"),
                    ("complainant.lastName", "Ex\nample"),
                    ("summary", "INVENTED\u{0}"),
                ])
            #expect(controls.status == 422)
            #expect(controls.text.contains("first name must not contain control characters"))
            #expect(controls.text.contains("href=\"#complainant-lastName\""))
            #expect(!controls.text.contains("\u{1B}"))
            let huge = String(repeating: "a", count: 1_000_000)
            let large = try await browser.post("/app/cases/new", [("csrfToken", token), ("summary", huge)])
            #expect([413, 422].contains(large.status), "\(large.status)")
            #expect(large.body.count < 200_000, "the page echoed the megabyte back")
            let listed = try await server.pals(["case", "list"])
            #expect(!listed.stdout.contains("PALS-"))
        }
    }

    @Test("a case logged through the form is the same as through pals case new, and the view is audited")
    func formLogsAndAudits() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            let token = try #require(try await browser.get("/app/cases/new").csrfToken)
            let logged = try await browser.post(
                "/app/cases/new",
                [
                    ("csrfToken", token), ("kind", "complaint"), ("received", "2026-11-23"), ("channel", "email"),
                    ("complainant.firstName", "Eira"), ("complainant.lastName", "Example"),
                    ("complainant.email", "eira.example@example.org"), ("complainant.preferredContact", "email"),
                    ("summary", "INVENTED: a long wait."), ("service", "Outpatients"), ("officer", "alex"),
                ])
            #expect(logged.status == 303, "\(logged)")
            let location = try #require(logged.header("Location"))
            let reference = try #require(
                location.split(separator: "/").last?.split(separator: "?").first.map(String.init))
            #expect(!location.contains("Eira"), "patient data in a URL: \(location)")
            let page = try await browser.get("/app/cases/\(reference)")
            #expect(page.status == 200)
            #expect(page.text.contains("Eira Example"))
            let shown = try await server.pals(["case", "show", reference, "--json"])
            #expect(shown.stdout.contains("\"officer\" : \"alex\"") || shown.stdout.contains("\"officer\":\"alex\""))
            let audit = try await server.pals(["audit", reference])
            #expect(audit.stdout.contains("created") && audit.stdout.contains("viewed"), "\(audit)")
        }
    }

    @Test("sign out ends the session on the server, not only in the browser")
    func signOutEndsSession() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            let kept = browser.cookies
            let token = try #require(try await browser.get("/app/board").csrfToken)
            let out = try await browser.post("/app/sign-out", [("csrfToken", token)])
            #expect(out.status == 303)
            browser.cookies = kept
            let after = try await browser.get("/app/board")
            #expect(after.status == 303)
            #expect(after.header("Location") == "/app/sign-in")
        }
    }

    @Test("a disabled account's session ends at once")
    func disabledAccount() async throws {
        try await withAppServer { server in
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            #expect(try await browser.get("/app/board").status == 200)
            #expect(try await server.pals(["user", "disable", "alex"]).status == 0)
            #expect(try await browser.get("/app/board").status == 303)
            let again = try await browser.signIn("alex", password: appTestPassword)
            #expect(!again.setCookies.contains { $0.hasPrefix("pals_session=") })
        }
    }
}

/// Runs `body` with a server that has accounts (``WebTestServer/withAccounts()``), finished however `body` ends.
func withAppServer(_ body: (WebTestServer) async throws -> Void) async throws {
    let server = try await WebTestServer.withAccounts()
    do {
        try await body(server)
    } catch {
        await server.finish()
        throw error
    }
    await server.finish()
}
