import Foundation
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// DESIGN invariants 3 and 4 under SIGKILL: every message ends exactly once in the archive or on hold, none is
/// lost, and none reaches the server twice.
@Suite("Crash safety: a sender killed at random moments", .serialized)
struct CrashTests {
    /// How many messages: `PALS_CRASH_MESSAGES` (default 500).
    static let messages = Int(ProcessInfo.processInfo.environment["PALS_CRASH_MESSAGES"] ?? "") ?? 500
    /// How many times the sender is killed: `PALS_CRASH_KILLS` (default 20); then it runs to the end.
    static let maxKills = Int(ProcessInfo.processInfo.environment["PALS_CRASH_KILLS"] ?? "") ?? 20

    @Test("SIGKILL mid-send loses nothing and sends nothing twice")
    func killedSender() async throws {
        try await withTemporaryFolder { folder in
            let started = ContinuousClock.now
            let executable = try stressExecutable()
            let server = try await SMTPServer.start(in: folder)
            defer { server.stopInBackground() }
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let count = Self.messages

            let (status, output) = try await run(
                executable, ["queue", outboxFolder.path, "\(count)"], timeout: .seconds(600))
            try #require(status == 0, "queueing failed: \(output)")
            let outbox = try Outbox(folder: outboxFolder, clock: .system)
            try #require(outbox.counts()[.queued] == count)
            let queuedIn = ContinuousClock.now - started

            var kills = 0
            var runs = 0
            let deadline = ContinuousClock.now + .seconds(900)
            var finished = false
            while !finished {
                try #require(ContinuousClock.now < deadline, "the sender did not empty the queue in time")
                runs += 1
                let process = Process()
                process.executableURL = executable
                process.arguments = ["send", outboxFolder.path, server.url(), "8"]
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                if kills < Self.maxKills {
                    // Kill it at a random moment, unless it finishes first.
                    let delay = Duration.milliseconds(Int.random(in: 10...150))
                    let exited = await waitUntil(timeout: delay) { !process.isRunning }
                    if !exited {
                        kill(process.processIdentifier, SIGKILL)
                        await process.waitUntilExitOffPool()
                        kills += 1
                        continue
                    }
                } else {
                    let exited = await waitUntil(timeout: .seconds(600)) { !process.isRunning }
                    if !exited { kill(process.processIdentifier, SIGKILL) }
                }
                await process.waitUntilExitOffPool()
                #expect(process.terminationReason == .exit && process.terminationStatus == 0, "run \(runs) failed")
                let counts = outbox.counts()
                finished = counts[.queued] == 0 && counts[.active] == 0 && counts[.deferred] == 0
            }

            // What the outbox says.
            let counts = outbox.counts()
            #expect(counts[.queued] == 0 && counts[.active] == 0 && counts[.deferred] == 0)
            #expect(counts[.failed] == 0)
            let sent = try outbox.archive.list()
            let held = try outbox.list(state: .hold)
            var byKey: [String: [OutboxItem]] = [:]
            for item in sent + held { byKey[item.key, default: []].append(item) }
            for index in 0..<count {
                let items = byKey["stress-\(index)"] ?? []
                #expect(items.count == 1, "stress-\(index) is \(items.count) times in the archive or on hold")
                if items.isEmpty,
                    let data = FileManager.default.contents(
                        atPath: outboxFolder.appendingPathComponent("keys/stress-\(index)").path)
                {
                    let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    let files =
                        FileManager.default.enumerator(atPath: outboxFolder.path)?
                        .compactMap { $0 as? String }.filter { $0.contains(id) } ?? []
                    print("lost stress-\(index) \(id): \(files)")
                }
            }
            #expect(byKey.count == count, "messages lost or unknown keys: \(byKey.count) of \(count)")
            #expect(sent.count + held.count == count)

            // What the server received.
            let received = server.receivedMessageIDs()
            for item in sent {
                #expect(
                    received[item.messageID ?? ""] == 1,
                    "\(item.key) archived but received \(received[item.messageID ?? ""] ?? 0) times")
            }
            for item in held {
                #expect((received[item.messageID ?? ""] ?? 0) <= 1, "\(item.key) held but received more than once")
                #expect(item.reason == "interrupted while sending; the server may have accepted it")
            }
            let known = Set((sent + held).compactMap(\.messageID))
            #expect(received.keys.allSatisfy { known.contains($0) }, "the server received unknown messages")
            #expect(received.values.allSatisfy { $0 == 1 }, "the server received a message twice")

            let heldReceived = held.filter { received[$0.messageID ?? ""] == 1 }.count
            let elapsed = ContinuousClock.now - started
            print(
                """
                crash test: N=\(count) kills=\(kills) runs=\(runs) sent=\(sent.count) held=\(held.count) \
                (of which the server had \(heldReceived)) queueing=\(queuedIn) total=\(elapsed)
                held: \(held.map { "\($0.key) \($0.id)" }.joined(separator: ", "))
                """)
        }
    }

    @Test("two sender processes sending the same outbox at once send each message exactly once")
    func twoSenderProcesses() async throws {
        try await withTemporaryFolder { folder in
            let executable = try stressExecutable()
            let server = try await SMTPServer.start(in: folder)
            defer { server.stopInBackground() }
            let outboxFolder = folder.appendingPathComponent("Outbox")
            let count = 300
            let (status, output) = try await run(executable, ["queue", outboxFolder.path, "\(count)"])
            try #require(status == 0, "queueing failed: \(output)")
            async let first = run(executable, ["send", outboxFolder.path, server.url(), "4"])
            async let second = run(executable, ["send", outboxFolder.path, server.url(), "4", "2"])
            let (a, b) = try await (first, second)
            #expect(a.0 == 0 && b.0 == 0, "\(a.1) \(b.1)")
            let outbox = try Outbox(folder: outboxFolder, clock: .system)
            #expect(outbox.counts()[.sent] == count)
            #expect(outbox.counts()[.hold] == 0)
            let received = server.receivedMessageIDs()
            #expect(received.count == count)
            #expect(received.values.allSatisfy { $0 == 1 }, "a message reached the server twice")
            print("two senders: \(a.1.trimmingCharacters(in: .newlines)) | \(b.1.trimmingCharacters(in: .newlines))")
        }
    }
}
