import Foundation
import Synchronization

/// A named thread that runs until asked to stop: the lifecycle the outbox relay, the consumer
/// and background jobs share. Their work runs here, not on Swift concurrency's cooperative pool.
final class Worker: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    var isStopping: Bool { stopping.load(ordering: .acquiring) }
    var isRunning: Bool { !finished.load(ordering: .acquiring) }

    func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            defer { finished.store(true, ordering: .releasing) }
            body()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the body to stop and waits until it has returned.
    func stop() {
        stopping.store(true, ordering: .releasing)
        while isRunning { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Sleeps for `duration` unless asked to stop meanwhile; false when asked to stop.
    func sleep(_ duration: Duration) -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if isStopping { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return !isStopping
    }
}
