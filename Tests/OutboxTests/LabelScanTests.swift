import Foundation
import Outbox
import Testing

@Suite("Label values across the outbox")
struct LabelScanTests {
    @Test("every state's messages are read, ids before idsFrom are skipped, and a linked sidecar is not followed")
    func labelValues() async throws {
        try await withTemporaryFolder { folder in
            let clock = TestClock()  // 2026-01-01
            let outbox = try Outbox(folder: folder, clock: clock.outboxClock)
            let queued = try outbox.queue(message: testMessage(), key: "a", labels: ["case": "PALS-2026-0001"]).item
            let held = try outbox.queue(message: testMessage(), key: "b", labels: ["case": "PALS-2026-0002"]).item
            _ = try outbox.hold(held.id)
            let cancelled = try outbox.queue(message: testMessage(), key: "c", labels: ["case": "PALS-2026-0003"]).item
            _ = try outbox.cancel(cancelled.id)
            _ = try outbox.queue(message: testMessage(), key: "d", labels: ["kind": "reminder-digest"])
            #expect(outbox.labelValues("case") == ["PALS-2026-0001", "PALS-2026-0002", "PALS-2026-0003"])
            #expect(outbox.labelValues("case", idsFrom: "2027").isEmpty, "every id starts with 2026")
            #expect(outbox.labelValues("case", idsFrom: "2025").count == 3)

            // A sidecar replaced by a link is not read through it.
            let sidecar = folder.appending(path: "queued/\(queued.id).json")
            let elsewhere = folder.appending(path: "elsewhere.json")
            try FileManager.default.moveItem(at: sidecar, to: elsewhere)
            try FileManager.default.createSymbolicLink(at: sidecar, withDestinationURL: elsewhere)
            #expect(outbox.labelValues("case") == ["PALS-2026-0002", "PALS-2026-0003"])
        }
    }
}
