import Dispatch
import HTTP
import Synchronization

/// Wakes the outbox relay when a transaction has committed, so that an event leaves as soon as
/// it exists instead of at the relay's next idle poll. Wakes coalesce: a burst of commits while
/// the relay is busy is one more look at the outbox, not one per commit.
final class OutboxWake: Sendable {
    private let pending = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    /// After a commit: the relay's next look at the outbox sees the rows it wrote.
    func committed() {
        let wake = pending.withLock { pending in
            defer { pending = true }
            return !pending
        }
        if wake { semaphore.signal() }
    }

    /// Waits up to `timeout` for a commit; true when one came. A commit that lands between the
    /// wake and the relay's next query is seen by that query, so clearing here loses none.
    func wait(upTo timeout: Duration) -> Bool {
        let woken = semaphore.wait(timeout: .now() + timeout.timeInterval) == .success
        pending.withLock { $0 = false }
        return woken
    }
}
