/// Every wait on a socket is bounded by an absolute point in time, never by a per-read timeout:
/// a peer trickling one byte at a time must not be able to stretch a wait forever.
typealias Deadline = ContinuousClock.Instant

extension ContinuousClock.Instant {
    /// Milliseconds left, for poll(2), rounded up so a wait never ends before the deadline;
    /// nil once the deadline has passed.
    var pollTimeout: Int32? {
        let remaining = ContinuousClock.now.duration(to: self)
        guard remaining > .zero else { return nil }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
