import Foundation
import PalsTestKit
import Testing

/// A workspace made by `pals init` with a throwaway self-signed certificate for localhost and 127.0.0.1 in `tls/`
/// (made here with openssl: no key is checked in), named by `http.tls`.
struct TLSWorkspace {
    let folder: TemporaryFolder
    var root: URL { folder.appending("ws") }
    var certificate: URL { root.appending(path: "tls/cert.pem") }
    var key: URL { root.appending(path: "tls/key.pem") }

    init(_ name: String, listen: String? = nil) async throws {
        folder = try TemporaryFolder(name)
        let made = try await ProcessRunner.palsOffPool(["init", folder.appending("ws").path])
        guard made.status == 0 else { throw TestSetupError(description: "pals init failed: \(made)") }
        try FileManager.default.createDirectory(at: root.appending(path: "tls"), withIntermediateDirectories: true)
        try await Self.makeCertificate(certificate: certificate, key: key)
        let listenLine = listen.map { "  listen: \($0)\n" } ?? ""
        try appendConfiguration(
            "http:\n\(listenLine)  tls:\n    certificate: tls/cert.pem\n    key: \(key.path)\n", to: root)
    }

    /// A self-signed P-256 certificate valid for two days, its key mode 600.
    static func makeCertificate(certificate: URL, key: URL) async throws {
        let made = try await ProcessRunner.runOffPool(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.path, "-out", certificate.path,
            ])
        guard made.status == 0 else { throw TestSetupError(description: "openssl failed: \(made)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
    }

    /// curl over HTTPS trusting only the workspace's certificate: the status code, headers and body.
    func curl(_ url: String, _ extra: [String] = []) async throws -> ProcessResult {
        try await ProcessRunner.runOffPool(
            "/usr/bin/curl",
            ["-sS", "--max-time", "30", "--cacert", certificate.path, "-D", "-", "-w", "\n%{http_code}"] + extra
                + [url])
    }
}

@Suite("pals serve speaks HTTPS itself when http.tls names a certificate and key", .serialized)
struct ServeTLSTests {
    @Test("over https: /healthz and an API route answer, with Strict-Transport-Security; plain http is refused")
    func servesHTTPS() async throws {
        let tls = try await TLSWorkspace("web-tls")
        defer { tls.folder.remove() }
        let token = try await ProcessRunner.palsOffPool([
            "token", "add", "site", "--scope", "read", "--workspace", tls.root.path,
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try freePort()
        let server = try ProcessRunner.start(
            ProcessRunner.palsBinary, ["serve", "--workspace", tls.root.path, "--listen", "127.0.0.1:\(port)"],
            environment: ["PALS_NOW": WebTestServer.now])
        var health: ProcessResult?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, server.process.isRunning {
            health = try await tls.curl("https://localhost:\(port)/healthz")
            if health?.status == 0 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let api = try await tls.curl(
            "https://127.0.0.1:\(port)/api/v1/cases?limit=1", ["-H", "Authorization: Bearer \(token)"])
        let plain = try await ProcessRunner.runOffPool(
            "/usr/bin/curl",
            [
                "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:\(port)/healthz",
            ])
        let afterPlain = try await tls.curl("https://localhost:\(port)/healthz")
        kill(server.process.processIdentifier, SIGTERM)
        let stopped = await server.waitOffPool()

        let answer = health?.stdout ?? ""
        #expect(health?.status == 0, "\(String(describing: health))\n\(stopped)")
        #expect(answer.hasSuffix("ok\n\n200"), "\(answer)")
        #expect(answer.lowercased().contains("strict-transport-security: max-age=63072000"), "\(answer)")
        #expect(api.stdout.hasSuffix("\n200"), "\(api)")
        #expect(api.stdout.contains("\"items\""), "\(api)")
        #expect(plain.status != 0 || plain.stdout != "200", "plain HTTP to the TLS port must not be answered: \(plain)")
        #expect(afterPlain.stdout.hasSuffix("\n200"), "the server goes on after a plain HTTP client: \(afterPlain)")
        #expect(stopped.stdout.contains("listening on https://127.0.0.1:\(port)"), "\(stopped)")
        #expect(stopped.status == 0, "\(stopped)")
    }

    @Test("pals daemon with http.listen and http.tls serves HTTPS")
    func daemonServesHTTPS() async throws {
        let port = try freePort()
        let tls = try await TLSWorkspace("web-tls-daemon", listen: "127.0.0.1:\(port)")
        defer { tls.folder.remove() }
        let daemon = try ProcessRunner.start(
            ProcessRunner.palsBinary, ["daemon", "--workspace", tls.root.path],
            environment: ["PALS_NOW": WebTestServer.now])
        var health: ProcessResult?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, daemon.process.isRunning {
            health = try await tls.curl("https://127.0.0.1:\(port)/healthz")
            if health?.status == 0 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(daemon.process.processIdentifier, SIGTERM)
        let stopped = await daemon.waitOffPool()
        #expect(health?.stdout.hasSuffix("ok\n\n200") == true, "\(String(describing: health))\n\(stopped)")
        #expect(stopped.stderr.contains("https://127.0.0.1:\(port)"), "\(stopped)")
    }

    /// `pals config check` and `pals serve` on the workspace: both must fail, and say `words`.
    func expectRefused(_ tls: TLSWorkspace, _ words: [String], checkFinds: Bool = true) async throws {
        let check = try await ProcessRunner.palsOffPool(["config", "check", "--workspace", tls.root.path])
        if checkFinds {
            #expect(check.status != 0, "\(check)")
            for word in words { #expect(check.stderr.contains(word), "config check should say \(word): \(check)") }
        }
        let serve = try await ProcessRunner.palsOffPool([
            "serve", "--workspace", tls.root.path, "--listen", "127.0.0.1:0",
        ])
        #expect(serve.status != 0, "\(serve)")
        for word in words { #expect(serve.stderr.contains(word), "pals serve should say \(word): \(serve)") }
    }

    @Test("a key readable by others is refused, with the chmod to run")
    func keyModeRefused() async throws {
        let tls = try await TLSWorkspace("web-tls-mode")
        defer { tls.folder.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tls.key.path)
        try await expectRefused(tls, ["http.tls.key", "mode 644", "chmod 600 \(tls.key.path)"])
    }

    @Test("a certificate that is a link to a missing file is refused, naming the link's target")
    func danglingLinkRefused() async throws {
        let tls = try await TLSWorkspace("web-tls-link")
        defer { tls.folder.remove() }
        try FileManager.default.removeItem(at: tls.certificate)
        try FileManager.default.createSymbolicLink(
            atPath: tls.certificate.path, withDestinationPath: "/nonexistent/renewed.pem")
        try await expectRefused(tls, ["http.tls.certificate", "/nonexistent/renewed.pem", "does not exist"])
    }

    @Test("a folder in place of the certificate is refused")
    func folderRefused() async throws {
        let tls = try await TLSWorkspace("web-tls-folder")
        defer { tls.folder.remove() }
        try FileManager.default.removeItem(at: tls.certificate)
        try FileManager.default.createDirectory(at: tls.certificate, withIntermediateDirectories: false)
        try await expectRefused(tls, ["http.tls.certificate", "is a folder"])
    }

    @Test("a key that does not belong to the certificate stops the server with a plain error")
    func mismatchedPairRefused() async throws {
        let tls = try await TLSWorkspace("web-tls-pair")
        defer { tls.folder.remove() }
        let other = tls.folder.appending("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try await TLSWorkspace.makeCertificate(
            certificate: other.appending(path: "cert.pem"), key: other.appending(path: "key.pem"))
        try FileManager.default.removeItem(at: tls.key)
        try FileManager.default.copyItem(at: other.appending(path: "key.pem"), to: tls.key)
        try await expectRefused(tls, ["does not belong to the certificate"], checkFinds: false)
    }

    @Test("a file that is not PEM, and a tls section without a key, are refused")
    func notPEMRefused() async throws {
        let tls = try await TLSWorkspace("web-tls-garbage")
        defer { tls.folder.remove() }
        try Data("not a certificate\n".utf8).write(to: tls.certificate)
        try await expectRefused(tls, ["http.tls.certificate", "not a PEM certificate"])
        let config = tls.root.appending(path: "pals.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
        let withoutKey = text.split(separator: "\n").filter { !$0.contains("    key: ") }.joined(separator: "\n")
        try withoutKey.write(to: config, atomically: true, encoding: .utf8)
        let check = try await ProcessRunner.palsOffPool(["config", "check", "--workspace", tls.root.path])
        #expect(check.status != 0, "\(check)")
        #expect(check.stderr.contains("key") && check.stderr.contains("is missing"), "\(check)")
    }
}
