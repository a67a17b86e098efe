@testable import Chassis
import Foundation
import Testing

@Suite("The outbox relay's wake and the consumer's batch size")
struct OutboxWakeTests {
    @Test("a commit wakes the waiting relay at once; with none it waits out its timeout; commits coalesce")
    func wake() {
        let wake = OutboxWake()
        #expect(!wake.wait(upTo: .milliseconds(20)), "no commit: the wait times out")

        let started = ContinuousClock.now
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { wake.committed() }
        #expect(wake.wait(upTo: .seconds(5)))
        #expect(ContinuousClock.now - started < .seconds(1), "woken by the commit, not by the timeout")

        for _ in 0..<100 { wake.committed() }
        #expect(wake.wait(upTo: .seconds(1)), "a burst of commits is one wake")
        #expect(!wake.wait(upTo: .milliseconds(20)), "…not a hundred")
    }

    @Test("records go one to a transaction at first; then fast ones many, slow ones one, never more than the maximum")
    func batchSize() {
        #expect(EventConsumer.BatchSize(maximum: 200).limit == 1)
        var fast = EventConsumer.BatchSize(maximum: 200)
        for _ in 0..<50 { fast.record(fast.limit, took: .microseconds(50 * fast.limit)) }
        #expect(fast.limit == 200)

        var concurrent = EventConsumer.BatchSize(maximum: 1)
        for _ in 0..<50 { concurrent.record(1, took: .microseconds(50)) }
        #expect(concurrent.limit == 1, "PostgreSQL: one record a transaction")

        var slow = EventConsumer.BatchSize(maximum: 200)
        for _ in 0..<50 { slow.record(slow.limit, took: .milliseconds(300 * slow.limit)) }
        #expect(slow.limit == 1)

        var mixed = EventConsumer.BatchSize(maximum: 200)
        for _ in 0..<50 { mixed.record(mixed.limit, took: .milliseconds(5 * mixed.limit)) }
        #expect((19...20).contains(mixed.limit), "about 100 ms of 5 ms records: \(mixed.limit)")
    }
}
