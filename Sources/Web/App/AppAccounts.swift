package import Casework
package import Foundation
import HummingbirdBcrypt
package import Primitives

/// Passwords: bcrypt from hummingbird-auth. The CLI (`pals user add`) and the sign-in page share it.
package enum Passwords {
    /// The bcrypt cost of new hashes (2^12 rounds: about a quarter of a second here, slow to guess).
    package static let defaultCost: UInt8 = 12

    /// The hash of `password` to store.
    package static func hash(_ password: String, cost: UInt8 = defaultCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches `hash`.
    package static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// Why a new password is refused, or nil: at least 12 characters, not only spaces, no control characters.
    package static func problem(_ password: String) -> String? {
        if password.count < 12 { return "the password must be at least 12 characters long" }
        if password.count > 72 { return "the password must be at most 72 characters (bcrypt reads no further)" }
        if password.trimmingCharacters(in: .whitespaces).isEmpty { return "the password must not be only spaces" }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the password must not contain control characters"
        }
        return nil
    }

    /// A hash verified when the name is unknown, so a wrong name takes as long as a wrong password.
    static let decoy = Bcrypt.hash("not a password of anyone's", cost: defaultCost)
}

/// Signing in and out, and finding the session of a request: accounts, lockout and sessions over the register.
package struct AppAccounts: Sendable {
    /// The accounts and sessions.
    package let users: UserDirectory
    /// When locked accounts unlock.
    package let policy: SignInPolicy
    /// The clock every "now" comes from.
    package let clock: WallClock
    /// How long a session lasts unused (default 60 minutes).
    package var idle: TimeInterval = 60 * 60
    /// How long a session lasts however it is used (default 12 hours: a working day).
    package var absolute: TimeInterval = 12 * 60 * 60

    package init(users: UserDirectory, policy: SignInPolicy = SignInPolicy(), clock: WallClock) {
        self.users = users
        self.policy = policy
        self.clock = clock
    }

    /// The outcome of a sign-in.
    package enum SignIn: Sendable, Equatable {
        /// Signed in: the cookie value (given to the browser once, stored only hashed) and the session.
        case signedIn(cookie: String, session: WebSession, account: UserAccount)
        /// The password was right and the account is enrolled in sign-in codes: the code is asked for next.
        case needsCode(account: UserAccount)
        /// Refused: the message for the person (never saying whether the name exists).
        case refused(String)
    }

    /// The message for a wrong sign-in code.
    package static let wrongCode = "The code is not right. Enter the 6-digit code your app shows now."
    /// The message for a code already used.
    package static let usedCode =
        "That code has already been used. Wait for your app to show a new code, then enter it."

    /// The message for a wrong name or password.
    package static let wrongCredentials = "The user name or password is not right. Check them and try again."

    /// Checks a name and password; too many failures lock the account (``SignInPolicy``). Blocking (bcrypt):
    /// call it off the cooperative pool.
    package func signIn(name: String, password: String) throws -> SignIn {
        let now = clock.now()
        let candidate = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let account = try users.account(named: candidate), !account.isDisabled else {
            _ = Passwords.verify(password, hash: Passwords.decoy)
            return .refused(Self.wrongCredentials)
        }
        if account.isLocked(at: now) {
            return .refused(Self.lockedMessage(policy))
        }
        guard Passwords.verify(password, hash: account.passwordHash) else {
            if try users.recordFailure(account.name, at: now, policy: policy) != nil {
                return .refused(Self.lockedMessage(policy))
            }
            return .refused(Self.wrongCredentials)
        }
        // The failures are forgotten only once the code too is right: a known password gives no fresh tries.
        if account.totpSecret != nil { return .needsCode(account: account) }
        return try startSession(for: account, at: now)
    }

    /// Checks the sign-in code of `name` (who gave the right password a moment ago); a wrong or reused code counts
    /// as a failed sign-in toward the lockout. Blocking: call it off the cooperative pool.
    package func signIn(name: String, code: String) throws -> SignIn {
        let now = clock.now()
        guard let account = try users.account(named: name), !account.isDisabled, let secret = account.totpSecret
        else {
            return .refused(Self.wrongCredentials)
        }
        if account.isLocked(at: now) { return .refused(Self.lockedMessage(policy)) }
        let step = SignInCodes.matchingStep(code, secret: secret, at: now)
        let fresh = try step.map { try users.useTOTPStep(account.name, step: $0) } ?? false
        guard fresh else {
            if try users.recordFailure(account.name, at: now, policy: policy) != nil {
                return .refused(Self.lockedMessage(policy))
            }
            return .refused(step == nil ? Self.wrongCode : Self.usedCode)
        }
        return try startSession(for: account, at: now)
    }

    /// Starts a session for `account`, who has proved who they are: failures are forgotten.
    package func startSession(for account: UserAccount, at now: Date) throws -> SignIn {
        try users.recordSuccess(account.name, at: now)
        let cookie = AppSecurity.randomToken()
        let session = WebSession(
            idHash: HashedSecret.hash(cookie), user: account.name, csrfToken: AppSecurity.randomToken(), createdAt: now,
            expiresAt: now.addingTimeInterval(idle), absoluteExpiry: now.addingTimeInterval(absolute))
        try users.startSession(session)
        return .signedIn(cookie: cookie, session: session, account: account)
    }

    static func lockedMessage(_ policy: SignInPolicy) -> String {
        let minutes = Int((policy.lockout / 60).rounded(.up))
        return
            "Sign-in is locked after \(policy.maximumFailures) wrong passwords or codes. Try again in \(minutes) minutes, "
            + "or ask your complaints manager to set a new password."
    }

    /// The live session whose cookie value is `cookie`, with its account.
    package func session(cookie: String) throws -> (WebSession, UserAccount)? {
        guard let idHash = HashedSecret.lookupHash(cookie, maxLength: 128) else { return nil }
        return try users.session(idHash: idHash, at: clock.now(), idle: idle)
    }

    /// Ends the session whose cookie value is `cookie`.
    package func signOut(cookie: String) throws {
        try users.endSession(idHash: HashedSecret.hash(cookie))
    }
}
