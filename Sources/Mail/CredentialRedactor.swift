internal import Foundation

/// Takes SMTP credentials out of text a server sent, before any of it leaves Mail.
///
/// A broken or hostile server may echo what it was sent (`501 cannot decode: AUTH PLAIN AGFsaWNl…`), and that
/// reply would otherwise be stored in the outbox, printed by `pals smtp check` and written to the case history.
/// Every reply Mail returns to a caller (delivery outcomes, ``SMTPProbeReport``, ``MailError``) passes through
/// here first, so nothing downstream has to know about AUTH.
///
/// What is replaced with `<redacted>`:
/// - the password and the username as plain text (the username only where it stands alone, not inside a
///   longer word, so a short name does not shred the rest of the reply);
/// - the base64 forms libcurl sends: AUTH PLAIN's `\0user\0password` (and `user\0user\0password`), AUTH LOGIN's
///   base64 username and base64 password, with or without `=` padding;
/// - any base64-looking word that is part of one of those forms (a server that truncates the echo) or that
///   decodes to text holding the password or the username;
/// - in a reply to the AUTH exchange, whatever follows `AUTH <mechanism>` (the echoed initial response).
struct CredentialRedactor: Sendable {
    static let mark = "<redacted>"

    /// Strings replaced wherever they occur, longest first.
    private let secrets: [String]
    /// The username, replaced only where it stands alone.
    private let username: String?
    /// The raw bytes searched for in decoded base64 words.
    private let rawSecrets: [Data]

    /// A redactor that changes nothing (no credentials configured).
    static let none = CredentialRedactor(credentials: nil)

    init(credentials: SMTPCredentials?) {
        guard let credentials else {
            secrets = []
            username = nil
            rawSecrets = []
            return
        }
        let user = credentials.username
        let password = credentials.password
        var encoded: [String] = []
        for raw in ["\0\(user)\0\(password)", "\(user)\0\(user)\0\(password)", user, password] where !raw.isEmpty {
            let base64 = Data(raw.utf8).base64EncodedString()
            encoded.append(base64)
            let unpadded = String(base64.prefix(while: { $0 != "=" }))
            if unpadded != base64 { encoded.append(unpadded) }
        }
        var all = encoded
        if !password.isEmpty { all.append(password) }
        secrets = Array(Set(all)).sorted { $0.count > $1.count }
        username = user.isEmpty ? nil : user
        rawSecrets = [password, user].filter { !$0.isEmpty }.map { Data($0.utf8) }
    }

    /// Whether there is anything to redact.
    var isActive: Bool { !secrets.isEmpty }

    /// `text` with every trace of the credentials replaced; `authExchange` marks a reply to AUTH or its data.
    func redact(_ text: String, authExchange: Bool = false) -> String {
        guard isActive else { return text }
        var out = text
        if authExchange { out = Self.redactAuthArguments(out) }
        for secret in secrets { out = out.replacingOccurrences(of: secret, with: Self.mark) }
        if let username { out = Self.replaceStandalone(username, in: out) }
        return redactEncodedWords(out)
    }

    /// `AUTH PLAIN <anything>` becomes `AUTH PLAIN <redacted>`: the initial response is the credentials.
    private static func redactAuthArguments(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index + 2 < words.count {
            let verb = words[index].uppercased().trimmingCharacters(in: CharacterSet(charactersIn: ":\"'<>()[]"))
            let mechanism = words[index + 1].uppercased()
            if verb == "AUTH", mechanism.count >= 4,
                mechanism.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
                !words[index + 2].isEmpty
            {
                words[index + 2] = mark
                index += 3
            } else {
                index += 1
            }
        }
        return words.joined(separator: " ")
    }

    /// Replaces `name` where the characters around it are not letters, digits or `.`, `-`, `_`, `@`.
    private static func replaceStandalone(_ name: String, in text: String) -> String {
        func isWordCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || ".-_@+".contains(character)
        }
        var out = ""
        var rest = text[...]
        while let range = rest.range(of: name) {
            let before = range.lowerBound == rest.startIndex ? (out.last) : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
            let standalone =
                !(before.map(isWordCharacter) ?? false) && !(after.map(isWordCharacter) ?? false)
            out += rest[..<range.lowerBound]
            out += standalone ? mark : String(rest[range])
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    /// Base64-looking words (8 characters or more) that are a piece of an encoded secret, or decode to bytes
    /// holding the password or the username.
    private func redactEncodedWords(_ text: String) -> String {
        let base64Characters = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        var out = ""
        var word = ""
        func flush() {
            if word.count >= 8, isSecretWord(word) { out += Self.mark } else { out += word }
            word = ""
        }
        for scalar in text.unicodeScalars {
            if base64Characters.contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else {
                flush()
                out.unicodeScalars.append(scalar)
            }
        }
        flush()
        return out
    }

    private func isSecretWord(_ word: String) -> Bool {
        // A word made only of letters is an ordinary word (or too unlikely a piece of base64 to matter).
        guard word.contains(where: { !$0.isLetter }) || word.count >= 16 else { return false }
        if secrets.contains(where: { $0.count >= 8 && $0.contains(word) }) { return true }
        let trimmed = word.prefix(while: { $0 != "=" })
        // Decode the longest prefix whose length is a multiple of 4 (a truncated echo still decodes).
        let usable = trimmed.prefix(trimmed.count - trimmed.count % 4)
        guard usable.count >= 8, let decoded = Data(base64Encoded: String(usable)) else { return false }
        return rawSecrets.contains { secret in
            decoded.range(of: secret) != nil || (secret.count >= 4 && Self.endsWithPrefix(of: secret, decoded))
        }
    }

    /// Whether `data` ends with the first 4 or more bytes of `secret` (an echo cut off inside the password).
    private static func endsWithPrefix(of secret: Data, _ data: Data) -> Bool {
        let longest = min(secret.count - 1, data.count)
        guard longest >= 4 else { return false }
        for length in stride(from: longest, through: 4, by: -1) where data.suffix(length) == secret.prefix(length) {
            return true
        }
        return false
    }
}
