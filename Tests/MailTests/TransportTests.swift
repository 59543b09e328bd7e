import Foundation
import Glibc
import PalsTestKit
import Testing

@testable import Mail

@Suite("The in-memory and file transports")
struct TransportTests {
    @Test("the in-memory transport records envelopes and bytes and answers per recipient and attempt")
    func inMemory() async throws {
        let transport: InMemoryTransport = .inMemory(answers: [
            "b@example.org": [.temporaryFailure(code: 451, reply: "451 later"), .delivered(reply: "250 ok")],
            "c@example.org": [.permanentFailure(code: 550, reply: "550 no")],
            "d@example.org": [.uncertain(reason: "lost")],
        ])
        let message = try MailMessage(
            from: Fixture.mailbox(nil, "a@example.org"),
            to: ["b", "c", "d", "e"].map { Fixture.mailbox(nil, "\($0)@example.org") }, subject: "x", text: "x"
        ).composed(date: Fixture.date)
        let first = await transport.deliver(message.outgoing(label: "one")).map(\.outcome)
        #expect(
            first == [
                .temporaryFailure(code: 451, reply: "451 later"), .permanentFailure(code: 550, reply: "550 no"),
                .uncertain(reason: "lost"), .delivered(reply: "250 2.0.0 Ok: queued"),
            ])
        let again = await transport.deliver(message.outgoing()[0])
        #expect(again.outcome == .delivered(reply: "250 ok"))
        let deliveries = await transport.deliveries
        #expect(deliveries.count == 5)
        #expect(deliveries.last?.attempt == 2 && deliveries.last?.envelope.recipient.address == "b@example.org")
        #expect(deliveries.first?.data == message.data && deliveries.first?.label == "one")
    }

    @Test("the file transport writes each message atomically as a 0600 .eml in a 0700 folder")
    func files() async throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("drop/outgoing")
        let transport: FileTransport = .files(in: folder)
        let message = try MailMessage(
            from: Fixture.mailbox(nil, "a@example.org"),
            to: [Fixture.mailbox(nil, "b@example.org"), Fixture.mailbox(nil, "c@example.org")], subject: "x", text: "x"
        ).composed(date: Fixture.date)
        let results = await transport.deliver(message.outgoing(label: "item/../42"))
        #expect(results.allSatisfy { $0.outcome.isDelivered })
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 2)
        #expect(names.allSatisfy { $0.hasSuffix(".eml") && $0.hasPrefix("item_.._42-") && !$0.hasPrefix(".") })
        for name in names {
            let path = folder.appendingPathComponent(name).path
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == message.data)
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        }
        for path in [folder.path, folder.deletingLastPathComponent().path] {
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o700)
        }
    }

    @Test("a folder that cannot be written gives a temporary failure, not a crash")
    func unwritable() async throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let blocker = root.appendingPathComponent("file")
        try Data().write(to: blocker)
        let transport = FileTransport(folder: blocker.appendingPathComponent("sub"))
        let message = try simpleMessage()
        let result = await transport.deliver(message.outgoing()[0])
        guard case .temporaryFailure(nil, let reply) = result.outcome else {
            Issue.record("expected a temporary failure, got \(result.outcome)")
            return
        }
        #expect(reply.contains("could not"))
    }
}
