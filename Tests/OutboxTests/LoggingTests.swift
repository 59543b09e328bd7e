import Foundation
import Logging
import Mail
import Outbox
import Synchronization
import Testing

/// A log handler for one test: keeps every entry (level, message, metadata) in memory.
final class RecordedLog: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
        /// The whole entry as one line, to search for what must never be there.
        var line: String { "\(level) \(message) \(metadata)" }
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "pals.outbox.test") { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let entry = Entry(
                level: event.level, message: "\(event.message)",
                metadata: metadata.merging(event.metadata ?? [:]) { $1 })
            log.entries.withLock { $0.append(entry) }
        }
    }
}

@Suite("Outbox logging: recoveries and failures by message id, never an address")
struct LoggingTests {
    @Test("a recovery is logged with the message id and no address", arguments: StoreKind.allCases)
    func recoveryIsLogged(kind: StoreKind) async throws {
        let clock = TestClock()
        let log = RecordedLog()
        try await withStore(kind, clock: clock) { store in
            let id = try store.queue(
                message: try testMessage(to: "patient@example.org"), key: "k", labels: ["case": "C1"]
            ).item.id
            do {
                let lease = try store.openLease()
                #expect(lease.claim(try store.due(at: clock.now)).claimed.count == 1)
                #expect(lease.commit([], sending: [id]).problems.isEmpty)
            }
            let sender = try OutboxSender(outbox: store, transport: .inMemory, logger: log.logger)
            #expect(await sender.recover().map(\.id) == [id])
            let recovered = log.all.filter { $0.metadata["outbox.id"] == "\(id)" }
            #expect(!recovered.isEmpty, "\(log.all.map(\.line))")
            #expect(log.all.allSatisfy { !$0.line.contains("example.org") }, "\(log.all.map(\.line))")
        }
    }

    @Test("a deferred message whose metadata is corrupt is logged, then held where an officer sees it")
    func corruptDeferredIsHeld() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()
            let log = RecordedLog()
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock, logger: log.logger)
            let id = try outbox.queue(message: try testMessage(to: "later@example.org"), key: "k", labels: [:]).item.id
            let transport = InMemoryTransport(
                answers: ["later@example.org": [.temporaryFailure(code: 451, reply: "451 later")]])
            let sender = try OutboxSender(outbox: outbox, transport: transport, logger: log.logger)
            #expect(await sender.sendDue().deferred == 1)
            try Data("{ not json".utf8).write(to: folder.appendingPathComponent("deferred/\(id).json"))

            #expect(outbox.nextDue() == clock.now, "an unreadable deferred message is due now, not forgotten")
            let report = await sender.sendDue()
            #expect(report.held == 1, "\(report)")
            #expect(await transport.deliveries.count == 1, "never sent again")
            #expect(try outbox.show(id).state == .hold)
            #expect(log.all.contains { $0.metadata["outbox.id"] == "\(id)" && $0.level == .warning })
        }
    }
}
