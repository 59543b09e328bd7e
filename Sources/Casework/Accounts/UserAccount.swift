package import Foundation

/// What a person signed in to the web app may see and do.
package enum AccountRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// A PALS officer: sees their own cases and their team's.
    case officer
    /// A complaints manager: sees every case.
    case manager
}

/// A person who signs in to the officers' web app: a name, a role, the officer id used on cases, and a password
/// hash (never the password).
package struct UserAccount: Sendable, Hashable {
    /// The sign-in name (lower case letters, digits, `.`, `_`, `-`), unique.
    package var name: String
    /// What the person may see.
    package var role: AccountRole
    /// The id of the officer in `pals.yaml` this person is (the `officer` of their cases); every officer has one.
    package var officer: String?
    /// The password's hash in modular crypt form (bcrypt `$2b$…`).
    package var passwordHash: String
    /// A disabled account cannot sign in and its sessions end.
    package var isDisabled: Bool
    /// Failed sign-ins since the last success or lockout.
    package var failedSignIns: Int
    /// Until when sign-in is refused after too many failures; nil when not locked.
    package var lockedUntil: Date?
    /// When the account was made.
    package var createdAt: Date
    /// When the person last signed in, if ever.
    package var lastSignIn: Date?
    /// The shared secret of the person's authenticator app (RFC 6238), when they have enrolled one: sign-in then
    /// asks for a code after the password. See ``UserDirectory/setTOTP(_:secret:)`` for why it is kept as it is.
    package var totpSecret: String?
    /// The last 30-second step whose code was accepted, so a code is never accepted twice (replay).
    package var totpLastStep: Int64?

    package init(
        name: String, role: AccountRole, officer: String?, passwordHash: String, isDisabled: Bool = false,
        failedSignIns: Int = 0, lockedUntil: Date? = nil, createdAt: Date, lastSignIn: Date? = nil,
        totpSecret: String? = nil, totpLastStep: Int64? = nil
    ) {
        self.name = name
        self.role = role
        self.officer = officer
        self.passwordHash = passwordHash
        self.isDisabled = isDisabled
        self.failedSignIns = failedSignIns
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.lastSignIn = lastSignIn
        self.totpSecret = totpSecret
        self.totpLastStep = totpLastStep
    }

    /// Whether sign-in is refused at `now` because of repeated failures.
    package func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    /// Whether `name` can be a sign-in name: 1 to 64 lower-case letters, digits, `.`, `_` or `-`, starting with a
    /// letter or digit (it appears in the audit trail and in logs, so nothing that could forge a line).
    package static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.count), let first = name.unicodeScalars.first else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789._-")
        let alphanumeric = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789")
        return alphanumeric.contains(first) && name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }
}

/// How many failed sign-ins lock an account, and for how long.
package struct SignInPolicy: Sendable, Hashable {
    /// Failures in a row that lock the account (default 5).
    package var maximumFailures: Int = 5
    /// How long a locked account stays locked (default 15 minutes).
    package var lockout: TimeInterval = 15 * 60

    package init(maximumFailures: Int = 5, lockout: TimeInterval = 15 * 60) {
        self.maximumFailures = maximumFailures
        self.lockout = lockout
    }
}

/// A signed-in browser: stored under the hash of its cookie's value, so a copy of the register opens no session.
package struct WebSession: Sendable, Hashable {
    /// The SHA-256 of the session cookie's value, in hex.
    package var idHash: String
    /// The account signed in.
    package var user: String
    /// The token every form of this session carries (invariant 15).
    package var csrfToken: String
    /// When the person signed in.
    package var createdAt: Date
    /// When the session ends unless used again (it slides with use, up to ``absoluteExpiry``).
    package var expiresAt: Date
    /// When the session ends however much it is used.
    package var absoluteExpiry: Date

    package init(
        idHash: String, user: String, csrfToken: String, createdAt: Date, expiresAt: Date, absoluteExpiry: Date
    ) {
        self.idHash = idHash
        self.user = user
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.absoluteExpiry = absoluteExpiry
    }
}
