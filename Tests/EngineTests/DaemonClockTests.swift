import Foundation
import PalsTestKit
import Primitives
import Testing
import WorkingDays

@testable import Engine

@Suite("The daemon's clock, wake-ups and what each service waits for")
struct DaemonClockTests {
    /// Polls `condition` until it holds, for at most `seconds` of real time.
    func eventually(within seconds: Double = 5, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    @Test("a sleeper on the test clock wakes when the clock passes its deadline, not before")
    func testClockWakesSleepers() async throws {
        let clock = TestClock("2026-11-25T09:00:00Z")
        let sleeping = Task { try await clock.sleep(for: .seconds(60)) }
        #expect(try await eventually { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(59))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        try await sleeping.value
        #expect(clock.sleeperCount == 0)
        #expect(clock.date == instant("2026-11-25T09:01:00Z"))
        #expect(clock.wallClock.now() == clock.date)
    }

    @Test("a cancelled sleeper wakes at once with CancellationError and leaves the clock")
    func testClockCancellation() async throws {
        let clock = TestClock("2026-11-25T09:00:00Z")
        let sleeping = Task { try await clock.sleep(for: .seconds(3600)) }
        #expect(try await eventually { clock.sleeperCount == 1 })
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test("a wake-up raised before the wait is not lost; one raised during it wakes the waiter")
    func wakeSignal() async throws {
        let signal = WakeSignal()
        signal.raise()
        await signal.wait()
        #expect(signal.take())
        #expect(!signal.take(), "taken once")
        let waiting = Task { await signal.wait() }
        signal.raise()
        await waiting.value
        #expect(signal.isRaised)
    }

    @Test("a cancelled wait for a wake-up returns")
    func wakeSignalCancellation() async throws {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait() }
        waiting.cancel()
        await waiting.value
        #expect(!signal.isRaised)
    }

    @Test("intake sleeps until the earliest retry still to come")
    func intakeRetryTimes() {
        let retries = IntakeRetries()
        let now = instant("2026-11-25T09:00:00Z")
        #expect(retries.nextTry(after: now) == nil)
        _ = retries.failed("PALS-2026-0001", now: now)
        _ = retries.failed("PALS-2026-0002", now: now)
        _ = retries.failed("PALS-2026-0002", now: now)
        #expect(retries.nextTry(after: now) == now.addingTimeInterval(1))
        #expect(retries.nextTry(after: now.addingTimeInterval(1)) == now.addingTimeInterval(2))
        #expect(retries.nextTry(after: now.addingTimeInterval(2)) == nil, "a try already due is not waited for")
    }

    @Test("pending alerts are due at once for an officer not yet told, else at the end of the officer's window")
    func alertDueTimes() {
        let alerts = OfficerAlerts(window: 900)
        let now = instant("2026-11-25T09:00:00Z")
        #expect(alerts.nextDue() == nil)
        let problem = { (key: String) in
            OfficerAlerts.Problem(key: key, reference: "PALS-2026-0001", caseId: "c1", subject: "s", body: "b")
        }
        alerts.add(problem("one"), for: "alex")
        #expect(alerts.nextDue() == .distantPast)
        #expect(alerts.take(now: now, force: false).count == 1)
        #expect(alerts.nextDue() == nil, "nothing pending")
        alerts.add(problem("two"), for: "alex")
        #expect(alerts.nextDue() == now.addingTimeInterval(900))
    }

    @Test("the idle check: every service asleep until a later time")
    func activity() {
        let activity = DaemonActivity()
        let now = instant("2026-11-25T09:00:00Z")
        #expect(!activity.allAsleep(now: now), "not started")
        for service in DaemonActivity.Service.allCases { activity.sleeping(service, until: now.addingTimeInterval(5)) }
        #expect(activity.allAsleep(now: now))
        #expect(!activity.allAsleep(now: now.addingTimeInterval(5)), "a sleep whose time has come is a wake")
        activity.working(.sender)
        #expect(!activity.allAsleep(now: now))
    }
}
