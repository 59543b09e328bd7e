import Foundation
import PalsTestKit
import Testing

/// A TLS test server that offers AUTH and answers it by quoting back everything the client sent (a broken
/// server), with the real `pals` pointed at it through the environment.
struct EchoingServerSetup {
    let username = "officer"
    let password = "e2e-Secret-Pässword-7"
    let folder: TemporaryFolder
    let certificate: TestCertificate
    let passwordFile: URL

    init() async throws {
        folder = try TemporaryFolder("smtp-secrets")
        certificate = try await TestCertificate.make(in: folder.url)
        passwordFile = folder.appending("password")
        try "\(password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
    }

    func serverArguments(echo: String) -> [String] {
        [
            "--tls-cert", certificate.certificate, "--tls-key", certificate.key, "--require-starttls",
            "--auth-user", username, "--auth-password-file", passwordFile.path, "--auth-echo", echo,
        ]
    }

    func environment(_ server: SMTPTestServer) -> [String: String] {
        [
            "PALS_SMTP_URL": server.url(), "PALS_SMTP_USER": username, "PALS_SMTP_PASSWORD_FILE": passwordFile.path,
            "PALS_SMTP_CA_FILE": certificate.certificate,
        ]
    }

    /// The password and every base64 form libcurl sends of the credentials.
    var secretForms: [String] {
        let plain = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
        return [
            password, plain, String(plain.prefix { $0 != "=" }), Data(username.utf8).base64EncodedString(),
            Data(password.utf8).base64EncodedString(),
        ]
    }

    /// Records an issue for each secret form in `text`.
    func expectClean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for form in secretForms {
            #expect(!text.contains(form), "\(what) holds a secret (\(form.prefix(4))…)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Credentials a server echoes never reach pals's output or files, run as a real binary", .serialized)
struct SMTPSecretsTests {
    @Test("pals smtp check against a server that echoes the AUTH exchange shows the refusal and no secret")
    func smtpCheckShowsNoSecret() async throws {
        let setup = try await EchoingServerSetup()
        defer { setup.folder.remove() }
        try await withSMTPServer(setup.serverArguments(echo: "501 5.5.2 cannot decode:")) { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let check = try await ws.pals(["smtp", "check"], environment: setup.environment(server))
            #expect(check.status == 1, "\(check)")
            #expect(check.stdout.contains("Authentication  refused:"), "\(check)")
            #expect(check.stdout.contains("cannot decode") && check.stdout.contains("<redacted>"), "\(check)")
            setup.expectClean(check.stdout, "smtp check's output")
            setup.expectClean(check.stderr, "smtp check's errors")
            #expect(server.eventCount("auth-echo") == 1, "the server did echo the credentials")
        }
    }

    @Test(
        "a letter refused by a server that echoes the AUTH exchange leaves no secret in the outbox, its listing or the case"
    )
    func failedLetterStoresNoSecret() async throws {
        let setup = try await EchoingServerSetup()
        defer { setup.folder.remove() }
        try await withSMTPServer(setup.serverArguments(echo: "535 5.7.8 cannot decode:")) { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let environment = setup.environment(server)
            let reference = try await ws.logExample()
            #expect(try await ws.pals(["letter", "consent-request", reference], environment: environment).status == 0)
            let flush = try await ws.pals(["outbox", "flush"], environment: environment)
            #expect(server.eventCount("auth-echo") >= 1, "the server did echo the credentials: \(flush)")
            #expect(server.receivedMessageIDs().isEmpty)
            setup.expectClean(flush.stdout + flush.stderr, "outbox flush's output")

            var outputs: [(String, ProcessResult)] = [("outbox flush", flush)]
            for arguments in [
                ["outbox", "list"], ["outbox", "list", "--json"], ["case", "show", reference, "--json"],
            ] {
                outputs.append(
                    (arguments.joined(separator: " "), try await ws.pals(arguments, environment: environment)))
            }
            for (name, result) in outputs {
                setup.expectClean(result.stdout + result.stderr, name)
            }
            let listing = try #require(outputs.first { $0.0 == "outbox list --json" }?.1.stdout)
            #expect(
                listing.contains("cannot decode") && listing.contains("<redacted>"),
                "the refusal is kept, redacted: \(listing)")

            // Every file of the workspace, the register and the failed folder included.
            let root = URL(filePath: ws.workspace)
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
            var checked = 0
            while let url = files?.nextObject() as? URL {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                    let data = FileManager.default.contents(atPath: url.path)
                else { continue }
                checked += 1
                for form in setup.secretForms {
                    #expect(data.range(of: Data(form.utf8)) == nil, "\(url.lastPathComponent) holds a secret")
                }
            }
            #expect(checked > 3)
        }
    }
}
