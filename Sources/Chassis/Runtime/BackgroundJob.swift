import Foundation
import Synchronization

/// Work a service repeats on its own thread: saga timeouts, deferred retries.
final class BackgroundJob: Sendable {
    let name: String
    private let interval: Duration
    private let work: @Sendable () throws -> Void
    private let log: Logger
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    init(name: String, interval: Duration, work: @escaping @Sendable () throws -> Void, log: Logger) {
        self.name = name; self.interval = interval; self.work = work; self.log = log
    }

    func start() {
        let thread = Thread { [self] in
            defer { finished.store(true, ordering: .releasing) }
            while !stopping.load(ordering: .acquiring) {
                do { try work() } catch { log.warning("job failed", ["job": name, "error": "\(error)"]) }
                let deadline = ContinuousClock.now + interval
                while ContinuousClock.now < deadline && !stopping.load(ordering: .acquiring) {
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
        }
        thread.name = name
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.01) }
    }
}
