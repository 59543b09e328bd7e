import Foundation
import Mail
import Outbox
import PalsTestKit
import Testing

@Suite("Sending to a real SMTP server (aiosmtpd)", .serialized)
struct SMTPTests {
    func transport(_ server: SMTPServer) throws -> CurlSMTPTransport {
        var configuration = SMTPConfiguration(url: server.url())
        configuration.tls = .disabled
        configuration.commandTimeout = .seconds(10)
        configuration.finalReplyTimeout = .seconds(10)
        return try CurlSMTPTransport(configuration: configuration)
    }

    @Test("a 451 then success ends in sent with both attempts recorded")
    func temporaryThenDelivered() async throws {
        try await withTemporaryFolder { folder in
            let server = try await SMTPServer.start(
                in: folder, options: ["--data-reply", "451 4.3.0 Try again later", "--data-reply-times", "1"])
            defer { server.stopInBackground() }
            let clock = TestClock()
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: clock.outboxClock)
            let events = EventLog()
            let sender = try OutboxSender(outbox: outbox, transport: try transport(server), observer: events.observer)
            let item = try outbox.queue(message: try testMessage(messageID: "retry1"), key: "k", labels: ["case": "C1"])
                .item

            #expect(await sender.sendDue().deferred == 1)
            let deferred = try outbox.show(item.id)
            #expect(deferred.state == .deferred)
            #expect(deferred.nextAttempt == clock.now.addingTimeInterval(300))
            #expect(await sender.sendDue().total == 0)  // not due yet
            clock.advance(by: 300)
            #expect(await sender.sendDue().delivered == 1)

            let sent = try outbox.archive.show(item.id)
            #expect(sent.attempts.count == 2)
            #expect(sent.attempts[0].outcome == "temporary-failure")
            #expect(sent.attempts[0].code == 451)
            #expect(sent.attempts[0].reply.contains("451 4.3.0 Try again later"))
            #expect(sent.attempts[1].outcome == "delivered")
            #expect(sent.lastReply?.hasPrefix("250 2.0.0 Ok: queued as") == true)
            #expect(events.all.map(\.kind) == [.deferred, .delivered])
            #expect(server.receivedMessageIDs() == ["<retry1@trust.example>": 1])
        }
    }

    @Test("a 550 fails at once and the observer sees it")
    func permanentFailure() async throws {
        try await withTemporaryFolder { folder in
            let server = try await SMTPServer.start(
                in: folder, options: ["--data-reply", "550 5.7.1 Message rejected"])
            defer { server.stopInBackground() }
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: TestClock().outboxClock)
            let events = EventLog()
            let sender = try OutboxSender(outbox: outbox, transport: try transport(server), observer: events.observer)
            let item = try outbox.queue(message: try testMessage(), key: "k", labels: ["case": "C550"]).item
            let report = await sender.drain()
            #expect(report.failed == 1)
            let failed = try outbox.show(item.id)
            #expect(failed.state == .failed)
            #expect(failed.attempts.map(\.code) == [550])
            #expect(events.all.count == 1)
            let event = try #require(events.all.first)
            #expect(event.kind == .failed)
            #expect(event.labels == ["case": "C550"])
            #expect(event.reply?.contains("550 5.7.1 Message rejected") == true)
        }
    }

    @Test("a connection dropped after the final dot ends on hold, received once and not resent")
    func droppedAfterDot() async throws {
        try await withTemporaryFolder { folder in
            let server = try await SMTPServer.start(in: folder, options: ["--drop-after-dot"])
            defer { server.stopInBackground() }
            let clock = TestClock()
            let outbox = try Outbox(folder: folder.appendingPathComponent("Outbox"), clock: clock.outboxClock)
            let events = EventLog()
            let sender = try OutboxSender(outbox: outbox, transport: try transport(server), observer: events.observer)
            let item = try outbox.queue(message: try testMessage(messageID: "drop1"), key: "k").item
            await sender.drain()
            clock.advance(by: 86_400)
            await sender.drain()
            let held = try outbox.show(item.id)
            #expect(held.state == .hold)
            #expect(held.attempts.map(\.outcome) == ["uncertain"], "\(held.attempts.map(\.reply))")
            #expect(held.reason?.contains("do not resend blindly") == true)
            #expect(events.all.map(\.kind) == [.held])
            #expect(server.receivedMessageIDs() == ["<drop1@trust.example>": 1])
        }
    }
}
