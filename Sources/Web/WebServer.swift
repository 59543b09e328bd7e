package import Casework
package import Engine
package import Foundation
import HTTPTypes
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
package import Logging
import NIOCore
import Primitives

/// The web front door of a workspace: the JSON API (`/api/v1`) and the officers' web app, one Hummingbird
/// application run by `pals serve`, or inside `pals daemon` when `http.listen` is set.
///
/// It works on the casebook and postroom it is given (the daemon's own, so one register pool serves both), and
/// keeps what it needs from them for the life of the server.
package struct WebServer: Sendable {
    /// The cases.
    package let casebook: Casebook
    /// Where letters are prepared and queued (the same path as `pals letter`).
    package let postroom: Postroom
    /// The register's web tables: tokens, idempotent answers, the audit trail.
    package let records: WebRecords
    /// Bearer tokens.
    package let tokens: APITokens
    /// The record-access audit.
    package let audit: Audit
    /// The deadline board's calculator.
    package let deadlines: DeadlineDesk
    /// The board of every open case, worked out once per change of the register.
    package let boardCache: BoardCache
    /// `http` from the configuration (defaults when it has none).
    package let settings: HTTPSettings
    /// Logs name case references, never a person.
    package let logger: Logger
    /// Requests per API token.
    let rateLimiter: RateLimiter
    /// `https` when `http.tls` is set, else `http`.
    package var scheme: String { settings.tls == nil ? "http" : "https" }

    /// A server for the postroom's workspace; fails when its register is not the SQLite register (the web's tables
    /// live there) or its deadline profiles cannot be read. `reloaded`, when given, is asked for the `http` settings
    /// in force at each request (the daemon's after a SIGHUP); only the rate limit follows it, the rest is read once.
    package init(postroom: Postroom, logger: Logger, reloaded: (@Sendable () -> HTTPSettings?)? = nil) throws {
        self.postroom = postroom
        casebook = postroom.casebook
        guard let register = casebook.register as? CaseRegister else {
            throw WebServerError("the web server needs the workspace's SQLite case register")
        }
        records = WebRecords(register: register)
        tokens = APITokens(records: records, clock: casebook.clock)
        audit = Audit(records: records, clock: casebook.clock)
        deadlines = try DeadlineDesk(workspace: casebook.workspace)
        boardCache = BoardCache(register: register, deadlines: deadlines, clock: casebook.clock)
        settings = casebook.workspace.configuration.http ?? HTTPSettings()
        self.logger = logger
        let started = settings
        rateLimiter = RateLimiter { (reloaded?() ?? started).requestsPerMinute }
    }

    /// The router: `/healthz`, the API, then the web app's pages.
    package func router() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        if settings.tls != nil { router.add(middleware: StrictTransportSecurityMiddleware()) }
        router.get("healthz") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        APIRoutes.add(to: router, server: self)
        AppRoutes.add(to: router, server: self)
        return router
    }

    /// The application listening on `address` (default: `http.listen`, else 127.0.0.1:8080): HTTPS with the
    /// certificate and key of `http.tls` when it is set (checked here, so a bad pair stops the start), else plain
    /// HTTP for a reverse proxy to face the network. `onRunning` is told the port it listens on (useful with port 0).
    package func application(
        address: HTTPListenAddress? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let address = address ?? settings.address
        let server: HTTPServerBuilder =
            try settings.tls.map { files in
                try .tls(.http1(), tlsConfiguration: WebTLS.configuration(files, root: casebook.workspace.root))
            } ?? .http1()
        return Application(
            router: router(), server: server,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "pals"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? address.port) },
            logger: logger)
    }
}

/// The web server could not be set up.
package struct WebServerError: Error, LocalizedError, CustomStringConvertible {
    package let message: String
    init(_ message: String) { self.message = message }
    package var errorDescription: String? { message }
    package var description: String { message }
}

/// Runs blocking work (SQLite, rendering, the outbox's files) on a Dispatch thread, so requests never hold one of
/// the cooperative pool's two threads while they wait.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
