import Foundation

/// A random secret handed out once and kept only as its SHA-256: a session cookie's value and an API token.
/// Making one, hashing one and checking a presented one before its hash is looked up are the same for both.
///
/// A plain SHA-256 (not bcrypt) is right here: a secret is 256 random bits, so no dictionary or brute force can
/// find one from its hash, and a fast hash lets every request be checked by one indexed lookup.
package enum HashedSecret {
    /// `prefix` then 32 random bytes as URL-safe base64 without padding (43 characters).
    package static func make(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix
            + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of `secret` in hex: what the register keeps.
    package static func hash(_ secret: String) -> String {
        SHA256Digest.hex(secret.utf8)
    }

    /// The hash to look up for a presented secret, or nil when it cannot be one of ours (empty, without
    /// `prefix`, or longer than `maxLength` bytes): such a value never reaches the register.
    package static func lookupHash(_ presented: String, prefix: String = "", maxLength: Int) -> String? {
        guard presented.utf8.count > prefix.utf8.count, presented.utf8.count <= maxLength,
            presented.hasPrefix(prefix)
        else { return nil }
        return hash(presented)
    }
}
