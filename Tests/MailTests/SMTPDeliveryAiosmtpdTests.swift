import Foundation
import Glibc
import PalsTestKit
import Testing

@testable import Mail

/// A small composed message to `to`, from the PALS team.
func simpleMessage(to: String = "patient@example.org", subject: String = "PALS-2026-0042") throws -> ComposedMessage {
    try MailMessage(
        from: Fixture.mailbox("PALS Team", "pals@trust.example.org"), to: [Fixture.mailbox(nil, to)], subject: subject,
        text: "Dear reader,\n\nThank you.\n"
    ).composed(date: Fixture.date)
}

/// Plain SMTP settings for a loopback test server.
func loopback(_ server: SMTPTestServer, lanes: Int = 1) -> SMTPConfiguration {
    var configuration = SMTPConfiguration(url: server.url())
    configuration.lanes = lanes
    configuration.commandTimeout = .seconds(20)
    configuration.finalReplyTimeout = .seconds(20)
    return configuration
}

/// Delivers one message and returns its outcome.
func deliverOne(_ configuration: SMTPConfiguration, _ message: OutgoingMessage) async throws -> DeliveryOutcome {
    let transport = try CurlSMTPTransport(configuration: configuration)
    return await transport.deliver(message).outcome
}

@Suite("SMTP delivery through libcurl, against the aiosmtpd test server (needs python3-aiosmtpd)")
struct SMTPDeliveryAiosmtpdTests {
    @Test("plain delivery on loopback: the server gets the envelope and the exact bytes")
    func plainDelivery() async throws {
        try await withSMTPServer { server in
            let composed = try simpleMessage()
            let outcome = try await deliverOne(loopback(server), composed.outgoing()[0])
            guard case .delivered(let reply) = outcome else {
                Issue.record("expected delivered, got \(outcome)")
                return
            }
            #expect(reply.hasPrefix("250"))
            let received = try server.messages()
            #expect(received.count == 1)
            #expect(received.first?.mailFrom == "pals@trust.example.org")
            #expect(received.first?.rcptTos == ["patient@example.org"])
            #expect(received.first?.data == composed.data)
            #expect(received.first?.tls == false)
        }
    }

    @Test("STARTTLS and AUTH with a self-signed certificate trusted through the CA file")
    func startTLSWithAuth() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let passwordFile = folder.appendingPathComponent("password")
        try "s3cret-Pässword\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let arguments = [
            "--tls-cert", cert.certificate, "--tls-key", cert.key, "--require-starttls",
            "--auth-user", "officer", "--auth-password-file", passwordFile.path,
        ]
        try await withSMTPServer(arguments) { server in
            var configuration = loopback(server)
            configuration.credentials = try SMTPCredentials.load(username: "officer", passwordFile: passwordFile.path)
            configuration.caFile = cert.certificate
            let composed = try simpleMessage()
            let outcome = try await deliverOne(configuration, composed.outgoing()[0])
            #expect(outcome.isDelivered, "\(outcome)")
            let received = try server.messages()
            #expect(received.first?.tls == true)
            #expect(received.first?.authUser == "officer")
            #expect(received.first?.data == composed.data)

            // A wrong password is a permanent configuration error, and the error never holds the password.
            configuration.credentials = SMTPCredentials(username: "officer", password: "wrong-Secret-42")
            let refused = try await deliverOne(configuration, composed.outgoing()[0])
            guard case .permanentFailure(_, let reply) = refused else {
                Issue.record("expected a permanent failure, got \(refused)")
                return
            }
            #expect(reply.contains("credentials"))
            #expect(!reply.contains("wrong-Secret-42") && !"\(refused)".contains("wrong-Secret-42"))
            #expect(!"\(configuration)".contains("wrong-Secret-42"))

            // Without the CA file the self-signed certificate is refused: a certificate error, not the stale 220.
            configuration.caFile = nil
            configuration.credentials = try SMTPCredentials.load(username: "officer", passwordFile: passwordFile.path)
            let untrusted = try await deliverOne(configuration, composed.outgoing()[0])
            guard case .permanentFailure(let code, let text) = untrusted else {
                Issue.record("expected a permanent failure, got \(untrusted)")
                return
            }
            #expect(code == nil)
            #expect(text.contains("certificate"))
            #expect(try server.messages().count == 1)
        }
    }

    @Test("implicit TLS (smtps://) with the CA file")
    func implicitTLS() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        try await withSMTPServer(["--tls-cert", cert.certificate, "--tls-key", cert.key, "--implicit-tls"]) { server in
            var configuration = loopback(server)
            configuration.url = server.url("smtps")
            configuration.caFile = cert.certificate
            let outcome = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
            #expect(outcome.isDelivered, "\(outcome)")
            #expect(try server.messages().first?.tls == true)
        }
    }

    @Test("credentials are never sent without TLS, even on loopback: refused before connecting")
    func noCredentialsWithoutTLS() async throws {
        try await withSMTPServer { server in
            var configuration = loopback(server)
            configuration.credentials = SMTPCredentials(username: "officer", password: "pw-never-sent")
            configuration.tls = .disabled
            #expect {
                _ = try CurlSMTPTransport(configuration: configuration)
            } throws: { error in
                let error = error as? MailError
                return error?.code == .insecureConfiguration && !(error?.description.contains("pw-never-sent") ?? true)
            }
            await #expect(throws: MailError.self) { _ = try await SMTPProbe.check(configuration) }
            #expect(server.connections == 0)

            // With TLS required (the automatic choice when credentials are set) and a server without STARTTLS,
            // libcurl refuses too, before AUTH: permanent, and nothing was delivered.
            configuration.tls = .automatic
            let outcome = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
            guard case .permanentFailure(_, let reply) = outcome else {
                Issue.record("expected a permanent failure, got \(outcome)")
                return
            }
            #expect(reply.contains("STARTTLS"))
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("421 at the greeting is a temporary failure")
    func greeting421() async throws {
        try await withSMTPServer(["--greeting-reply", "421 4.3.2 Service not available"]) { server in
            let outcome = try await deliverOne(loopback(server), try simpleMessage().outgoing()[0])
            #expect(outcome == .temporaryFailure(code: 421, reply: "421 4.3.2 Service not available"))
        }
    }

    @Test("451 after DATA is a temporary failure")
    func data451() async throws {
        try await withSMTPServer(["--data-reply", "451 4.3.0 Try again later"]) { server in
            let outcome = try await deliverOne(loopback(server), try simpleMessage().outgoing()[0])
            #expect(outcome == .temporaryFailure(code: 451, reply: "451 4.3.0 Try again later"))
        }
    }

    @Test("550 to RCPT is a permanent failure")
    func rcpt550() async throws {
        try await withSMTPServer(["--rcpt-reply", "550 5.1.1 No such user"]) { server in
            let outcome = try await deliverOne(loopback(server), try simpleMessage().outgoing()[0])
            #expect(outcome == .permanentFailure(code: 550, reply: "550 5.1.1 No such user"))
        }
    }

    @Test("552 for size is a permanent failure")
    func size552() async throws {
        try await withSMTPServer(["--size-limit", "200"]) { server in
            let outcome = try await deliverOne(loopback(server), try simpleMessage().outgoing()[0])
            guard case .permanentFailure(let code, _) = outcome else {
                Issue.record("expected a permanent failure, got \(outcome)")
                return
            }
            #expect(code == 552)
        }
    }

    @Test("a connection dropped after the final dot, without a reply, is uncertain")
    func dropAfterDot() async throws {
        try await withSMTPServer(["--drop-after-dot"]) { server in
            let outcome = try await deliverOne(loopback(server), try simpleMessage().outgoing()[0])
            guard case .uncertain(let reason) = outcome else {
                Issue.record("expected uncertain, got \(outcome)")
                return
            }
            #expect(reason.contains("may or may not"))
            #expect(try server.messages().count == 1, "the server did get the whole message")
        }
    }

    @Test("no reply to the final dot within its timeout is uncertain; a slow reply within it is delivered")
    func finalReplyTimeout() async throws {
        try await withSMTPServer(["--delay-after-dot", "3"]) { server in
            var configuration = loopback(server)
            configuration.commandTimeout = .seconds(1)
            configuration.finalReplyTimeout = .seconds(1)
            let outcome = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
            guard case .uncertain(let reason) = outcome else {
                Issue.record("expected uncertain, got \(outcome)")
                return
            }
            #expect(reason.contains("final dot"))

            // The final reply may take longer than a command reply.
            configuration.finalReplyTimeout = .seconds(8)
            let slow = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
            #expect(slow.isDelivered, "\(slow)")
        }
    }

    @Test("a command that gets no reply within the command timeout is a temporary failure")
    func commandTimeout() async throws {
        try await withSMTPServer(["--delay-rcpt", "4"]) { server in
            var configuration = loopback(server)
            configuration.commandTimeout = .seconds(1)
            // Without the timeout the server's late reply would deliver the message; the outcome names the 1 s limit.
            let outcome = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
            #expect(outcome == .temporaryFailure(code: nil, reply: "timed out after 1 s waiting for the reply to RCPT"))
        }
    }

    @Test("connection refused is a temporary failure")
    func connectionRefused() async throws {
        let port = try freePort()
        var configuration = SMTPConfiguration(url: "smtp://127.0.0.1:\(port)")
        configuration.connectTimeout = .seconds(5)
        let outcome = try await deliverOne(configuration, try simpleMessage().outgoing()[0])
        guard case .temporaryFailure(nil, let reply) = outcome else {
            Issue.record("expected a temporary failure, got \(outcome)")
            return
        }
        #expect(reply.contains("could not connect"))
    }

    @Test("a batch goes over one connection")
    func batchOverOneConnection() async throws {
        try await withSMTPServer { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let batch = try (1...6).flatMap { try simpleMessage(to: "r\($0)@example.org").outgoing(label: "m\($0)") }
            let results = await transport.deliver(batch)
            #expect(results.allSatisfy { $0.outcome.isDelivered })
            #expect(results.map(\.label) == (1...6).map { "m\($0)" })
            #expect(server.connections == 1)
            #expect(try server.messages().map(\.rcptTos) == (1...6).map { ["r\($0)@example.org"] })
            #expect(try server.messages().allSatisfy { $0.connection == 1 })

            // The next batch reuses the lane's handle, and so the same connection.
            let second = await transport.deliver(batch)
            #expect(second.count == 6 && second.allSatisfy { $0.outcome.isDelivered })
            #expect(server.connections == 1)
        }
    }

    @Test("a refused recipient in a batch fails alone")
    func batchWithRefusal() async throws {
        try await withSMTPServer(["--rcpt-reply", "r2@example.org=550 5.1.1 No such user"]) { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let batch = try (1...3).flatMap { try simpleMessage(to: "r\($0)@example.org").outgoing() }
            let outcomes = await transport.deliver(batch).map(\.outcome)
            #expect(outcomes[0].isDelivered && outcomes[2].isDelivered)
            #expect(outcomes[1] == .permanentFailure(code: 550, reply: "550 5.1.1 No such user"))
        }
    }

    @Test("lanes deliver every message of a batch, each lane on its own connection")
    func lanes() async throws {
        try await withSMTPServer { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server, lanes: 3))
            let batch = try (1...15).flatMap { try simpleMessage(to: "r\($0)@example.org").outgoing() }
            let results = await transport.deliver(batch)
            #expect(results.count == 15 && results.allSatisfy { $0.outcome.isDelivered })
            #expect(results.map(\.envelope.recipient.address) == (1...15).map { "r\($0)@example.org" })
            let received = try server.messages()
            #expect(Set(received.flatMap(\.rcptTos)) == Set((1...15).map { "r\($0)@example.org" }))
            #expect((1...3).contains(server.connections))
        }
    }

    @Test("a 5 MiB attachment and a raw message full of dot-lines arrive byte-identical")
    func largeMessages() async throws {
        try await withSMTPServer { server in
            var pdf = Data("%PDF-1.7\n".utf8)
            var generator = SystemRandomNumberGenerator()
            pdf.append(contentsOf: (0..<(5 * 1024 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let composed = try MailMessage(
                from: Fixture.mailbox("PALS", "pals@trust.example.org"), to: [Fixture.mailbox(nil, "a@example.org")],
                subject: "PALS-1", text: "See the letter.\n",
                attachments: [MailAttachment(filename: "Llythyr ymateb – Siân.pdf", data: pdf)]
            ).composed(date: Fixture.date)

            // Lines beginning with "." on both sides of every 64 KiB boundary exercise libcurl's dot-stuffing.
            var raw = "From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n"
            for index in 0..<40_000 { raw += index % 3 == 0 ? ".\r\n" : ".line \(index) .. .\r\n" }
            let rawData = Data(raw.utf8)
            let envelope = Envelope(
                sender: try EmailAddress("a@example.org"), recipient: try EmailAddress("b@example.org"))

            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let results = await transport.deliver(
                composed.outgoing() + [OutgoingMessage(envelope: envelope, data: rawData)])
            #expect(results.allSatisfy { $0.outcome.isDelivered }, "\(results.map(\.outcome))")
            let received = try server.messages()
            #expect(received.count == 2)
            #expect(received.first?.data == composed.data)
            #expect(received.last?.data == rawData)

            let parts = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: parts) }
            let parsed = try await ParsedMessage.parse(server.messagePath(1), attachments: parts)
            let attachment = try #require(parsed.parts.first { $0.contentType == "application/pdf" })
            #expect(attachment.filename == "Llythyr ymateb – Siân.pdf")
            #expect(try Data(contentsOf: URL(fileURLWithPath: try #require(attachment.savedAs))) == pdf)
        }
    }
}

/// A loopback port nothing listens on (bound, then released).
func freePort() throws -> Int {
    let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw TestSetupError(description: "bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
