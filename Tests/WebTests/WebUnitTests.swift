import Casework
import Engine
import Foundation
import PalsTestKit
import Primitives
import Testing
import Web

@Suite("Web building blocks: SHA-256, scopes, the rate limiter, listen addresses")
struct WebUnitTests {
    @Test("SHA-256 gives the FIPS 180-4 test vectors (empty, abc, two blocks, a million a's)")
    func sha256() {
        #expect(SHA256Digest.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256Digest.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256Digest.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var split = SHA256Digest()
        split.update("ab".utf8)
        split.update("c".utf8)
        #expect(split.finalizeHex() == SHA256Digest.hex("abc".utf8))
    }

    @Test("intake only creates cases, read only reads, write does all three")
    func scopes() {
        #expect(TokenScope.intake.allows(.createCases))
        #expect(!TokenScope.intake.allows(.readCases))
        #expect(!TokenScope.intake.allows(.queueLetters))
        #expect(TokenScope.read.allows(.readCases))
        #expect(!TokenScope.read.allows(.createCases))
        #expect(!TokenScope.read.allows(.queueLetters))
        #expect([APIPermission.createCases, .readCases, .queueLetters].allSatisfy(TokenScope.write.allows))
    }

    @Test("the rate limiter lets a burst through, refuses the next with a wait, and refills with time")
    func rateLimiter() {
        let limiter = RateLimiter(perMinute: 2)
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == 30)
        #expect(limiter.take("b", now: start) == nil, "each token has its own bucket")
        #expect(limiter.take("a", now: start.addingTimeInterval(31)) == nil)
    }

    @Test("tokens are pals_ and 43 base64url characters, differ every time, and only their hash is stored")
    func tokens() throws {
        let folder = try TemporaryFolder("web-tokens")
        defer { folder.remove() }
        let register = try CaseRegister(url: folder.appending("register.sqlite"))
        let tokens = APITokens(records: WebRecords(register: register), clock: .fixed(Date(timeIntervalSince1970: 0)))
        let first = try tokens.add(name: "website", scope: .intake)
        let second = try tokens.add(name: "dashboard", scope: .read)
        #expect(first.hasPrefix("pals_") && first.count == 5 + 43)
        #expect(first.dropFirst(5).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(first != second)
        #expect(try tokens.check(first)?.name == "website")
        #expect(try tokens.check(first + "x") == nil)
        #expect(try tokens.check("") == nil)
        #expect(try tokens.records.tokens().map(\.name) == ["website", "dashboard"])
        #expect(throws: WebRecordError.self) { try tokens.add(name: "website", scope: .write) }
        #expect(throws: WebRecordError.self) { try tokens.add(name: "a\nb", scope: .write) }
        try tokens.records.revokeToken(name: "website", now: Date(timeIntervalSince1970: 10))
        #expect(try tokens.check(first) == nil)
        #expect(throws: WebRecordError.self) { try tokens.records.revokeToken(name: "website", now: Date()) }
        _ = try tokens.add(name: "website", scope: .write)  // a revoked name may be used again
    }

    @Test("listen addresses: host:port, [v6]:port and :port parse; loopback is recognised; junk is refused")
    func listen() throws {
        #expect(try HTTPListenAddress.parse("127.0.0.1:8080").get() == .init(host: "127.0.0.1", port: 8080))
        #expect(try HTTPListenAddress.parse("[::1]:9000").get() == .init(host: "::1", port: 9000))
        #expect(try HTTPListenAddress.parse(":8081").get() == .init(host: "127.0.0.1", port: 8081))
        #expect(try HTTPListenAddress.parse("0.0.0.0:80").get().isLoopback == false)
        #expect(try HTTPListenAddress.parse("localhost:80").get().isLoopback)
        for junk in ["8080", "host:", "host:99999", "a b:80", "[::1]8080", "::1:80", "127.0.0.1:80\n"] {
            if case .success = HTTPListenAddress.parse(junk) { Issue.record("\(junk) was taken") }
        }
    }
}
