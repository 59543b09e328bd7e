import Casework
import Foundation
import Mail
import Outbox
import PalsTestKit
import Primitives
import Testing

@testable import Engine

/// The acknowledgements in `transport` of case `reference`.
func acknowledgements(_ transport: InMemoryTransport, _ reference: String, to address: String) async -> Int {
    await transport.subjects(to: address).filter { $0 == "Your complaint \(reference)" }.count
}

@Suite("The daemon's intake acknowledges each case once, at once when woken", .serialized)
struct DaemonIntakeTests {
    @Test(
        "a case logged before the daemon starts is acknowledged once, and the case shows it sent",
        arguments: DaemonStores.all)
    func acknowledgesAtStart(stores: DaemonStores) async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        try await withDaemon(in: workspace, stores: stores) { daemon, clock, transport in
            let reference = try daemon.log(DaemonWorkspace.complaint())
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await acknowledgements(transport, reference, to: "eira.example@example.org") == 1)
            let record = try daemon.postroom.casebook.register.get(reference)
            #expect(record.acknowledgedAt != nil)
            let kinds = try daemon.postroom.casebook.register.events(for: reference).map(\.kind)
            #expect(kinds.contains(.acknowledged) && kinds.contains(.letterSent), "\(kinds)")
            let sent = try #require(await transport.delivered(to: "eira.example@example.org").first)
            #expect(sent.contains("Auto-Submitted: auto-replied"))
        }
    }

    @Test("casesChanged (SIGUSR1) acknowledges a new case without any time passing")
    func wakeAcknowledgesAtOnce() async throws {
        try await withDaemon { daemon, clock, transport in
            try await clock.settle(daemon)
            let started = clock.date
            let reference = try daemon.log(DaemonWorkspace.complaint(email: "woken@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await acknowledgements(transport, reference, to: "woken@example.org") == 1)
            #expect(clock.date == started, "no simulated time passed: the wake-up did it, not a tick")
        }
    }

    @Test("without a signal, a new case is found at the safety interval, not before")
    func safetyIntervalFindsUnsignalledCase() async throws {
        try await withDaemon(safetyInterval: .seconds(300)) { daemon, clock, transport in
            try await clock.settle(daemon)
            let reference = try daemon.log(DaemonWorkspace.complaint(email: "quiet@example.org"))
            try await clock.run(daemon, for: .seconds(290))
            #expect(await acknowledgements(transport, reference, to: "quiet@example.org") == 0)
            try await clock.run(daemon, for: .seconds(20))
            #expect(await acknowledgements(transport, reference, to: "quiet@example.org") == 1)
        }
    }

    @Test("a restarted daemon sends no second acknowledgement", arguments: DaemonStores.all)
    func restartSendsOnce(stores: DaemonStores) async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        let clock = TestClock("2026-11-25T09:00:00Z")
        let transport = InMemoryTransport()
        var references: [String] = []
        for round in 0..<3 {
            try await withDaemon(in: workspace, clock: clock, stores: stores, transport: transport) {
                daemon, clock, _ in
                references.append(try daemon.log(DaemonWorkspace.complaint(email: "restart\(round)@example.org")))
                daemon.casesChanged()
                try await clock.settle(daemon)
                try await clock.run(daemon, for: .seconds(600))
            }
        }
        for (round, reference) in references.enumerated() {
            #expect(await acknowledgements(transport, reference, to: "restart\(round)@example.org") == 1)
        }
    }

    @Test("the in-memory daemon acknowledges a case without writing the workspace's register or Outbox/")
    func inMemoryLeavesWorkspaceAlone() async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        try await withDaemon(in: workspace, stores: .inMemory) { daemon, clock, transport in
            let reference = try daemon.log(DaemonWorkspace.complaint(email: "memory@example.org"))
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await acknowledgements(transport, reference, to: "memory@example.org") == 1)
            let archived = try daemon.postroom.outbox.archive.list(labels: MessageLabels.forCase(reference))
            #expect(
                archived.map { MessageLabels($0.labels).kind } == ["acknowledgement"],
                "in the store's archive: \(daemon.postroom.outbox.counts())")
        }
        let opened = try Workspace.open(at: workspace.root, environment: [:])
        let onDisk = try await offPool {
            let cases = try opened.register().cases(CaseFilter()).count
            let messages = try Outbox(folder: opened.outboxURL, clock: .system).list(state: nil, labels: [:]).count
            return (cases, messages)
        }
        #expect(onDisk.0 == 0, "no case in the SQLite register")
        #expect(onDisk.1 == 0, "no message in Outbox/")
    }

    @Test("two intake passes racing over the same cases queue each acknowledgement once")
    func racingPassesQueueOnce() async throws {
        try await withDaemon { daemon, clock, transport in
            try await clock.settle(daemon)
            let references = try (0..<6).map {
                try daemon.log(DaemonWorkspace.complaint(email: "race\($0)@example.org"))
            }
            async let first = offPoolWait { daemon.intakePass() }
            async let second = offPoolWait { daemon.intakePass() }
            let queued = await first + second
            #expect(queued >= 6, "every case was queued by one pass or the other (a pass may count a key it lost)")
            daemon.casesChanged()
            try await clock.settle(daemon)
            for (index, reference) in references.enumerated() {
                #expect(await acknowledgements(transport, reference, to: "race\(index)@example.org") == 1)
            }
        }
    }

    @Test("a closed case gets no acknowledgement")
    func closedCaseNotAcknowledged() async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        try await withDaemon(in: workspace) { daemon, clock, transport in
            try await clock.settle(daemon)
            let reference = try daemon.log(DaemonWorkspace.complaint(email: "closed@example.org"))
            _ = try daemon.postroom.casebook.close(reference)
            daemon.casesChanged()
            try await clock.run(daemon, for: .seconds(3600))
            #expect(await transport.attempts(at: "closed@example.org") == 0)
            #expect(try daemon.postroom.casebook.register.get(reference).acknowledgedAt == nil)
        }
    }

    @Test("a complainant written to by post gets a PDF in the print queue, no email, and the officer is told")
    func postalComplainant() async throws {
        let workspace = try DaemonWorkspace()
        defer { workspace.remove() }
        // 07:00, before the day's digest, so the officer's mail is the print request alone.
        try await withDaemon(in: workspace, start: "2026-11-25T07:00:00Z") { daemon, clock, transport in
            try await clock.settle(daemon)
            let complaint = try DaemonWorkspace.complaint(email: "post@example.org", preferredContact: "post")
            let reference = try daemon.log(complaint)
            daemon.casesChanged()
            try await clock.settle(daemon)
            #expect(await transport.attempts(at: "post@example.org") == 0)
            let print = workspace.root.appending(path: "Outbox/\(Postroom.printFolder)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: print.path)) ?? []
            #expect(files.contains { $0.contains(reference) && $0.hasSuffix(".pdf") }, "\(files)")
            #expect(await transport.delivered(to: "alex.example@example.org").count == 1, "the officer is told")
        }
    }

    @Test("an idle daemon sleeps until its next job, not a polling tick")
    func idleDaemonSleeps() async throws {
        try await withDaemon(start: "2026-11-28T12:00:00Z") { daemon, clock, _ in
            try await clock.settle(daemon)
            let wake = try #require(clock.nextWake)
            #expect(wake.timeIntervalSince(clock.date) >= 60, "the first wake is a safety interval away, at least")
            guard case .sleeping(let watcherUntil)? = daemon.activity.snapshot[.watcher] else {
                Issue.record("the watcher is not asleep")
                return
            }
            // Saturday noon: the watcher sleeps to its safety interval, on its way to Monday 08:30.
            #expect(watcherUntil.timeIntervalSince(clock.date) == 300)
        }
    }
}
