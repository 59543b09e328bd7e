package import Foundation
internal import Yams

/// Where the HTTP server listens: a host (an IP address or a name) and a port.
package struct HTTPListenAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The default: loopback only, port 8080 (a reverse proxy in front does TLS and faces the network).
    package static let loopbackDefault = HTTPListenAddress(host: "127.0.0.1", port: 8080)

    /// Parses `host:port`, `[v6]:port` or `:port` (loopback); nil with a reason when it is not one.
    package static func parse(_ text: String) -> Result<HTTPListenAddress, ListenAddressError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"),
                trimmed[trimmed.index(after: close)...].hasPrefix(":")
            else { return .failure(.init("'\(text)' is not [IPv6]:port")) }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else {
            guard let colon = trimmed.lastIndex(of: ":"), !trimmed[..<colon].contains(":") else {
                return .failure(.init("'\(text)' is not host:port (e.g. 127.0.0.1:8080)"))
            }
            host = trimmed[..<colon].isEmpty ? "127.0.0.1" : trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            return .failure(.init("'\(text)': the port must be a number from 0 to 65535"))
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-:"))
        guard !host.isEmpty, host.unicodeScalars.allSatisfy(allowed.contains) else {
            return .failure(.init("'\(text)': '\(host)' is not a host name or IP address"))
        }
        return .success(HTTPListenAddress(host: String(host), port: port))
    }

    /// Whether only this machine can connect: 127.0.0.0/8, ::1 or localhost.
    package var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `127.0.0.1:8080`, `[::1]:8080`.
    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a listen address was refused.
package struct ListenAddressError: Error, Sendable, Equatable {
    package let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// `http`: the web server of `pals serve`, and of `pals daemon` when `http.listen` is set.
package struct HTTPSettings: Sendable, Equatable {
    /// `http.listen`: where to listen (default 127.0.0.1:8080); set, it also makes the daemon serve.
    package var listen: HTTPListenAddress?
    /// `http.rateLimit.requestsPerMinute`: requests one API token may make per minute (default 600).
    package var requestsPerMinute = 600
    /// `http.maxBodyBytes`: the largest request body taken (default 1 MiB); larger ones get 413.
    package var maxBodyBytes = 1_048_576
    /// `http.tls`: set, pals speaks HTTPS itself with this certificate and key (else plain HTTP behind a proxy).
    package var tls: HTTPTLSFiles?
    /// `http.idempotencyHours`: how long an `Idempotency-Key` is remembered (default 24); after that the same key
    /// is a new request.
    package var idempotencyHours = 24
    /// `http.sso`: sign-in by a trusted proxy's header, when configured.
    package var singleSignOn: SingleSignOnSettings?

    package init() {}

    /// Where the server listens: `http.listen`, else loopback port 8080.
    package var address: HTTPListenAddress { listen ?? .loopbackDefault }
}

extension WorkspaceConfiguration {
    static let httpKeys: Set<String> = ["listen", "tls", "rateLimit", "maxBodyBytes", "idempotencyHours", "sso"]

    /// Reads `http`.
    mutating func readHTTP(_ top: ConfigurationReader.Section) {
        guard let section = top.section("http", allowed: Self.httpKeys) else { return }
        var settings = HTTPSettings()
        if let text = section.string("listen") {
            switch HTTPListenAddress.parse(text) {
            case .success(let address): settings.listen = address
            case .failure(let error): section.problem("listen", error.reason)
            }
        }
        if let tls = section.section("tls", allowed: ["certificate", "key"]) {
            let certificate = tls.string("certificate")
            let key = tls.string("key")
            if certificate == nil { tls.problem("certificate", "is missing: the PEM file of the server's certificate") }
            if key == nil { tls.problem("key", "is missing: the PEM file of the certificate's private key") }
            if let certificate, let key { settings.tls = HTTPTLSFiles(certificate: certificate, key: key) }
        }
        if let limit = section.section("rateLimit", allowed: ["requestsPerMinute"]) {
            settings.requestsPerMinute =
                limit.integer("requestsPerMinute", in: 1...1_000_000) ?? settings.requestsPerMinute
        }
        settings.maxBodyBytes = section.integer("maxBodyBytes", in: 1024...67_108_864) ?? settings.maxBodyBytes
        settings.idempotencyHours = section.integer("idempotencyHours", in: 1...8760) ?? settings.idempotencyHours
        settings.singleSignOn = Self.readSingleSignOn(section)
        http = settings
    }
}

extension ConfigurationCheck {
    /// The checks of `http`: a listener off loopback without `http.tls` speaks plain HTTP to the network; with
    /// `http.tls`, each file must be there and the key private (checked against ``workspaceRoot``).
    func httpFindings() -> [ConfigurationFinding] {
        guard let settings = configuration.http else { return [] }
        if let tls = settings.tls {
            return tls.problems(in: workspaceRoot ?? URL(filePath: FileManager.default.currentDirectoryPath))
        }
        guard !settings.address.isLoopback else { return [] }
        return [
            .init(
                severity: .warning, key: "http.listen",
                message: "\(settings.address) is not loopback: other machines can connect over plain HTTP, so tokens"
                    + " and case data would cross the network unencrypted; listen on 127.0.0.1 behind a TLS proxy"
                    + " (see the README), set http.tls, or be sure a proxy on another machine does TLS on a network"
                    + " you trust")
        ]
    }
}
