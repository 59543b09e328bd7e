package import Casework

/// Who is asking: an API client by its bearer token, or a person signed in to the web app.
package enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// An API client, by the name and scope of its token.
    case token(name: String, scope: TokenScope)
    /// A person signed in to the web app, by user name and role.
    case user(name: String, role: UserRole)

    /// How the audit trail names this principal.
    package var actor: AuditActor {
        switch self {
        case .token(let name, _): AuditActor(kind: .token, name: name)
        case .user(let name, _): AuditActor(kind: .user, name: name)
        }
    }

    /// `token:website`, `user:aled` (names only: what logs and the audit carry).
    package var description: String { actor.description }
}

/// What a signed-in person may see and do: the role of their account (one type, kept under this name too).
package typealias UserRole = AccountRole

/// What an API request needs its token to allow.
package enum APIPermission: Sendable, Hashable {
    /// Log a new case (`POST /api/v1/cases`).
    case createCases
    /// Read cases, the board and letter previews.
    case readCases
    /// Queue a letter.
    case queueLetters
}

extension TokenScope {
    /// Whether a token of this scope may do `permission`: intake only creates; read reads; write does all three.
    package func allows(_ permission: APIPermission) -> Bool {
        switch (self, permission) {
        case (.write, _): true
        case (.intake, .createCases): true
        case (.read, .readCases): true
        default: false
        }
    }
}
