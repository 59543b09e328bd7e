import Foundation
import InMemoryLogging
import Logging
import Mail
import Testing

/// The SMTP transport logs what happened to each message by its label (the outbox id), never by an address.
@Suite struct TransportLoggingTests {
    @Test func aRefusedConnectionIsLoggedByMessageIDNeverByAddress() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .debug
        // Port 1 on loopback: nothing listens, so the connection is refused at once.
        let configuration = SMTPConfiguration(url: "smtp://127.0.0.1:1")
        let transport = try CurlSMTPTransport(configuration: configuration, logger: logger)
        var message = try simpleMessage(to: "jane.doe@example.org").outgoing()[0]
        message.label = "20261125T090000000Z-0001"
        let result = await transport.deliver(message)
        guard case .temporaryFailure = result.outcome else {
            Issue.record("expected a temporary failure, got \(result.outcome)")
            return
        }
        let entries = handler.entries
        let failure = entries.first { "\($0.message)" == "smtp transfer failed for now" }
        #expect(failure.map { "\($0.metadata["mail.message"] ?? "")" } == "20261125T090000000Z-0001")
        #expect(entries.contains { "\($0.message)".contains("retired") })
        for entry in entries {
            #expect(!"\(entry.message) \(entry.metadata)".contains("jane.doe"), "\(entry)")
        }
    }
}
