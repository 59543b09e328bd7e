package import Casework
package import Foundation
package import Primitives

/// Making and checking API tokens: `pals_` then 32 random bytes in base64url; the register keeps only their
/// SHA-256.
///
/// A plain SHA-256 (not bcrypt) is right here: a token is 256 random bits, so no dictionary or brute force can
/// find one from its hash, and a fast hash lets every request be checked by one indexed lookup.
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
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Self.prefix + Self.base64url(Data(bytes))
        try records.addToken(name: name, scope: scope, hash: Self.hash(token), now: clock.now())
        return token
    }

    /// The working token `presented` is, or nil.
    package func check(_ presented: String) throws -> APITokenRecord? {
        guard presented.hasPrefix(Self.prefix), presented.utf8.count < 200 else { return nil }
        return try records.token(hash: Self.hash(presented))
    }

    /// The SHA-256 of a token, in hex.
    package static func hash(_ token: String) -> String {
        SHA256Digest.hex(token.utf8)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
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
