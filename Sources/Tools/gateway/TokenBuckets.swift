import Foundation

/// One token bucket per client and route: a request takes a token, tokens come back at the
/// limit's rate up to its burst. At most `capacity` buckets are kept: a full bucket is dropped
/// first (it holds nothing a new one would not), then the one idle longest, so a flood of client
/// addresses costs bounded memory.
/// `@unchecked Sendable`: `buckets` is only touched with `lock` held.
final class TokenBuckets: @unchecked Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
        /// From then on the bucket is as a new one would be.
        var fullAt: ContinuousClock.Instant
    }

    private let capacity: Int
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Takes a token for `key`; nil when there was one, else the whole seconds until there is.
    func take(_ key: String, _ limit: RateLimits.Limit, now: ContinuousClock.Instant = .now) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        var tokens = limit.burst
        if let bucket = buckets[key] {
            tokens = min(limit.burst, bucket.tokens + (now - bucket.updated).timeInterval * limit.perSecond)
        } else if buckets.count >= capacity {
            makeRoom(now)
        }
        let wait: Int? = tokens >= 1 ? nil : Int(((1 - tokens) / limit.perSecond).rounded(.up))
        if wait == nil { tokens -= 1 }
        buckets[key] = Bucket(tokens: tokens, updated: now, fullAt: now + .seconds((limit.burst - tokens) / limit.perSecond))
        return wait
    }

    /// Buckets refilled by now go first; failing that, the one untouched longest.
    private func makeRoom(_ now: ContinuousClock.Instant) {
        buckets = buckets.filter { $0.value.fullAt > now }
        if buckets.count >= capacity, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
            buckets[oldest] = nil
        }
    }
}
