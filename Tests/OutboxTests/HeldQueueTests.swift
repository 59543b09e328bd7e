import Foundation
import Mail
import Outbox
import Testing

/// Queueing a message already held (issue 14's letter hold): one step, so no sender ever sees it, and a claimer that
/// dies half way leaves it on hold, never queued.
@Suite("Queueing held: in one step, never sendable until released")
struct HeldQueueTests {
    @Test(
        "a message queued held is on hold with its reason, in both stores, and never due", arguments: StoreKind.allCases
    )
    func queuedHeld(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withStore(kind, clock: clock) { store in
            let result = try store.queue(
                message: try testMessage(), key: "ack/held", labels: ["case": "C-1"], heldReason: "needs braille")
            #expect(result.isNew)
            #expect(result.item.state == .hold)
            #expect(result.item.reason == "needs braille")
            #expect(try store.show(result.item.id).state == .hold)
            #expect(try store.show(result.item.id).reason == "needs braille")
            #expect(store.counts()[.hold] == 1)
            #expect(store.counts()[.queued, default: 0] == 0)
            for days in [0.0, 1, 365] {
                #expect(try store.due(at: clock.now.addingTimeInterval(days * 86_400)).isEmpty)
            }
            let report = await (try OutboxSender(outbox: store, transport: .inMemory)).drain()
            #expect(report.delivered == 0)
            #expect(try store.show(result.item.id).state == .hold)
            // The same key again returns the held message, still held.
            let again = try store.queue(message: try testMessage(), key: "ack/held", labels: [:], heldReason: nil)
            #expect(!again.isNew)
            #expect(again.item.state == .hold)
            // Released by an operator, it is sent.
            _ = try store.release(result.item.id)
            #expect(await (try OutboxSender(outbox: store, transport: .inMemory)).drain().delivered == 1)
            #expect(try store.show(result.item.id).state == .sent)
        }
    }

    @Test("a held message whose claimer died before publishing is finished into hold/, by the next caller or recovery")
    func deadClaimerFinishesHeld() async throws {
        for finisher in ["queue", "recover"] {
            try await withTemporaryFolder { folder in
                let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
                let first = try outbox.queue(
                    message: try testMessage(), key: "ack/3", labels: [:], heldReason: "no Welsh template"
                ).item
                // Put the message back as it was between claiming the key and publishing it.
                let fm = FileManager.default
                for suffix in [".eml", ".json"] {
                    try fm.moveItem(
                        at: folder.appendingPathComponent("hold/\(first.id)\(suffix)"),
                        to: folder.appendingPathComponent("incoming/\(first.id)\(suffix)"))
                }
                if finisher == "queue" {
                    let again = try outbox.queue(message: try testMessage(), key: "ack/3")
                    #expect(again.item.id == first.id)
                    #expect(again.item.state == .hold, "\(finisher)")
                } else {
                    _ = outbox.recover(except: nil)
                }
                #expect(outbox.counts()[.hold] == 1, "\(finisher)")
                #expect(outbox.counts()[.queued, default: 0] == 0, "\(finisher)")
                #expect(try outbox.show(first.id).reason == "no Welsh template", "\(finisher)")
                #expect(try fm.contentsOfDirectory(atPath: folder.appendingPathComponent("incoming").path).isEmpty)
            }
        }
    }

    @Test("a held message half published (its sidecar already in hold/) is finished into hold/")
    func halfPublished() async throws {
        try await withTemporaryFolder { folder in
            let outbox = try Outbox(folder: folder, clock: TestClock().outboxClock)
            let first = try outbox.queue(
                message: try testMessage(), key: "ack/4", labels: [:], heldReason: "needs audio"
            ).item
            try FileManager.default.moveItem(
                at: folder.appendingPathComponent("hold/\(first.id).eml"),
                to: folder.appendingPathComponent("incoming/\(first.id).eml"))
            let again = try outbox.queue(message: try testMessage(), key: "ack/4")
            #expect(again.item.state == .hold)
            #expect(outbox.counts()[.hold] == 1)
            #expect(outbox.counts()[.queued, default: 0] == 0)
        }
    }
}
