import Engine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// Direct HTTPS: the TLS settings of `http.tls`, checked before the server starts so a bad certificate or key is
/// one plain error at start-up, not a failed handshake for every visitor.
enum WebTLS {
    /// The server's TLS configuration from the workspace's certificate and key: TLS 1.2 at least. Throws a
    /// ``WebServerError`` naming the file and what to do: a file problem (as `pals config check` reports it), a
    /// certificate or key that cannot be read, or a pair that does not belong together.
    static func configuration(_ files: HTTPTLSFiles, root: URL) throws -> TLSConfiguration {
        if let problem = files.problems(in: root).first {
            throw WebServerError("\(problem.key): \(problem.message)")
        }
        let certificatePath = files.certificateURL(in: root).path
        let keyPath = files.keyURL(in: root).path
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw WebServerError("http.tls.certificate: \(certificatePath) cannot be read as a PEM certificate")
        }
        guard !chain.isEmpty else {
            throw WebServerError("http.tls.certificate: \(certificatePath) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw WebServerError("http.tls.key: \(keyPath) cannot be read as a PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            // Loading the pair into a context is where BoringSSL compares the key with the certificate.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw WebServerError(
                "http.tls: the private key \(keyPath) does not belong to the certificate \(certificatePath):"
                    + " name the key the certificate was issued for")
        }
        return configuration
    }
}

/// `Strict-Transport-Security` on every answer when pals speaks HTTPS itself: browsers then refuse plain HTTP to
/// this host for two years (the README's nginx example sends the same).
struct StrictTransportSecurityMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    static let value = "max-age=63072000"

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("Strict-Transport-Security")!] = Self.value
        return response
    }
}
