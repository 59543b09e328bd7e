import Casework
import Foundation
import Letters
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing

@testable import Engine

@Suite("The daemon's sender sleeps until mail is due, records every move on its case, coalesces alerts", .serialized)
struct DaemonSenderTests {
    static let officer = "alex.example@example.org"

    /// The kinds of a case's events.
    func eventKinds(_ daemon: Daemon, _ reference: String) throws -> [CaseEventKind] {
        try daemon.postroom.casebook.register.events(for: reference).map(\.kind)
    }

    @Test("a deferred message is sent when its retry is due, not before, with no tick in between")
    func deferredSentWhenDue() async throws {
        let transport = InMemoryTransport(
            answers: ["later@example.org": [.temporaryFailure(code: 451, reply: "451 4.3.0 try later")]])
        try await withDaemon(
            transport: transport, safetyInterval: .seconds(7200), senderSafetyInterval: .seconds(7200)
        ) { daemon, clock, transport in
            let reference = try daemon.log(DaemonWorkspace.complaint(email: "later@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            let deferred = try #require(try daemon.postroom.outbox.list(state: .deferred).first)
            let due = try #require(deferred.nextAttempt)
            #expect(daemon.activity.snapshot[.sender] == .sleeping(until: due), "the sender sleeps until the retry")
            clock.advance(to: due.addingTimeInterval(-1))
            try await clock.settle(daemon)
            #expect(await transport.attempts(at: "later@example.org") == 1)
            try await clock.run(daemon, until: due)
            #expect(await transport.attempts(at: "later@example.org") == 2)
            #expect(await acknowledgements(transport, reference, to: "later@example.org") == 1)
            let kinds = try eventKinds(daemon, reference)
            #expect(kinds.contains(.letterDeferred) && kinds.contains(.letterSent), "\(kinds)")
        }
    }

    @Test(
        "every outbox move is recorded on its case; failed and held flag it",
        arguments: [
            ("ok@example.org", DeliveryOutcome.delivered(reply: "250 ok"), CaseEventKind.letterSent, false),
            ("bad@example.org", .permanentFailure(code: 550, reply: "550 5.1.1 no such user"), .letterFailed, true),
            ("lost@example.org", .uncertain(reason: "connection lost after the final dot"), .letterHeld, true),
        ], DaemonStores.all)
    func movesRecorded(
        move: (address: String, outcome: DeliveryOutcome, kind: CaseEventKind, flags: Bool), stores: DaemonStores
    ) async throws {
        let (address, outcome, kind, flags) = move
        let transport = InMemoryTransport(answers: [address: [outcome]])
        try await withDaemon(stores: stores, transport: transport) { daemon, clock, _ in
            let reference = try daemon.log(DaemonWorkspace.complaint(email: address))
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(try eventKinds(daemon, reference).contains(kind))
            let attention = try daemon.postroom.casebook.register.get(reference).attention
            #expect((attention != nil) == flags, "\(attention?.text ?? "no attention")")
        }
    }

    @Test(
        "a burst of held messages is one alert per officer; the next waits for the end of the window",
        arguments: DaemonStores.all)
    func alertsCoalesced(stores: DaemonStores) async throws {
        let transport = InMemoryTransport { envelope, _ in
            envelope.recipient.address.hasPrefix("held")
                ? .uncertain(reason: "connection lost after the final dot") : .delivered(reply: "250 ok")
        }
        // 07:00, before the day's digest, so the officer's mail is the alerts alone.
        try await withDaemon(start: "2026-11-25T07:00:00Z", stores: stores, transport: transport) {
            daemon, clock, transport in
            try await clock.settle(daemon)
            // The burst is queued before the sender wakes (as officers' letters: intake, woken at the same time
            // as the sender, could otherwise hand the sender the burst over two passes).
            try queueBurst(daemon, 0..<3)
            daemon.casesChanged()
            try await clock.settle(daemon)
            let first = await transport.subjects(to: Self.officer)
            #expect(first.count == 1, "one alert for the burst: \(first)")
            #expect(first.first?.hasPrefix("Attention needed: 3 problems") == true, "\(first)")

            try queueBurst(daemon, 3..<5)
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await transport.subjects(to: Self.officer).count == 1, "the next problems wait for the window")
            try await clock.run(daemon, for: .seconds(Postroom.defaultAlertWindow - 60))
            #expect(await transport.subjects(to: Self.officer).count == 1)
            try await clock.run(daemon, for: .seconds(60))
            let all = await transport.subjects(to: Self.officer)
            #expect(all.count == 2, "\(all)")
            #expect(all.last?.hasPrefix("Attention needed: 2 problems") == true, "\(all)")
        }
    }

    /// Logs a case for each index and queues its acknowledgement as an officer would, without waking the daemon.
    func queueBurst(_ daemon: Daemon, _ indices: Range<Int>) throws {
        for index in indices {
            let reference = try daemon.log(DaemonWorkspace.complaint(email: "held\(index)@example.org"))
            try daemon.postroom.sendLetter(.acknowledgement, reference: reference, inputs: [:])
        }
    }

    @Test("shutting down queues the alerts still waiting for their window; the next start sends them")
    func shutdownQueuesPendingAlerts() async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        // 07:00, before the day's digest, so the officer's mail is the alerts alone.
        let clock = TestClock("2026-11-25T07:00:00Z")
        let transport = InMemoryTransport { envelope, _ in
            envelope.recipient.address.hasPrefix("held")
                ? .uncertain(reason: "connection lost after the final dot") : .delivered(reply: "250 ok")
        }
        try await withDaemon(in: workspace, clock: clock, transport: transport) { daemon, clock, transport in
            try await clock.settle(daemon)
            _ = try daemon.log(DaemonWorkspace.complaint(email: "held0@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            _ = try daemon.log(DaemonWorkspace.complaint(email: "held1@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await transport.subjects(to: Self.officer).count == 1)
        }
        let outbox = try Outbox(folder: workspace.root.appending(path: "Outbox"), clock: .fixed(clock.date))
        #expect(try outbox.list(state: .queued, labels: ["kind": "alert"]).count == 1, "queued at shutdown")
        try await withDaemon(in: workspace, clock: clock, transport: transport) { daemon, clock, transport in
            try await clock.settle(daemon)
            #expect(await transport.subjects(to: Self.officer).count == 2, "sent at the next start")
        }
    }

    @Test("mail queued by another pals is sent at once on a wake-up, and within the sender's safety interval without")
    func mailFromElsewhere() async throws {
        try await withDaemon { daemon, clock, transport in
            try await clock.settle(daemon)
            try daemon.postroom.notify(
                to: "colleague@example.org", name: nil, key: "test/one", subject: "One", body: "text",
                labels: MessageLabels())
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await transport.subjects(to: "colleague@example.org") == ["One"])
            try daemon.postroom.notify(
                to: "colleague@example.org", name: nil, key: "test/two", subject: "Two", body: "text",
                labels: MessageLabels())
            try await clock.run(daemon, for: Daemon.senderSafetyInterval)
            #expect(await transport.subjects(to: "colleague@example.org") == ["One", "Two"])
        }
    }

    @Test("a reload keeps the daemon working; a bad pals.yaml is refused and the old configuration kept")
    func reloadKeepsWorking() async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        try await withDaemon(in: workspace) { daemon, clock, transport in
            try await clock.settle(daemon)
            try workspace.editConfiguration(replacing: "address: pals@example.org", with: "address: new@example.org")
            #expect(daemon.reload())
            _ = try daemon.log(DaemonWorkspace.complaint(email: "after-reload@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            let first = try #require(
                await transport.deliveries.first { $0.envelope.recipient.address == "after-reload@example.org" })
            #expect(first.envelope.sender.address == "new@example.org")

            try workspace.editConfiguration(replacing: "address: new@example.org", with: "address: not an address")
            #expect(!daemon.reload())
            _ = try daemon.log(DaemonWorkspace.complaint(email: "after-refusal@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            let second = try #require(
                await transport.deliveries.first { $0.envelope.recipient.address == "after-refusal@example.org" })
            #expect(second.envelope.sender.address == "new@example.org", "the configuration in force is kept")
        }
    }
}
