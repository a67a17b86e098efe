import Synchronization

/// Guards a synchronous call to another service: closed, it counts failures and slow calls
/// over a sliding window; open, it fails fast; half-open, it lets a few probes decide.
public final class CircuitBreaker: Sendable {
    public let name: String
    private let configuration: CircuitBreakerConfiguration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let onStateChange: (@Sendable (CircuitBreakerState, CircuitBreakerState) -> Void)?
    private let core: Mutex<Core>

    /// `onStateChange` runs while the breaker's lock is held, so that transitions are reported
    /// exactly once and in order; it must not call back into this breaker.
    public init(
        name: String,
        configuration: CircuitBreakerConfiguration = .init(),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        onStateChange: (@Sendable (CircuitBreakerState, CircuitBreakerState) -> Void)? = nil
    ) {
        precondition(
            configuration.slidingWindowSize > 0 && configuration.minimumNumberOfCalls > 0
                && configuration.permittedNumberOfCallsInHalfOpenState > 0,
            "circuit breaker \(name): window size, minimum number of calls and permitted probes must be positive")
        self.name = name
        self.configuration = configuration
        self.now = now
        self.onStateChange = onStateChange
        self.core = Mutex(Core(window: CallOutcomeWindow(capacity: configuration.slidingWindowSize)))
    }

    /// An open circuit reports half-open as soon as its wait has elapsed.
    public var state: CircuitBreakerState {
        let instant = now()
        return core.withLock { core in
            halfOpenIfWaitElapsed(&core, at: instant)
            return core.phase.state
        }
    }

    /// Runs `operation` if the circuit permits it, and counts its outcome: any thrown error is
    /// a failure, and a call longer than `slowCallDurationThreshold` is slow even if it succeeds.
    /// Throws `CircuitBreakerOpen` without running it otherwise.
    public func call<T>(_ operation: () throws -> T) throws -> T {
        let permit = try acquirePermit()
        let start = now()
        do {
            let result = try operation()
            record(permit, failed: false, startedAt: start)
            return result
        } catch {
            record(permit, failed: true, startedAt: start)
            throw error
        }
    }

    /// Like `call`, but answers with `fallback` when the circuit is open or the operation fails.
    /// Typed throws, not `rethrows`: it throws only what `fallback` throws, so a fallback that
    /// cannot fail makes the call need no `try` (rethrows would count the operation too).
    public func call<T, E: Error>(_ operation: () throws -> T, fallback: (any Error) throws(E) -> T) throws(E) -> T {
        do {
            return try call(operation)
        } catch {
            return try fallback(error)
        }
    }

    /// What `call` would answer now instead of running its operation, without taking a permit:
    /// nil when it would run it.
    public var refusal: CircuitBreakerOpen? {
        let instant = now()
        return core.withLock { core in
            halfOpenIfWaitElapsed(&core, at: instant)
            return refusal(core, at: instant)
        }
    }

    private func acquirePermit() throws(CircuitBreakerOpen) -> Permit {
        let instant = now()
        return try core.withLock { core -> Result<Permit, CircuitBreakerOpen> in
            halfOpenIfWaitElapsed(&core, at: instant)
            if let refusal = refusal(core, at: instant) { return .failure(refusal) }
            if case .halfOpen(let probesStarted) = core.phase { core.phase = .halfOpen(probesStarted: probesStarted + 1) }
            return .success(Permit(epoch: core.epoch))
        }.get()
    }

    private func refusal(_ core: Core, at instant: ContinuousClock.Instant) -> CircuitBreakerOpen? {
        switch core.phase {
        case .closed:
            return nil
        case .open(let until):
            return CircuitBreakerOpen(name: name, retryAfter: until - instant)
        case .halfOpen(let probesStarted):
            // Zero: the circuit decides as soon as the probes in flight complete.
            return probesStarted < configuration.permittedNumberOfCallsInHalfOpenState ? nil : CircuitBreakerOpen(name: name, retryAfter: .zero)
        }
    }

    private func record(_ permit: Permit, failed: Bool, startedAt start: ContinuousClock.Instant) {
        let end = now()
        let outcome = CallOutcomeWindow.Outcome(failed: failed, slow: end - start > configuration.slowCallDurationThreshold)
        core.withLock { core in
            // The circuit changed state while this call ran; its outcome belongs to the old state.
            guard permit.epoch == core.epoch else { return }
            core.window.record(outcome)
            switch core.phase {
            case .closed:
                let minimum = min(configuration.minimumNumberOfCalls, configuration.slidingWindowSize)
                if core.window.count >= minimum && exceedsThresholds(core.window) {
                    move(&core, to: .open, at: end)
                }
            case .halfOpen:
                if core.window.count == configuration.permittedNumberOfCallsInHalfOpenState {
                    move(&core, to: exceedsThresholds(core.window) ? .open : .closed, at: end)
                }
            case .open:
                break
            }
        }
    }

    private func exceedsThresholds(_ window: CallOutcomeWindow) -> Bool {
        window.failureRate >= configuration.failureRateThreshold
            || window.slowCallRate >= configuration.slowCallRateThreshold
    }

    private func halfOpenIfWaitElapsed(_ core: inout Core, at instant: ContinuousClock.Instant) {
        if case .open(let until) = core.phase, instant >= until {
            move(&core, to: .halfOpen, at: instant)
        }
    }

    private func move(_ core: inout Core, to next: CircuitBreakerState, at instant: ContinuousClock.Instant) {
        let previous = core.phase.state
        core.epoch += 1
        switch next {
        case .closed:
            core.phase = .closed
            core.window = CallOutcomeWindow(capacity: configuration.slidingWindowSize)
        case .open:
            core.phase = .open(until: instant + configuration.waitDurationInOpenState)
        case .halfOpen:
            core.phase = .halfOpen(probesStarted: 0)
            core.window = CallOutcomeWindow(capacity: configuration.permittedNumberOfCallsInHalfOpenState)
        }
        onStateChange?(previous, next)
    }

    private struct Core {
        var phase = Phase.closed
        /// Closed: the last `slidingWindowSize` calls. Half-open: the probes.
        var window: CallOutcomeWindow
        /// Bumped on every transition, so that a call permitted in one state is not counted in the next.
        var epoch = 0
    }

    private enum Phase {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen(probesStarted: Int)

        var state: CircuitBreakerState {
            switch self {
            case .closed: .closed
            case .open: .open
            case .halfOpen: .halfOpen
            }
        }
    }

    private struct Permit {
        let epoch: Int
    }
}
