import Casework
import Foundation
import PalsTestKit
import Testing

@Suite("The web app's accounts and sessions")
struct UserDirectoryTests {
    let folder: TemporaryFolder
    let register: CaseRegister
    let users: UserDirectory
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws {
        folder = try TemporaryFolder("users")
        register = try CaseRegister(url: folder.appending("register.sqlite"))
        users = UserDirectory(register: register)
    }

    func account(_ name: String, role: AccountRole = .officer, officer: String? = "alex") -> UserAccount {
        UserAccount(name: name, role: role, officer: officer, passwordHash: "$2b$12$invented", createdAt: start)
    }

    @Test("an account is added once and listed by name")
    func addAndList() throws {
        try users.add(account("sam", officer: "sam"))
        try users.add(account("alex"))
        try users.add(account("morgan", role: .manager, officer: nil))
        #expect(try users.accounts().map(\.name) == ["alex", "morgan", "sam"])
        expectCode(.exists) { try users.add(account("alex")) }
        #expect(try users.account(named: "morgan")?.role == .manager)
    }

    @Test(
        "a name that could forge a log line or a path is refused",
        arguments: ["", "Alex", "../alex", "alex\nuser=admin", "a b", "-alex", String(repeating: "a", count: 65)])
    func hostileNames(name: String) throws {
        expectCode(.invalid) { try users.add(account(name)) }
        #expect(try users.account(named: name) == nil)
    }

    @Test("an officer account must name the officer its cases use")
    func officerNeedsId() throws {
        expectCode(.invalid) { try users.add(account("alex", officer: nil)) }
        expectCode(.invalid) { try users.add(account("alex", officer: "")) }
    }

    @Test("five failures lock the account for the policy's time; a success clears the count")
    func lockout() throws {
        try users.add(account("alex"))
        let policy = SignInPolicy(maximumFailures: 5, lockout: 900)
        for _ in 1...3 { #expect(try users.recordFailure("alex", at: start, policy: policy) == nil) }
        try users.recordSuccess("alex", at: start)
        for _ in 1...4 { #expect(try users.recordFailure("alex", at: start, policy: policy) == nil) }
        let locked = try users.recordFailure("alex", at: start, policy: policy)
        #expect(locked == start.addingTimeInterval(900))
        let stored = try #require(try users.account(named: "alex"))
        #expect(stored.isLocked(at: start.addingTimeInterval(899)))
        #expect(!stored.isLocked(at: start.addingTimeInterval(900)))
    }

    @Test("a session is found by its hash, slides with use, and ends at its absolute expiry")
    func sessions() throws {
        try users.add(account("alex"))
        let session = WebSession(
            idHash: "hash-1", user: "alex", csrfToken: "token", createdAt: start,
            expiresAt: start.addingTimeInterval(3600), absoluteExpiry: start.addingTimeInterval(7200))
        try users.startSession(session)
        let later = start.addingTimeInterval(3000)
        let (found, user) = try #require(try users.session(idHash: "hash-1", at: later, idle: 3600))
        #expect(found.csrfToken == "token" && user.name == "alex")
        #expect(found.expiresAt == start.addingTimeInterval(6600))
        // Past the absolute expiry, however recently used.
        #expect(try users.session(idHash: "hash-1", at: start.addingTimeInterval(7200), idle: 3600) == nil)
        #expect(try users.session(idHash: "unknown", at: start, idle: 3600) == nil)
    }

    @Test("an idle session expires, and sign-out ends a session")
    func idleAndSignOut() throws {
        try users.add(account("alex"))
        for id in ["a", "b"] {
            try users.startSession(
                WebSession(
                    idHash: id, user: "alex", csrfToken: "t", createdAt: start,
                    expiresAt: start.addingTimeInterval(600), absoluteExpiry: start.addingTimeInterval(7200)))
        }
        #expect(try users.session(idHash: "a", at: start.addingTimeInterval(601), idle: 600) == nil)
        try users.endSession(idHash: "b")
        #expect(try users.session(idHash: "b", at: start, idle: 600) == nil)
    }

    @Test("disabling an account ends its sessions and a new password ends them too")
    func disableEndsSessions() throws {
        try users.add(account("alex"))
        try users.add(account("sam", officer: "sam"))
        for (id, user) in [("a", "alex"), ("s", "sam")] {
            try users.startSession(
                WebSession(
                    idHash: id, user: user, csrfToken: "t", createdAt: start,
                    expiresAt: start.addingTimeInterval(600), absoluteExpiry: start.addingTimeInterval(7200)))
        }
        try users.disable("alex")
        #expect(try users.session(idHash: "a", at: start, idle: 600) == nil)
        #expect(try users.account(named: "alex")?.isDisabled == true)
        try users.setPassword("sam", hash: "$2b$12$other")
        #expect(try users.session(idHash: "s", at: start, idle: 600) == nil)
        expectCode(.notFound) { try users.disable("nobody") }
    }

    @Test("the accounts survive reopening the register (the migration is recorded)")
    func persists() throws {
        try users.add(account("alex"))
        let reopened = try CaseRegister(existing: folder.appending("register.sqlite"), readOnly: true)
        #expect(try UserDirectory(register: reopened).account(named: "alex")?.officer == "alex")
    }

    /// Expects `body` to throw an ``AccountError`` with `code`.
    func expectCode(
        _ code: AccountError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        let error = #expect(throws: AccountError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.code == code, sourceLocation: sourceLocation)
    }
}
