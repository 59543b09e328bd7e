import CCurl
import Foundation
import PalsTestKit
import Testing

@testable import Mail

@Suite("SMTP settings, credentials and outcome classification")
struct SMTPConfigurationTests {
    @Test("a non-loopback server without TLS is refused before connecting")
    func nonLoopbackWithoutTLS() throws {
        var configuration = SMTPConfiguration(url: "smtp://mail.example.org:587")
        configuration.tls = .disabled
        #expect {
            _ = try CurlSMTPTransport(configuration: configuration)
        } throws: { error in
            (error as? MailError)?.code == .insecureConfiguration
        }
        // The automatic mode asks libcurl for STARTTLS (CURLUSESSL_ALL) for every non-loopback server.
        configuration.tls = .automatic
        #expect(try configuration.plan().useTLS)
        #expect(try configuration.plan().curlURL == "smtp://mail.example.org:587")
    }

    @Test(
        "loopback detection",
        arguments: [
            ("127.0.0.1", true), ("127.10.20.30", true), ("localhost", true), ("::1", true),
            ("128.0.0.1", false), ("127.0.0.1.example.org", false), ("mail.localhost.example.org", false),
            ("10.0.0.1", false),
        ])
    func loopback(_ host: String, _ expected: Bool) {
        #expect(SMTPConfiguration.isLoopback(host) == expected)
    }

    @Test("the TLS plan: smtps is implicit; smtp needs STARTTLS unless loopback without credentials")
    func plans() throws {
        let credentials = SMTPCredentials(username: "u", password: "p")
        #expect(try SMTPConfiguration(url: "smtps://mail.example.org").plan().curlURL == "smtps://mail.example.org:465")
        #expect(try SMTPConfiguration(url: "smtp://127.0.0.1:2525").plan().useTLS == false)
        #expect(try SMTPConfiguration(url: "smtp://[::1]:2525", credentials: credentials).plan().useTLS == true)
        #expect(try SMTPConfiguration(url: "smtp://[::1]:2525").plan().curlURL == "smtp://[::1]:2525")
        var required = SMTPConfiguration(url: "smtp://localhost:2525")
        required.tls = .required
        required.heloName = "pals.example.org"
        #expect(try required.plan().useTLS && required.plan().curlURL == "smtp://localhost:2525/pals.example.org")
    }

    @Test(
        "bad settings are refused with the field named",
        arguments: [
            "http://mail.example.org", "smtp://user:pw@mail.example.org", "smtp://mail.example.org:99999",
            "smtp://mail.example.org/path", "smtp://", "smtp://bad host",
        ])
    func badURLs(_ url: String) {
        #expect {
            _ = try SMTPConfiguration(url: url).plan()
        } throws: { error in
            let error = error as? MailError
            return error?.code == .invalidConfiguration && error?.field == "url"
                && !(error?.description.contains("pw") ?? true)
        }
    }

    @Test("credentials load from a file or the environment, and never show the password")
    func credentials() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("pw")
        try "hunter2-secret\r\nsecond line\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try SMTPCredentials.load(
            usernameEnv: "SMTP_USER", passwordFile: file.path,
            environment: ["SMTP_USER": "officer"])
        #expect(fromFile.username == "officer" && fromFile.password == "hunter2-secret")
        #expect(!"\(fromFile)".contains("hunter2") && !String(reflecting: fromFile).contains("hunter2"))
        var dumped = ""
        dump(fromFile, to: &dumped)
        #expect(!dumped.contains("hunter2"))

        let fromEnv = try SMTPCredentials.load(
            username: "u", passwordEnv: "SMTP_PASSWORD",
            environment: ["SMTP_PASSWORD": "env-secret"])
        #expect(fromEnv.password == "env-secret")

        #expect {
            _ = try SMTPCredentials.load(username: "u", passwordEnv: "SMTP_PASSWORD", environment: [:])
        } throws: { error in
            (error as? MailError)?.code == .credentialsUnavailable && "\(error)".contains("SMTP_PASSWORD")
        }
        #expect {
            _ = try SMTPCredentials.load(username: "u", passwordFile: folder.appendingPathComponent("missing").path)
        } throws: { error in
            (error as? MailError)?.code == .credentialsUnavailable
        }
    }

    /// A context as a transfer would leave it.
    func context(bodyComplete: Bool, replies: [String] = [], abort: TransferAbort? = nil) -> TransferContext {
        let context = TransferContext(
            body: Data("x".utf8), commandTimeout: .seconds(300), finalReplyTimeout: .seconds(600),
            redactor: .none)
        for reply in replies {
            context.sent(reply.hasPrefix("250 ") ? "MAIL FROM:<a@b>" : "RCPT TO:<a@b>")
            context.received(reply + "\r\n")
        }
        if bodyComplete { context.markBodyComplete() }
        context.abort = abort
        return context
    }

    func classify(_ code: CURLcode, _ response: Int, _ context: TransferContext) -> DeliveryOutcome {
        CurlEasy.classify(
            curlCode: code, responseCode: response, context: context, curlMessage: "curl says",
            configuration: SMTPConfiguration(url: "smtp://127.0.0.1"))
    }

    @Test("classification looks at the CURLcode first: a stale 250 after a certificate failure is not success")
    func classification() {
        #expect(
            classify(CURLE_OK, 250, context(bodyComplete: true, replies: ["250 queued"]))
                == .delivered(reply: "250 queued"))
        if case .permanentFailure(nil, let text) = classify(
            CURLE_PEER_FAILED_VERIFICATION, 250, context(bodyComplete: false))
        {
            #expect(text.contains("certificate"))
        } else {
            Issue.record("a certificate failure is permanent")
        }
        if case .permanentFailure(nil, let text) = classify(CURLE_USE_SSL_FAILED, 250, context(bodyComplete: false)) {
            #expect(text.contains("STARTTLS"))
        } else {
            Issue.record("missing STARTTLS is permanent")
        }
        #expect(
            classify(CURLE_SEND_ERROR, 550, context(bodyComplete: false, replies: ["550 no such user"]))
                == .permanentFailure(code: 550, reply: "550 no such user"))
        #expect(
            classify(CURLE_SEND_ERROR, 452, context(bodyComplete: false, replies: ["452 full"]))
                == .temporaryFailure(code: 452, reply: "452 full"))
        #expect(
            classify(CURLE_COULDNT_CONNECT, 0, context(bodyComplete: false))
                == .temporaryFailure(code: nil, reply: "could not connect to the SMTP server (curl says)"))
        for code in [CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR] {
            guard case .uncertain = classify(code, 354, context(bodyComplete: true)) else {
                Issue.record("a lost connection after the body is uncertain (\(code))")
                continue
            }
            guard case .temporaryFailure = classify(code, 250, context(bodyComplete: false)) else {
                Issue.record("a lost connection before the body is temporary (\(code))")
                continue
            }
        }
        guard
            case .uncertain(let reason) = classify(
                CURLE_ABORTED_BY_CALLBACK, 354, context(bodyComplete: true, abort: .finalReplyTimeout))
        else {
            Issue.record("no final reply in time is uncertain")
            return
        }
        #expect(reason.contains("600 s"))
    }
}

@Suite("Checking an SMTP server with SMTPProbe, against aiosmtpd (needs python3-aiosmtpd)")
struct SMTPProbeAiosmtpdTests {
    @Test("a plain loopback server: its EHLO extensions, no TLS, no login")
    func plain() async throws {
        try await withSMTPServer { server in
            let report = try await SMTPProbe.check(SMTPConfiguration(url: server.url()))
            #expect(report.tls == false)
            #expect(report.extensions.contains { $0.hasPrefix("SIZE") })
            #expect(report.extensions.contains("8BITMIME"))
            #expect(report.authentication == .notConfigured)
            #expect(report.greeting?.hasPrefix("220") == true)
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("STARTTLS with AUTH: TLS version, cipher, certificate and a working login; a wrong password is reported")
    func startTLS() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let passwordFile = folder.appendingPathComponent("password")
        try "probe-secret\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let arguments = [
            "--tls-cert", cert.certificate, "--tls-key", cert.key, "--require-starttls",
            "--auth-user", "officer", "--auth-password-file", passwordFile.path,
        ]
        try await withSMTPServer(arguments) { server in
            var configuration = SMTPConfiguration(url: server.url(), caFile: cert.certificate)
            configuration.credentials = SMTPCredentials(username: "officer", password: "probe-secret")
            let report = try await SMTPProbe.check(configuration)
            #expect(report.tls)
            #expect(report.tlsVersion?.hasPrefix("TLSv1.") == true)
            #expect(report.cipher?.isEmpty == false)
            #expect(report.certificates.first?.subject?.contains("localhost") == true)
            #expect(report.certificates.first?.expires?.isEmpty == false)
            #expect(report.extensions.contains { $0.hasPrefix("AUTH") })
            #expect(!report.extensions.contains("STARTTLS"), "extensions are those offered after STARTTLS")
            #expect(report.authentication == .succeeded)

            configuration.credentials = SMTPCredentials(username: "officer", password: "wrong-probe-pw")
            let refused = try await SMTPProbe.check(configuration)
            guard case .refused(let reply) = refused.authentication else {
                Issue.record("expected a refused login, got \(refused.authentication)")
                return
            }
            #expect(reply.hasPrefix("535") && !reply.contains("wrong-probe-pw"))

            configuration.caFile = nil
            await #expect {
                _ = try await SMTPProbe.check(configuration)
            } throws: { error in
                (error as? MailError)?.code == .probeFailed && "\(error)".contains("certificate")
            }
        }
    }
}
