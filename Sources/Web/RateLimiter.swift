package import Foundation
import Synchronization

/// A token bucket per API token: `perMinute` requests a minute, with bursts up to the same number.
///
/// In memory: a restart gives every token a full bucket, which is harmless for a limit meant to stop a runaway
/// client, not to bill one.
package final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    /// The limit in force, asked at each request: the daemon's server follows `http.rateLimit` across reloads.
    private let limit: @Sendable () -> Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Requests per minute per token, now.
    package var perMinute: Int { limit() }

    package init(perMinute: Int) {
        limit = { perMinute }
    }

    /// A limiter whose limit is read from `limit` at each request (a reloaded configuration).
    package init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    /// Takes one request from `key`'s bucket at `now`: nil when it may go ahead, else the seconds to wait.
    package func take(_ key: String, now: Date) -> Int? {
        let capacity = Double(perMinute)
        let refillPerSecond = capacity / 60
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = max(0, now.timeIntervalSince(bucket.updated))
            bucket.tokens = min(capacity, bucket.tokens + elapsed * refillPerSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
