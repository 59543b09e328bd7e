import Foundation
import PalsTestKit
import Testing

@testable import Mail

/// The credentials of these tests and every form of them a server could echo.
struct SecretForms {
    let username = "officer"
    let password = "s3cret-Pässword!"

    var credentials: SMTPCredentials { SMTPCredentials(username: username, password: password) }
    /// AUTH PLAIN's initial response, as libcurl sends it.
    var plainBlob: String { Data("\0\(username)\0\(password)".utf8).base64EncodedString() }
    var loginUser: String { Data(username.utf8).base64EncodedString() }
    var loginPassword: String { Data(password.utf8).base64EncodedString() }

    /// Every form that must never appear, with a name for the failure message.
    var forms: [(String, String)] {
        [
            ("password", password), ("PLAIN blob", plainBlob), ("LOGIN username", loginUser),
            ("LOGIN password", loginPassword), ("PLAIN blob without padding", String(plainBlob.prefix { $0 != "=" })),
        ]
    }

    /// Records an issue for each secret form found in `text`.
    func expectClean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, form) in forms {
            #expect(!text.contains(form), "\(what) holds the \(name): \(text)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Credentials a server echoes never leave Mail")
struct CredentialRedactionTests {
    let secrets = SecretForms()

    @Test("the redactor takes out the password, the PLAIN blob and LOGIN's base64 forms, and keeps the rest")
    func redactorForms() {
        let redactor = CredentialRedactor(credentials: secrets.credentials)
        let cases = [
            "cannot decode: AUTH PLAIN \(secrets.plainBlob)",
            "cannot decode: \(secrets.plainBlob)",
            "cannot decode: \(secrets.loginUser) \(secrets.loginPassword)",
            "bad password \(secrets.password) for you",
            "cannot decode: \"\(String(secrets.plainBlob.prefix(14)))\"",
            "5.7.8 AUTH LOGIN \(secrets.loginUser)",
            "cannot decode: \(Data("officer\0officer\0\(secrets.password)".utf8).base64EncodedString())",
        ]
        for text in cases {
            let clean = redactor.redact(text, authExchange: true)
            secrets.expectClean(clean, "the redacted \"\(text)\"")
            #expect(clean.contains("<redacted>"), "\(clean)")
        }
        // An echo cut short still shows none of the blob.
        let truncated = String(secrets.plainBlob.prefix(14))
        #expect(!redactor.redact("cannot decode: \"\(truncated)\"").contains(truncated))
        // The username alone, not inside another word.
        #expect(redactor.redact("no such user officer here") == "no such user <redacted> here")
        #expect(redactor.redact("see officers.example.org") == "see officers.example.org")
        // Ordinary replies are untouched.
        for reply in [
            "5.7.8 Authentication credentials invalid", "2.0.0 Ok: queued as 1234ABCD",
            "5.5.4 Unrecognized authentication type",
        ] {
            #expect(redactor.redact(reply, authExchange: true) == reply)
        }
        #expect(CredentialRedactor.none.redact("anything \(secrets.password)") == "anything \(secrets.password)")
    }

    /// A TLS server that offers AUTH and answers it by quoting back everything the client sent.
    func withEchoingServer(
        reply: String, mechanisms: String? = nil,
        _ body: (SMTPTestServer, SMTPConfiguration) async throws -> Void
    ) async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let passwordFile = folder.appendingPathComponent("password")
        try "\(secrets.password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        var arguments = [
            "--tls-cert", cert.certificate, "--tls-key", cert.key, "--require-starttls",
            "--auth-user", secrets.username, "--auth-password-file", passwordFile.path, "--auth-echo", reply,
        ]
        if let mechanisms { arguments += ["--auth-mechanisms", mechanisms] }
        try await withSMTPServer(arguments) { server in
            var configuration = loopback(server)
            configuration.credentials = secrets.credentials
            configuration.caFile = cert.certificate
            try await body(server, configuration)
        }
    }

    @Test(
        "a server that echoes the AUTH exchange in its refusal: the delivery outcome holds no secret",
        arguments: [("501 5.5.2 cannot decode:", "PLAIN"), ("535 5.7.8 cannot decode:", "LOGIN")])
    func echoedAuthInDelivery(reply: String, mechanism: String) async throws {
        let code = Int(reply.prefix(3))
        try await withEchoingServer(reply: reply, mechanisms: mechanism) { server, configuration in
            let outcome = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
            guard case .permanentFailure(let got, let text) = outcome else {
                Issue.record("expected a permanent failure, got \(outcome)")
                return
            }
            #expect(got == code)
            #expect(text.contains("cannot decode") && text.contains("<redacted>"), "\(text)")
            secrets.expectClean(text, "the outcome")
            secrets.expectClean("\(outcome)", "the outcome's description")
            #expect(server.eventCount("auth-echo") == 1, "the server did echo the exchange")
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("a server that echoes the AUTH exchange: the SMTP check's report holds no secret")
    func echoedAuthInProbe() async throws {
        for (reply, mechanism) in [("501 5.5.2 cannot decode:", "PLAIN"), ("535 5.7.8 cannot decode:", "LOGIN")] {
            try await withEchoingServer(reply: reply, mechanisms: mechanism) { server, configuration in
                let report = try await SMTPProbe.check(configuration)
                guard case .refused(let text) = report.authentication else {
                    Issue.record("expected the login to be refused, got \(report.authentication)")
                    return
                }
                #expect(text.contains("cannot decode") && text.contains("<redacted>"), "\(text)")
                secrets.expectClean(text, "the probe's refusal")
                secrets.expectClean("\(report)", "the probe report")
                #expect(server.eventCount("auth-echo") == 1)
            }
        }
    }
}
