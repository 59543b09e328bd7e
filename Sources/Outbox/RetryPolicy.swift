package import Foundation
package import Mail

/// What to do with a message after a failed attempt.
package enum RetryDecision: Sendable, Hashable {
    /// Defer it until `at`.
    case retry(at: Date)
    /// Give up: move it to `failed/` with this reason.
    case fail(reason: String)
}

/// Decides, from the outcome of a failed attempt, whether and when a message is tried again.
///
/// The sender asks only about ``DeliveryOutcome/temporaryFailure(code:reply:)`` and
/// ``DeliveryOutcome/permanentFailure(code:reply:)``: a delivered message is archived, and an uncertain one
/// always goes on hold (it is never resent without an officer).
package protocol RetryPolicy: Sendable {
    /// The decision after a failed attempt.
    /// - Parameters:
    ///   - outcome: what the transport said.
    ///   - attempt: how many attempts the message has had, this one included (1 after the first).
    ///   - queuedAt: when the message's retry lifetime started (queued, or last retried or released by an officer).
    ///   - now: the time of the outcome.
    func decide(after outcome: DeliveryOutcome, attempt: Int, queuedAt: Date, now: Date) -> RetryDecision
}

/// Postfix-like retries: a temporary failure is retried after `firstBackoff`, doubling each time up to
/// `maximumBackoff`, until the message has waited `lifetime`; a permanent failure fails at once.
///
/// - `firstBackoff` (Duration, 300 s): Postfix's `minimal_backoff_time`.
/// - `maximumBackoff` (Duration, 4000 s, about 67 min): Postfix's `maximal_backoff_time`.
/// - `lifetime` (Duration, 5 days): Postfix's `maximal_queue_lifetime`; a temporary failure after it fails the message.
/// - `retryPermanentFailures` (Bool, false): treat 5xx like 4xx (only for a server known to misreport).
package struct BackoffRetryPolicy: RetryPolicy {
    /// The wait after the first failed attempt.
    package var firstBackoff: Duration = .seconds(300)
    /// The longest wait between attempts.
    package var maximumBackoff: Duration = .seconds(4000)
    /// How long temporary failures are retried before the message fails.
    package var lifetime: Duration = .seconds(5 * 86_400)
    /// Whether permanent failures are retried too.
    package var retryPermanentFailures = false

    /// A policy with Postfix's defaults, changed as given.
    package init(
        firstBackoff: Duration = .seconds(300), maximumBackoff: Duration = .seconds(4000),
        lifetime: Duration = .seconds(5 * 86_400), retryPermanentFailures: Bool = false
    ) {
        self.firstBackoff = firstBackoff
        self.maximumBackoff = maximumBackoff
        self.lifetime = lifetime
        self.retryPermanentFailures = retryPermanentFailures
    }

    /// The wait after the `attempt`-th failed attempt: `firstBackoff × 2^(attempt−1)`, at most `maximumBackoff`.
    package func backoff(attempt: Int) -> Duration {
        let first = Self.seconds(firstBackoff)
        let maximum = Self.seconds(maximumBackoff)
        var wait = first
        for _ in 1..<max(1, attempt) where wait < maximum { wait *= 2 }
        return .seconds(min(wait, maximum))
    }

    package func decide(after outcome: DeliveryOutcome, attempt: Int, queuedAt: Date, now: Date) -> RetryDecision {
        let reply: String
        switch outcome {
        case .temporaryFailure(_, let text):
            reply = text
        case .permanentFailure(_, let text):
            guard retryPermanentFailures else { return .fail(reason: "refused permanently: \(text)") }
            reply = text
        case .delivered, .uncertain:
            return .fail(reason: "not a failure; the sender does not ask the retry policy about it")
        }
        let waited = now.timeIntervalSince(queuedAt)
        if waited >= Self.seconds(lifetime) {
            let days = (waited / 86_400 * 10).rounded() / 10
            return .fail(reason: "gave up after \(attempt) attempts over \(days) days; the last reply was: \(reply)")
        }
        return .retry(at: now.addingTimeInterval(Self.seconds(backoff(attempt: attempt))))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension RetryPolicy where Self == BackoffRetryPolicy {
    /// Postfix's defaults: 5 minutes, doubling to about 67 minutes, given up after 5 days; 5xx fails at once.
    package static var postfix: BackoffRetryPolicy { BackoffRetryPolicy() }

    /// Postfix-like backoff with other numbers.
    package static func backoff(
        first: Duration = .seconds(300), maximum: Duration = .seconds(4000), lifetime: Duration = .seconds(5 * 86_400)
    ) -> BackoffRetryPolicy {
        BackoffRetryPolicy(firstBackoff: first, maximumBackoff: maximum, lifetime: lifetime)
    }

    /// Never retry: every failure fails the message at once.
    package static var dontRetry: BackoffRetryPolicy { BackoffRetryPolicy(lifetime: .zero) }
}
