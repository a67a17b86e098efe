import Storage

extension Metric {
    static let deferredCallsPending = gauge("deferred_calls_pending", "Sync calls that must still be made, waiting for their upstream, by call")
}

/// One call that must still be made: what the context needs to make it, how often it was tried,
/// and the saga it belongs to (for the log).
public struct PendingCall<Item: Sendable>: Sendable {
    public let item: Item
    /// Attempts made so far.
    public let attempts: Int
    public let correlationID: String

    public init(_ item: Item, attempts: Int, correlationID: String) {
        self.item = item
        self.attempts = attempts
        self.correlationID = correlationID
    }
}

/// How one attempt ended.
public enum CallOutcome: Sendable {
    /// The call was made and its result stored: it is no longer pending.
    case settled
    /// The upstream could not take it (down, breaker open, a 5xx): try again on a later pass.
    case retry(reason: String)
}

extension Service {
    /// A sync call that must happen eventually, deferred while its upstream is down or slow (the
    /// shape SYSTEMS.md asks for: "deferred, never lost"). The pending calls live in the
    /// context's own rows, written in the transaction that made them necessary; every `interval`
    /// this job reads them (`pending`: least-tried first, bounded), tries each on its own — one
    /// that keeps failing never holds back the others, and while the upstream's breaker is open
    /// each fails at once — and records a failed attempt with `postpone`. `<name>` is the
    /// `call` label of `deferred_calls_pending`; a deferral is logged the first time and every
    /// 20th after, so an outage does not flood the log. An error `attempt` throws is this
    /// service's own (its database, say): logged every time, not counted as an attempt.
    public func deferredCalls<Item: Sendable>(
        _ name: String, every interval: Duration,
        pending: @escaping @Sendable (Connection) throws -> [PendingCall<Item>],
        attempt: @escaping @Sendable (Item) throws -> CallOutcome,
        postpone: @escaping @Sendable (Item, _ attempts: Int, Connection) throws -> Void
    ) {
        let label = ["call": name]
        metrics.declare(.deferredCallsPending, label)
        every(interval, name) { [self] in
            let calls = try database.read(pending)
            metrics.set(.deferredCallsPending, label, to: Double(calls.count))
            // A pass against a slow upstream can take a deadline per call: one shutting down stops
            // between calls, leaving the rest pending for the next start.
            for call in calls where !shuttingDown.load(ordering: .acquiring) {
                let attempts = call.attempts + 1
                let outcome: CallOutcome
                do {
                    outcome = try attempt(call.item)
                } catch {
                    log.error("deferred call failed here", correlationID: call.correlationID, ["call": name, "error": "\(error)"])
                    continue
                }
                guard case .retry(let reason) = outcome else { continue }
                do {
                    try database.write { c in try postpone(call.item, attempts, c) }
                } catch {
                    log.error("deferred call could not be postponed", correlationID: call.correlationID, ["call": name, "error": "\(error)"])
                }
                if attempts == 1 || attempts % 20 == 0 {
                    log.warning("call deferred", correlationID: call.correlationID,
                                ["call": name, "attempts": "\(attempts)", "reason": reason])
                }
            }
        }
    }
}
