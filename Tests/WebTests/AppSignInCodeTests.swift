import Foundation
import PalsTestKit
import Testing
import Web

/// RFC 4648 base 32 (no padding) back to text: the secret as `pals user totp` prints it.
func base32Decoded(_ text: String) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var bytes: [UInt8] = []
    var buffer = 0
    var bits = 0
    for character in text {
        guard let value = alphabet.firstIndex(of: character) else { continue }
        buffer = (buffer << 5) | value
        bits += 5
        if bits >= 8 {
            bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
            bits -= 8
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Sign-in codes (TOTP) computed alone.
@Suite("Sign-in codes (RFC 6238)")
struct SignInCodeUnitTests {
    @Test(
        "the SHA-1 test vectors of RFC 6238 appendix B",
        arguments: [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ] as [(Int64, String)])
    func vectors(time: Int64, code: String) {
        let step = SignInCodes.step(at: Date(timeIntervalSince1970: Double(time)))
        #expect(SignInCodes.code(secret: "12345678901234567890", step: step, length: 8) == code)
    }

    @Test("SHA-1 and HMAC-SHA-1 give the FIPS 180 and RFC 2202 test vectors")
    func hmacVectors() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(HMACSHA1.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(HMACSHA1.sha1([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(HMACSHA1.sha1(long)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        let mac = HMACSHA1.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(hex(mac) == "b617318655057264e28bc0b6fb378c8ef146be00")
        let longKey = HMACSHA1.authenticationCode(
            key: [UInt8](repeating: 0xaa, count: 80),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(hex(longKey) == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    @Test("a code is accepted for its own step and one either side, and nothing else")
    func window() {
        let secret = SignInCodes.newSecret()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = SignInCodes.step(at: now)
        for offset in [-1, 0, 1] as [Int64] {
            let code = SignInCodes.code(secret: secret, step: step + offset)
            #expect(SignInCodes.matchingStep(code, secret: secret, at: now) == step + offset)
        }
        for offset in [-3, -2, 2, 3] as [Int64] {
            let code = SignInCodes.code(secret: secret, step: step + offset)
            let near = (-1...1).map { SignInCodes.code(secret: secret, step: step + Int64($0)) }
            if !near.contains(code) { #expect(SignInCodes.matchingStep(code, secret: secret, at: now) == nil) }
        }
        for typed in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5\u{0}"] {
            #expect(SignInCodes.matchingStep(typed, secret: secret, at: now) == nil, "\(typed)")
        }
    }

    @Test("a new secret is 32 base-32 characters, new each time; the enrolment address carries its base 32")
    func secrets() {
        let secret = SignInCodes.newSecret()
        #expect(secret.count == 32 && secret != SignInCodes.newSecret())
        #expect(SignInCodes.base32("12345678901234567890") == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(base32Decoded(SignInCodes.base32(secret)) == secret)
        let uri = SignInCodes.enrolmentURI(secret: secret, account: "alex")
        #expect(uri.hasPrefix("otpauth://totp/pals:alex?secret=\(SignInCodes.base32(secret))"), "\(uri)")
        #expect(uri.contains("issuer=pals"))
    }
}

/// The code step of signing in, against the real `pals serve` and `pals user totp`.
@Suite("Sign-in codes through pals serve", .serialized)
struct AppSignInCodeTests {
    /// Enrols `name` with `pals user totp`; returns the secret the app would hold.
    static func enrol(_ server: WebTestServer, _ name: String) async throws -> String {
        let enrolled = try await server.pals(["user", "totp", name])
        #expect(enrolled.status == 0, "\(enrolled)")
        let line = try #require(enrolled.stdout.split(separator: "\n").first { $0.contains("secret: ") })
        let secret = base32Decoded(String(line.split(separator: " ").last ?? ""))
        #expect(enrolled.stdout.contains("otpauth://totp/"))
        return secret
    }

    /// The code for the server's fixed clock, `offset` steps away.
    static func code(_ secret: String, offset: Int64 = 0) -> String {
        let now = ISO8601DateFormatter().date(from: WebTestServer.now)!
        return SignInCodes.code(secret: secret, step: SignInCodes.step(at: now) + offset)
    }

    /// Posts `code` on the code page this browser is on.
    static func enter(_ browser: AppBrowserClient, _ code: String) async throws -> AppAnswer {
        let page = try await browser.get("/app/sign-in/code")
        let token = try #require(page.csrfToken, "\(page)")
        return try await browser.post("/app/sign-in/code", [("csrfToken", token), ("code", code)])
    }

    @Test("an enrolled account is asked for its code after the password; the right code signs in")
    func secondStep() async throws {
        try await withAppServer { server in
            let secret = try await Self.enrol(server, "alex")
            let browser = AppBrowserClient(server)
            let password = try await browser.signIn("alex", password: appTestPassword)
            #expect(password.status == 303)
            #expect(password.header("Location") == "/app/sign-in/code")
            #expect(!password.setCookies.contains { $0.hasPrefix("pals_session=") })
            #expect(try await browser.get("/app/board").status == 303, "signed in before the code")
            let page = try await browser.get("/app/sign-in/code")
            #expect(page.text.contains("Enter your sign-in code"))
            #expect(page.text.contains("autocomplete=\"one-time-code\""))
            let wrong = try await Self.enter(browser, "000000" == Self.code(secret) ? "111111" : "000000")
            #expect(wrong.status == 200)
            #expect(wrong.text.contains("id=\"code-error\"") && wrong.text.contains("The code is not right"))
            let right = try await Self.enter(browser, Self.code(secret))
            #expect(right.status == 303 && right.header("Location") == "/app/board", "\(right)")
            #expect(right.setCookies.contains { $0.hasPrefix("pals_session=") })
            #expect(try await browser.get("/app/board").status == 200)
            let listed = try await server.pals(["user", "list"])
            #expect(listed.stdout.contains("sign-in codes"), "\(listed)")
        }
    }

    @Test("a code already used is refused (replay); a later one is taken, and an earlier one then refused")
    func replay() async throws {
        try await withAppServer { server in
            let secret = try await Self.enrol(server, "alex")
            let first = AppBrowserClient(server)
            try await first.signIn("alex", password: appTestPassword)
            #expect(try await Self.enter(first, Self.code(secret)).status == 303)
            let second = AppBrowserClient(server)
            try await second.signIn("alex", password: appTestPassword)
            let replayed = try await Self.enter(second, Self.code(secret))
            #expect(replayed.status == 200)
            #expect(replayed.text.contains("already been used"))
            #expect(!replayed.setCookies.contains { $0.hasPrefix("pals_session=") })
            if Self.code(secret, offset: 1) != Self.code(secret) {
                #expect(try await Self.enter(second, Self.code(secret, offset: 1)).status == 303)
                let third = AppBrowserClient(server)
                try await third.signIn("alex", password: appTestPassword)
                #expect(try await Self.enter(third, Self.code(secret, offset: -1)).status == 200)
            }
        }
    }

    @Test("wrong codes count toward the lockout: after five, even the right password and code are refused")
    func lockout() async throws {
        try await withAppServer { server in
            let secret = try await Self.enrol(server, "alex")
            let browser = AppBrowserClient(server)
            try await browser.signIn("alex", password: appTestPassword)
            let wrongCode = Self.code(secret) == "999999" ? "888888" : "999999"
            var last: AppAnswer?
            for _ in 1...5 { last = try await Self.enter(browser, wrongCode) }
            let message = last?.text ?? ""
            #expect(message.contains("locked after 5 wrong passwords or codes"), "\(message.prefix(2000))")
            let again = AppBrowserClient(server)
            let locked = try await again.signIn("alex", password: appTestPassword)
            #expect(locked.status == 200 && locked.text.contains("locked"))
            #expect(try await again.get("/app/sign-in/code").status == 303)
        }
    }

    @Test("the code page without a right password first, and a removed enrolment, go back to the password")
    func withoutPassword() async throws {
        try await withAppServer { server in
            let secret = try await Self.enrol(server, "alex")
            let stranger = AppBrowserClient(server)
            #expect(try await stranger.get("/app/sign-in/code").status == 303)
            stranger.cookies["pals_signin_code"] = "forged"
            #expect(try await stranger.get("/app/sign-in/code").status == 303)
            let wrongPassword = try await stranger.signIn("alex", password: "not the password at all")
            #expect(wrongPassword.status == 200 && wrongPassword.header("Location") == nil)
            _ = secret
            let removed = try await server.pals(["user", "totp", "alex", "--remove"])
            #expect(removed.status == 0, "\(removed)")
            let browser = AppBrowserClient(server)
            let signedIn = try await browser.signIn("alex", password: appTestPassword)
            #expect(signedIn.header("Location") == "/app/board")
            #expect(try await server.pals(["user", "totp", "nobody"]).status != 0)
        }
    }
}
