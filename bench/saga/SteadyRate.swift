import Foundation
import HTTP
import Synchronization

/// Runs `work(i)` for i = 0, 1, … at `rate` per second for `duration`, open loop: each start is
/// scheduled at `i / rate` from the beginning whatever earlier ones are doing, so a slow system
/// shows as latency (measured from the scheduled time), not as a lower rate. `threads` workers
/// share the schedule.
enum SteadyRate {
    static func run(rate: Double, duration: Duration, threads: Int, _ work: @escaping @Sendable (_ index: Int, _ scheduled: ContinuousClock.Instant) -> Void) {
        let start = ContinuousClock.now + .milliseconds(100)
        let total = Int(rate * duration.timeInterval)
        let next = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < total else { return }
                    let scheduled = start + .seconds(Double(index) / rate)
                    let wait = scheduled - .now
                    if wait > .zero { Thread.sleep(forTimeInterval: wait.timeInterval) }
                    work(index, scheduled)
                }
            }
        }
        group.wait()
    }
}

extension Duration {
    var milliseconds: Double { timeInterval * 1000 }
}
