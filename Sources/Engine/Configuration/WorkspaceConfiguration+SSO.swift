import Foundation

/// `http.sso`: single sign-on by a header that a trusted reverse proxy sets after it has signed the person in.
///
/// The header is believed only on connections from ``trustedProxies``: anyone else could send it. Both keys are
/// needed; a header without proxies is a configuration error, never "trust everyone".
package struct SingleSignOnSettings: Sendable, Equatable {
    /// `http.sso.header`: the header naming the signed-in user (e.g. `X-Remote-User`), compared without case.
    package var header: String
    /// `http.sso.trustedProxies`: the IP addresses of the proxies whose header is believed.
    package var trustedProxies: [String]

    package init(header: String, trustedProxies: [String]) {
        self.header = header
        self.trustedProxies = trustedProxies
    }

    /// Whether a connection from `address` (an IP address, as the server saw it) may name the user.
    package func trusts(_ address: String?) -> Bool {
        guard let address else { return false }
        return trustedProxies.contains { Self.sameAddress($0, address) }
    }

    /// `::ffff:127.0.0.1` is `127.0.0.1`; otherwise the texts must be equal (case aside).
    static func sameAddress(_ a: String, _ b: String) -> Bool {
        func bare(_ text: String) -> String {
            let lower = text.lowercased()
            return lower.hasPrefix("::ffff:") && lower.contains(".") ? String(lower.dropFirst(7)) : lower
        }
        return bare(a) == bare(b)
    }

    /// Whether `text` can be a header name (RFC 9110 token characters).
    static func isHeaderName(_ text: String) -> Bool {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-.^_`|~"))
        guard text.allSatisfy(\.isASCII) else { return false }
        return (1...64).contains(text.count) && text.unicodeScalars.allSatisfy(allowed.contains)
    }
}

extension WorkspaceConfiguration {
    /// Reads `http.sso`; returns nil when it is absent or wrong (each problem reported at its key).
    static func readSingleSignOn(_ http: ConfigurationReader.Section) -> SingleSignOnSettings? {
        guard let section = http.section("sso", allowed: ["header", "trustedProxies"]) else { return nil }
        let header = section.string("header")
        let proxies = section.strings("trustedProxies") ?? []
        guard let header else {
            if !proxies.isEmpty { section.problem("header", "name the header the proxy sets, e.g. X-Remote-User") }
            return nil
        }
        guard SingleSignOnSettings.isHeaderName(header) else {
            section.problem("header", "'\(header)' is not a header name")
            return nil
        }
        guard !proxies.isEmpty else {
            section.problem(
                "trustedProxies",
                "list the IP addresses of the proxies that set \(header): without them anyone could send it and be"
                    + " signed in")
            return nil
        }
        let bad = proxies.filter { !Self.isIPAddress($0) }
        guard bad.isEmpty else {
            section.problem(
                "trustedProxies", "\(bad.joined(separator: ", ")) is not an IP address (names are not resolved)")
            return nil
        }
        return SingleSignOnSettings(header: header, trustedProxies: proxies)
    }

    /// Whether `text` is an IPv4 or IPv6 address.
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
