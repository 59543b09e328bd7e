import Foundation
import PalsTestKit
import Testing

@testable import Mail

/// A raw message of about `size` bytes from `sender` to `recipient`, numbered so every byte can be checked.
func rawMessage(_ number: Int, size: Int, from sender: String, to recipient: String) throws -> OutgoingMessage {
    var text = "From: \(sender)\r\nTo: \(recipient)\r\nSubject: PALS-\(number)\r\n\r\n"
    var line = 0
    while text.utf8.count < size {
        // Dot-lines on the way keep libcurl's dot-stuffing busy across its 64 KiB buffer boundaries.
        text += line % 7 == 0 ? ".line \(number)-\(line)\r\n" : "Message \(number), line \(line): text.\r\n"
        line += 1
    }
    let envelope = Envelope(sender: try EmailAddress(sender), recipient: try EmailAddress(recipient))
    return OutgoingMessage(envelope: envelope, data: Data(text.utf8), label: "m\(number)")
}

@Suite("SMTP connections are never reused in an unknown state, against the aiosmtpd test server")
struct SMTPConnectionSafetyTests {
    @Test(
        "a final reply that comes after its timeout is never taken as the reply to the next message",
        arguments: ["550 5.7.1 Refused, but too late", nil])
    func lateFinalReplyDoesNotPoisonTheNextMessage(lateReply: String?) async throws {
        // The server answers the first final dot after 4 s (with a 550, or with its usual 250 having kept the
        // message); the client gives up after 1 s. Every other reply comes at once.
        var arguments = ["--delay-after-dot", "4", "--delay-after-dot-times", "1"]
        if let lateReply { arguments += ["--data-reply", lateReply, "--data-reply-times", "1"] }
        try await withSMTPServer(arguments) { server in
            var configuration = loopback(server)
            configuration.commandTimeout = .seconds(30)
            configuration.finalReplyTimeout = .seconds(1)
            let transport = try CurlSMTPTransport(configuration: configuration)
            let first = try rawMessage(1, size: 400, from: "pals@trust.example.org", to: "r1@example.org")
            let second = try rawMessage(2, size: 400, from: "pals@trust.example.org", to: "r2@example.org")
            let results = await transport.deliver([first, second])

            guard case .uncertain(let reason) = results[0].outcome else {
                Issue.record("message 1 should be uncertain (held), got \(results[0].outcome)")
                return
            }
            #expect(reason.contains("final dot"))
            guard case .delivered(let reply) = results[1].outcome else {
                Issue.record("message 2 should be delivered, got \(results[1].outcome)")
                return
            }
            #expect(reply.hasPrefix("250"))
            // The server did receive message 2, on a connection of its own.
            let received = try server.messages().filter { $0.rcptTos == ["r2@example.org"] }
            #expect(received.count == 1)
            #expect(received.first?.data == second.data)
            #expect(received.first?.connection == 2)
            #expect(server.connections == 2)

            // And the lane carries on normally afterwards: the next message reuses the fresh connection.
            let third = try rawMessage(3, size: 400, from: "pals@trust.example.org", to: "r3@example.org")
            #expect(await transport.deliver(third).outcome.isDelivered)
            #expect(server.connections == 2)
        }
    }

    @Test("over STARTTLS too, a late final reply leaves the next message to a fresh connection")
    func lateFinalReplyOverTLS() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let arguments = [
            "--tls-cert", cert.certificate, "--tls-key", cert.key, "--require-starttls",
            "--delay-after-dot", "4", "--delay-after-dot-times", "1",
            "--data-reply", "550 5.7.1 Refused, but too late", "--data-reply-times", "1",
        ]
        try await withSMTPServer(arguments) { server in
            var configuration = loopback(server)
            configuration.tls = .required
            configuration.caFile = cert.certificate
            configuration.commandTimeout = .seconds(30)
            configuration.finalReplyTimeout = .seconds(1)
            let transport = try CurlSMTPTransport(configuration: configuration)
            let batch = try (1...2).map {
                try rawMessage($0, size: 400, from: "pals@trust.example.org", to: "r\($0)@example.org")
            }
            let outcomes = await transport.deliver(batch).map(\.outcome)
            guard case .uncertain = outcomes[0] else {
                Issue.record("message 1 should be uncertain (held), got \(outcomes[0])")
                return
            }
            #expect(outcomes[1].isDelivered, "\(outcomes[1])")
            let received = try server.messages()
            #expect(received.map(\.rcptTos) == [["r2@example.org"]])
            #expect(received.first?.tls == true && received.first?.connection == 2)
        }
    }

    @Test("a message after a refused one goes over a fresh connection and is delivered")
    func refusalThenDelivery() async throws {
        try await withSMTPServer(["--data-reply", "554 5.7.1 Rejected", "--data-reply-times", "1"]) { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let batch = try (1...3).map {
                try rawMessage($0, size: 300, from: "pals@trust.example.org", to: "r\($0)@example.org")
            }
            let outcomes = await transport.deliver(batch).map(\.outcome)
            #expect(outcomes[0] == .permanentFailure(code: 554, reply: "554 5.7.1 Rejected"))
            #expect(outcomes[1].isDelivered && outcomes[2].isDelivered, "\(outcomes)")
            #expect(try server.messages().map(\.rcptTos) == [["r2@example.org"], ["r3@example.org"]])
            #expect(try server.messages().map(\.connection) == [2, 2])
        }
    }

    @Test(
        "one handle reused for many messages of varying size and envelope delivers each intact, and holds no pointer to a finished transfer"
    )
    func handleReuseAcrossManySends() async throws {
        try await withSMTPServer { server in
            let easy = try CurlEasy(plan: loopback(server).plan())
            // Small, medium, just under and over libcurl's 64 KiB upload buffer, and a few hundred KiB.
            let sizes = [60, 1_000, 65_535, 65_536, 65_537, 200, 131_072, 10, 300_000, 4_096]
            var sent: [OutgoingMessage] = []
            for round in 0..<3 {
                for (index, size) in sizes.enumerated() {
                    let number = round * sizes.count + index + 1
                    let message = try rawMessage(
                        number, size: size, from: "sender\(number % 4)@trust.example.org",
                        to: "recipient-\(number)@example\(number % 3).org")
                    let outcome = easy.send(message)
                    #expect(outcome.isDelivered, "message \(number): \(outcome)")
                    #expect(easy.attachedContext == nil, "the handle still points at message \(number)'s transfer")
                    #expect(easy.isReusable)
                    sent.append(message)
                }
            }
            let received = try server.messages()
            #expect(received.count == sent.count)
            for (message, got) in zip(sent, received) {
                #expect(got.mailFrom == message.envelope.sender.address)
                #expect(got.rcptTos == [message.envelope.recipient.address])
                #expect(got.data == message.data, "message \(message.label ?? "?") arrived changed")
                #expect(got.connection == 1)
            }
            #expect(server.connections == 1)
        }
    }
}
