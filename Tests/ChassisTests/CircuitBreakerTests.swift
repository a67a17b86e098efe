import Foundation
import Synchronization
import Testing

@testable import Chassis

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    struct Failure: Error {}

    /// Time moves only when a test says so.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(by duration: Duration) { instant.withLock { $0 += duration } }
    }

    /// Records every transition the breaker reports.
    final class TransitionLog: Sendable {
        private let entries = Mutex<[String]>([])
        var all: [String] { entries.withLock { $0 } }
        func append(_ from: CircuitBreakerState, _ to: CircuitBreakerState) {
            entries.withLock { $0.append("\(from.rawValue)->\(to.rawValue)") }
        }
    }

    let clock = ManualClock()
    let log = TransitionLog()

    func makeBreaker(_ configuration: CircuitBreakerConfiguration) -> CircuitBreaker {
        CircuitBreaker(name: "upstream", configuration: configuration, now: { [clock] in clock.now() }) {
            [log] in log.append($0, $1)
        }
    }

    func succeed(_ breaker: CircuitBreaker) throws { try breaker.call {} }
    func fail(_ breaker: CircuitBreaker) { _ = try? breaker.call { throw Failure() } }

    /// Opens `breaker` with failures, whatever its window.
    func open(_ breaker: CircuitBreaker) {
        while breaker.state != .open { fail(breaker) }
    }

    @Test("It opens at the failure-rate threshold, but only once the minimum number of calls is in the window")
    func opensOnFailureRate() throws {
        let breaker = makeBreaker(.init(slidingWindowSize: 10, minimumNumberOfCalls: 5, failureRateThreshold: 50))
        for _ in 0..<4 { fail(breaker) }
        #expect(breaker.state == .closed)  // 100% failures, but only 4 calls
        try succeed(breaker)
        #expect(breaker.state == .open)  // 4 of 5

        let atThreshold = makeBreaker(.init(slidingWindowSize: 10, minimumNumberOfCalls: 4, failureRateThreshold: 50))
        try succeed(atThreshold)
        try succeed(atThreshold)
        fail(atThreshold)
        #expect(atThreshold.state == .closed)
        fail(atThreshold)
        #expect(atThreshold.state == .open)  // exactly 50%
    }

    @Test("Only the last slidingWindowSize calls count toward the rate")
    func slidingWindow() throws {
        let breaker = makeBreaker(.init(slidingWindowSize: 4, minimumNumberOfCalls: 4, failureRateThreshold: 75))
        fail(breaker)
        fail(breaker)
        for _ in 0..<4 { try succeed(breaker) }  // pushes both failures out
        fail(breaker)
        fail(breaker)
        #expect(breaker.state == .closed)  // 2 of the last 4
        fail(breaker)
        #expect(breaker.state == .open)  // 3 of the last 4; counting every call would give 5 of 9
    }

    @Test("It opens on the slow-call rate even when every slow call succeeds")
    func opensOnSlowCalls() throws {
        let breaker = makeBreaker(
            .init(
                slidingWindowSize: 4, minimumNumberOfCalls: 4, slowCallRateThreshold: 50,
                slowCallDurationThreshold: .seconds(1)))
        let slow = { [clock] in
            clock.advance(by: .milliseconds(1500))
            return "slow"
        }
        #expect(try breaker.call(slow) == "slow")
        try succeed(breaker)
        try breaker.call { clock.advance(by: .seconds(1)) }  // at the threshold is not slow
        #expect(breaker.state == .closed)
        #expect(try breaker.call(slow) == "slow")
        #expect(breaker.state == .open)  // 2 of 4 slow, none failed
    }

    @Test("An open circuit fails fast without running the operation, and the fallback answers instead")
    func openFailsFast() throws {
        let breaker = makeBreaker(.init(waitDurationInOpenState: .seconds(10)))
        #expect(breaker.call({ throw Failure() }, fallback: { $0 is Failure ? "fallback for failure" : "?" }) == "fallback for failure")
        open(breaker)
        clock.advance(by: .seconds(4))

        let ran = Mutex(false)
        let rejection = try #require(throws: CircuitBreakerOpen.self) {
            try breaker.call { ran.withLock { $0 = true } }
        }
        #expect(rejection.name == "upstream")
        #expect(rejection.retryAfter == .seconds(6))

        let answer = breaker.call({ ran.withLock { $0 = true }; return "live" }, fallback: { error in
            (error as? CircuitBreakerOpen)?.retryAfter == .seconds(6) ? "fallback" : "unexpected \(error)"
        })
        #expect(answer == "fallback")
        #expect(ran.withLock { $0 } == false)
    }

    @Test("After the wait it half-opens, and successful probes close it with a fresh window")
    func probesClose() throws {
        let breaker = makeBreaker(
            .init(minimumNumberOfCalls: 2, waitDurationInOpenState: .seconds(10), permittedNumberOfCallsInHalfOpenState: 2))
        open(breaker)
        clock.advance(by: .milliseconds(9999))
        #expect(breaker.state == .open)
        clock.advance(by: .milliseconds(1))
        #expect(breaker.state == .halfOpen)

        // Both probes are in flight at once: a third call is turned away until they are done.
        let rejected = try breaker.call {
            try breaker.call {
                #expect(throws: CircuitBreakerOpen.self) { try breaker.call {} }
                return (try? breaker.call {}) == nil
            }
        }
        #expect(rejected)
        #expect(breaker.state == .closed)
        fail(breaker)
        #expect(breaker.state == .closed)  // the failures that opened it are forgotten
    }

    @Test("refusal says, without taking a permit, whether a call would be turned away and for how long")
    func refusal() throws {
        let breaker = makeBreaker(
            .init(minimumNumberOfCalls: 2, waitDurationInOpenState: .seconds(10), permittedNumberOfCallsInHalfOpenState: 1))
        #expect(breaker.refusal == nil)
        open(breaker)
        clock.advance(by: .seconds(4))
        #expect(breaker.refusal?.retryAfter == .seconds(6))
        clock.advance(by: .seconds(6))
        #expect(breaker.refusal == nil, "half-open with a probe free")
        #expect(breaker.refusal == nil, "asking took no permit")
        let refusedDuringProbe = try breaker.call { breaker.refusal }
        #expect(refusedDuringProbe?.retryAfter == .zero, "the one probe is in flight")
        #expect(breaker.state == .closed)
    }

    @Test("A failing probe re-opens it for a whole new wait")
    func failingProbeReopens() throws {
        let breaker = makeBreaker(.init(waitDurationInOpenState: .seconds(10), permittedNumberOfCallsInHalfOpenState: 1))
        open(breaker)
        clock.advance(by: .seconds(10))
        #expect(breaker.state == .halfOpen)
        clock.advance(by: .seconds(3))
        fail(breaker)
        #expect(breaker.state == .open)
        let rejection = try #require(throws: CircuitBreakerOpen.self) { try breaker.call {} }
        #expect(rejection.retryAfter == .seconds(10))
    }

    @Test("onStateChange sees each transition once, in order")
    func transitionsReportedOnce() throws {
        let breaker = makeBreaker(
            .init(minimumNumberOfCalls: 1, waitDurationInOpenState: .seconds(1), permittedNumberOfCallsInHalfOpenState: 1))
        fail(breaker)
        _ = breaker.state
        clock.advance(by: .seconds(1))
        _ = breaker.state
        _ = breaker.state
        fail(breaker)  // the probe
        _ = try? breaker.call {}  // rejected
        clock.advance(by: .seconds(1))
        try succeed(breaker)  // half-opens lazily on this call, which is the probe
        try succeed(breaker)
        #expect(
            log.all == [
                "closed->open", "open->half_open", "half_open->open", "open->half_open", "half_open->closed",
            ])
    }

    @Test(
        "Concurrent calls from many threads keep the counts exact",
        arguments: [(failures: 500, opens: true), (failures: 499, opens: false)])
    func concurrentCounts(failures: Int, opens: Bool) {
        let breaker = makeBreaker(.init(slidingWindowSize: 1000, minimumNumberOfCalls: 1000, failureRateThreshold: 50))
        let executed = Mutex(0)
        let group = DispatchGroup()
        for thread in 0..<4 {
            group.enter()
            Thread {
                for call in 0..<250 {
                    let failing = thread * 250 + call < failures
                    _ = try? breaker.call {
                        executed.withLock { $0 += 1 }
                        if failing { throw Failure() }
                    }
                }
                group.leave()
            }.start()
        }
        group.wait()
        // The window fills exactly on the last call, so every call ran before the verdict.
        #expect(executed.withLock { $0 } == 1000)
        #expect(breaker.state == (opens ? .open : .closed))
        #expect(log.all == (opens ? ["closed->open"] : []))
    }
}
