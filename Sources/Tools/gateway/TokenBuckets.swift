import Foundation
import HTTP

/// One token bucket per caller and route: a request takes a token, tokens come back at the
/// limit's rate up to its burst. At most `capacity` buckets are kept, so a flood of caller keys
/// costs bounded memory and time: full buckets (which hold nothing a new one would not) are swept
/// out at most once a second, and while none can go, new callers on a route share one bucket.
/// A throttled caller's bucket is never dropped early, which would hand it a fresh burst.
/// `@unchecked Sendable`: `buckets` and `lastSweep` are only touched with `lock` held.
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
    private var lastSweep = ContinuousClock.now

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Takes a token for `caller` on `route`; nil when there was one, else the whole seconds until there is.
    func take(_ caller: String, on route: String, _ limit: RateLimits.Limit, now: ContinuousClock.Instant = .now) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        var key = "\(route) \(caller)"
        if buckets[key] == nil && buckets.count >= capacity {
            if now - lastSweep >= .seconds(1) {
                buckets = buckets.filter { $0.value.fullAt > now }
                lastSweep = now
            }
            if buckets.count >= capacity { key = "\(route) (new callers while the table is full)" }
        }
        var tokens = limit.burst
        if let bucket = buckets[key] {
            tokens = min(limit.burst, bucket.tokens + (now - bucket.updated).timeInterval * limit.perSecond)
        }
        let wait: Int? = tokens >= 1 ? nil : Int(((1 - tokens) / limit.perSecond).rounded(.up))
        if wait == nil { tokens -= 1 }
        buckets[key] = Bucket(tokens: tokens, updated: now, fullAt: now + .seconds((limit.burst - tokens) / limit.perSecond))
        return wait
    }
}
