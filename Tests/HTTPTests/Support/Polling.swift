import Foundation
import Synchronization

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(within timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return true
}

/// Runs `body` on a thread of its own (a blocking call the test must not wait on directly);
/// `result` answers nil until it has finished.
final class Background<T: Sendable>: Sendable {
    private let outcome = Mutex<T?>(nil)

    init(_ body: @escaping @Sendable () -> T) {
        Thread { [self] in
            let value = body()
            outcome.withLock { $0 = value }
        }.start()
    }

    var result: T? { outcome.withLock { $0 } }
}
