import Foundation
import PalsTestKit
import Synchronization
import Testing

@testable import Mail

/// The results `settle` was called with, and what the server had seen by then.
private final class SettleLog: Sendable {
    struct Entry: Sendable {
        let label: String?
        let outcome: DeliveryOutcome
        /// How many MAIL FROM commands the server had answered when this result was settled.
        let mailCommandsSeen: Int
    }

    private let entries = Mutex<[Entry]>([])

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
}

/// The connection number of every MAIL FROM the server answered, in arrival order.
private func mailConnections(_ server: SMTPTestServer) -> [Int] {
    let text =
        (try? String(contentsOf: server.mailFolder.appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["event"] as? String == "mail"
        else { return nil }
        return object["connection"] as? Int
    }
}

/// `count` small raw messages labelled m1…mN, to r1…rN@example.org.
private func smallBatch(_ count: Int, size: Int = 400) throws -> [OutgoingMessage] {
    try (1...count).map { try rawMessage($0, size: size, from: "pals@trust.example.org", to: "r\($0)@example.org") }
}

@Suite("SMTP lanes settle each message as its transaction ends, against the aiosmtpd test server")
struct SMTPLaneSettlingTests {
    @Test("settle is called once per message, in order, before the next message's MAIL FROM reaches the server")
    func settlesBeforeTheNextMessage() async throws {
        try await withSMTPServer { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let log = SettleLog()
            let results = await transport.deliver(try smallBatch(5)) { result in
                let seen = server.eventCount("mail")
                log.append(.init(label: result.label, outcome: result.outcome, mailCommandsSeen: seen))
            }
            #expect(results.map(\.label) == (1...5).map { "m\($0)" })
            #expect(results.allSatisfy { $0.outcome.isDelivered })
            let settled = log.all
            #expect(settled.map(\.label) == (1...5).map { "m\($0)" })
            #expect(settled.map(\.outcome) == results.map(\.outcome))
            // When message n was settled the server had answered exactly n MAIL FROMs: the next had not started.
            #expect(settled.map(\.mailCommandsSeen) == Array(1...5))
            #expect(server.connections == 1)
        }
    }

    @Test("over several lanes each message is settled exactly once and the results keep the batch's order")
    func settlesOnceAcrossLanes() async throws {
        try await withSMTPServer { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server, lanes: 3))
            let log = SettleLog()
            let results = await transport.deliver(try smallBatch(12)) { result in
                log.append(.init(label: result.label, outcome: result.outcome, mailCommandsSeen: 0))
            }
            #expect(results.map(\.label) == (1...12).map { "m\($0)" })
            #expect(results.allSatisfy { $0.outcome.isDelivered })
            let labels = log.all.compactMap(\.label)
            #expect(labels.count == 12)
            #expect(Set(labels) == Set((1...12).map { "m\($0)" }))
        }
    }

    @Test("an empty batch settles nothing")
    func emptyBatch() async throws {
        try await withSMTPServer { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let log = SettleLog()
            let results = await transport.deliver([]) { result in
                log.append(.init(label: result.label, outcome: result.outcome, mailCommandsSeen: 0))
            }
            #expect(results.isEmpty)
            #expect(log.all.isEmpty)
            #expect(server.connections == 0)
        }
    }

    @Test("a server that answers DATA after the command timeout: that message is temporary, the next one delivered")
    func lateReplyToData() async throws {
        try await withSMTPServer(["--delay-data", "4", "--delay-data-times", "1"]) { server in
            var configuration = loopback(server)
            configuration.commandTimeout = .seconds(1)
            let transport = try CurlSMTPTransport(configuration: configuration)
            let log = SettleLog()
            let results = await transport.deliver(try smallBatch(2)) { result in
                log.append(.init(label: result.label, outcome: result.outcome, mailCommandsSeen: 0))
            }
            #expect(
                results[0].outcome
                    == .temporaryFailure(code: nil, reply: "timed out after 1 s waiting for the reply to DATA"))
            #expect(results[1].outcome.isDelivered, "\(results[1].outcome)")
            #expect(log.all.map(\.outcome) == results.map(\.outcome))
            // The body of message 1 was never handed over; message 2 went over a fresh connection.
            let received = try server.messages()
            #expect(received.map(\.rcptTos) == [["r2@example.org"]])
            #expect(received.first?.connection == 2)
        }
    }

    @Test("a connection dropped after the final dot mid-batch: uncertain, never sent again, the rest delivered")
    func dropAfterDotMidBatch() async throws {
        try await withSMTPServer(["--drop-after-dot", "--drop-after-dot-times", "1"]) { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let batch = try smallBatch(3)
            let results = await transport.deliver(batch) { _ in }
            guard case .uncertain = results[0].outcome else {
                Issue.record("message 1 should be uncertain, got \(results[0].outcome)")
                return
            }
            #expect(results[1].outcome.isDelivered && results[2].outcome.isDelivered, "\(results.map(\.outcome))")
            let received = try server.messages()
            // The server kept message 1 once; the transport never resent it.
            #expect(received.filter { $0.rcptTos == ["r1@example.org"] }.count == 1)
            #expect(server.rcptAddresses.filter { $0 == "r1@example.org" }.count == 1)
            #expect(received.map(\.data) == batch.map(\.data))
            #expect(received.map(\.connection) == [1, 2, 2])
        }
    }

    @Test("a 421 to the final dot mid-batch: that message and the rest are temporary, the connection not reused")
    func shutdownMidBatch() async throws {
        try await withSMTPServer(["--shutdown-after-dot", "2"]) { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let log = SettleLog()
            let results = await transport.deliver(try smallBatch(4)) { result in
                log.append(.init(label: result.label, outcome: result.outcome, mailCommandsSeen: 0))
            }
            #expect(results[0].outcome.isDelivered, "\(results[0].outcome)")
            for result in results.dropFirst() {
                guard case .temporaryFailure(let code, _) = result.outcome else {
                    Issue.record("\(result.label ?? "?") should be a temporary failure, got \(result.outcome)")
                    continue
                }
                #expect(code == 421)
            }
            #expect(log.all.map(\.label) == ["m1", "m2", "m3", "m4"])
            // Only messages 1 and 2 were offered on the first connection; 3 and 4 each found the server refusing.
            #expect(mailConnections(server) == [1, 1])
            #expect(server.connections == 3)
            #expect(try server.messages().map(\.rcptTos) == [["r1@example.org"]])
        }
    }

    @Test("a 10 MB message arrives byte-identical and the lane's connection carries the next one")
    func tenMegabytes() async throws {
        try await withSMTPServer { server in
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let big = try rawMessage(1, size: 10_000_000, from: "pals@trust.example.org", to: "r1@example.org")
            let small = try rawMessage(2, size: 400, from: "pals@trust.example.org", to: "r2@example.org")
            let results = await transport.deliver([big, small]) { _ in }
            #expect(results.allSatisfy { $0.outcome.isDelivered }, "\(results.map(\.outcome))")
            let received = try server.messages()
            #expect(received.count == 2)
            #expect(received.first?.data == big.data)
            #expect(received.last?.data == small.data)
            #expect(server.connections == 1)
        }
    }
}
