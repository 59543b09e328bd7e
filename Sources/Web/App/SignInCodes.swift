package import Foundation

/// Sign-in codes from an authenticator app (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), computed with
/// ``HMACSHA1``. A code is accepted for its own step and one either side (a phone's clock
/// a little fast or slow), and never for a step already used.
package enum SignInCodes {
    /// The length of a step, in seconds.
    package static let stepSeconds = 30
    /// The digits of a code.
    package static let digits = 6
    /// Who the app names as the code's issuer.
    package static let issuer = "pals"

    /// A new secret: 32 characters of the base-32 alphabet (160 random bits). The HMAC key is the secret's
    /// characters; what the person types into their app is ``base32(_:)`` of it.
    package static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The step `date` falls in (seconds since 1970 over 30).
    package static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(stepSeconds)).rounded(.down))
    }

    /// The code of `step` for `secret`, with `length` digits.
    package static func code(secret: String, step: Int64, length: Int = digits) -> String {
        let counter = (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (UInt64($0) * 8)) }
        let mac = HMACSHA1.authenticationCode(key: Array(secret.utf8), message: counter)
        // RFC 4226 dynamic truncation: 31 bits from the offset the last nibble names.
        let offset = Int(mac[19] & 0x0F)
        let bits =
            (UInt32(mac[offset]) & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
        let modulus = (0..<length).reduce(UInt32(1)) { product, _ in product * 10 }
        let text = String(bits % modulus)
        return String(repeating: "0", count: max(0, length - text.count)) + text
    }

    /// The step whose code `typed` is, within one step of `now`; nil when it matches none. Spaces and dashes the
    /// person typed are ignored.
    package static func matchingStep(_ typed: String, secret: String, at now: Date) -> Int64? {
        let code = typed.filter { $0 != " " && $0 != "-" }
        guard code.count == digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let current = step(at: now)
        return [current, current - 1, current + 1].first { candidate in
            AppSecurity.tokensMatch(self.code(secret: secret, step: candidate), code)
        }
    }

    /// The secret as the app takes it: RFC 4648 base 32 of its bytes, without padding.
    package static func base32(_ secret: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in secret.utf8 {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// The `otpauth://` address an app reads (by QR code or pasted) to enrol `account`.
    package static func enrolmentURI(secret: String, account: String) -> String {
        // An account name is lower-case letters, digits, '.', '_' and '-': nothing to percent-encode.
        "otpauth://totp/\(issuer):\(account)?secret=\(base32(secret))&issuer=\(issuer)&algorithm=SHA1"
            + "&digits=\(digits)&period=\(stepSeconds)"
    }
}
