/// The `host[:port]` part of a mail server URL (`smtp://…`, `imaps://…`), read the same way for SMTP and IMAP: a
/// DNS name or a bracketed IPv6 literal, and a port from 1 to 65535 or the scheme's default.
struct ServerAuthority {
    let host: String
    let port: Int

    /// Reads `authority`; `shape` is the URL's form for the message of a malformed one (e.g. `smtp://host:port`).
    /// - Throws: ``Problem``, the reason in words a person can act on, which the caller wraps in its own error.
    init(_ authority: Substring, shape: String, defaultPort: Int) throws(Problem) {
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Problem("an IPv6 host needs a closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Problem("expected :port after the IPv6 host") }
                portText = after.dropFirst()
            }
            guard EmailAddress.isValidAddressLiteral("[IPv6:\(host)]") else {
                throw Problem("the IPv6 host is not valid")
            }
        } else {
            let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw Problem("the \(shape)") }
            host = String(pieces[0])
            portText = pieces.count == 2 ? pieces[1] : nil
            guard !host.isEmpty, EmailAddress.domainProblem(host) == nil, host.allSatisfy(\.isASCII) else {
                throw Problem("the host name is not valid")
            }
        }
        guard let portText else {
            port = defaultPort
            return
        }
        guard let number = Int(portText), (1...65535).contains(number) else {
            throw Problem("the port must be a number from 1 to 65535")
        }
        port = number
    }

    /// Why an authority cannot be read.
    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
