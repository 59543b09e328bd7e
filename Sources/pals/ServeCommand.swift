import ArgumentParser
import Engine
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Web

/// `pals serve`: the HTTP API and the officers' web app.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API (/api/v1) and the officers' web app over HTTP, until stopped.",
        discussion: """
            Listens on --listen, else http.listen in pals.yaml, else 127.0.0.1:8080. Speaks HTTPS when http.tls names a \
            certificate and key, else plain HTTP for nginx or another TLS proxy in front (see the README). `pals daemon` serves too when http.listen is set, so most installations run only the daemon.
            """
    )

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("Where to listen, e.g. 127.0.0.1:8080 (port 0: any free port).", valueName: "host:port"))
    var listen: String?
    @Option(help: "Log lines: human or json.") var logFormat: String = "human"

    func validate() throws {
        _ = try optionChoice(logFormat, "--log-format") as LineLogHandler.Format?
        if let listen, case .failure(let error) = HTTPListenAddress.parse(listen) {
            throw ValidationError("--listen \(error.reason)")
        }
    }

    func run() async throws {
        let format: LineLogHandler.Format = try optionChoice(logFormat, "--log-format")!
        LoggingSystem.bootstrap { LineLogHandler(label: $0, format: format) }
        let logger = Logger(label: "pals.web")
        let address = try listen.map { try HTTPListenAddress.parse($0).get() }
        let postroom = try Postroom(casebook: try options.casebook(), logger: logger)
        let server = try WebServer(postroom: postroom, logger: logger)
        let scheme = server.scheme
        let host = (address ?? server.settings.address).description.split(separator: ":").dropLast().joined(
            separator: ":")
        let application = try server.application(address: address) { port in
            // One line on standard output, so a script (or a test) learns the port of --listen …:0.
            FileHandle.standardOutput.write(Data("pals serve: listening on \(scheme)://\(host):\(port)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The web server as a service of `pals daemon`: there when `http.listen` is set, else none.
enum DaemonWeb {
    /// `reloaded` gives the `http` settings after a SIGHUP: the rate limit follows them; the listener, TLS and
    /// the rest need a restart.
    static func services(
        postroom: Postroom, logger: Logger, reloaded: (@Sendable () -> HTTPSettings?)? = nil
    ) throws -> [any Service] {
        guard let listen = postroom.casebook.workspace.configuration.http?.listen else { return [] }
        let server = try WebServer(postroom: postroom, logger: logger, reloaded: reloaded)
        logger.info("serving HTTP", metadata: ["listen": "\(server.scheme)://\(listen)"])
        return [try server.application(address: listen)]
    }
}
