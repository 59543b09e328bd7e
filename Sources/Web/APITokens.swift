package import Casework
package import Foundation
package import Primitives

/// Making and checking API tokens: `pals_` then 32 random bytes in base64url; the register keeps only their
/// SHA-256 (a ``HashedSecret``, as a session cookie is).
package struct APITokens: Sendable {
    package let records: WebRecords
    package let clock: WallClock

    package init(records: WebRecords, clock: WallClock) {
        self.records = records
        self.clock = clock
    }

    /// What every token starts with, so a leaked one is recognisable (secret scanners, logs).
    package static let prefix = "pals_"

    /// A name an administrator may give a token: 1 to 64 letters, digits, `.`, `_` or `-`.
    package static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
    }

    /// Makes a token named `name` with `scope`; returns it (shown once: only its hash is kept).
    package func add(name: String, scope: TokenScope) throws -> String {
        guard Self.isValidName(name) else { throw WebRecordError.badTokenName(name) }
        let token = HashedSecret.make(prefix: Self.prefix)
        try records.addToken(name: name, scope: scope, hash: HashedSecret.hash(token), now: clock.now())
        return token
    }

    /// The working token `presented` is, or nil.
    package func check(_ presented: String) throws -> APITokenRecord? {
        guard let hash = HashedSecret.lookupHash(presented, prefix: Self.prefix, maxLength: 199) else { return nil }
        return try records.token(hash: hash)
    }
}

extension WebRecordError {
    static func badTokenName(_ name: String) -> Self {
        Self(
            code: .badTokenName,
            message: "'\(name.escapingControls)' is not a token name: use 1 to 64 letters, digits, '.', '_' or '-'")
    }
}

extension ErrorCode where Domain == WebRecordError {
    /// A token name with characters a name may not have.
    package static let badTokenName = Self("bad token name")
}
