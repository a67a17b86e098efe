import Foundation
import HTTP

/// Polls `condition` every `interval` until it holds; throws with `message` after `timeout`.
public func eventually(_ message: @autoclosure () -> String, timeout: Duration = .seconds(30),
                       interval: Duration = .milliseconds(100), _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return }
        guard ContinuousClock.now < deadline else {
            throw TestSupportError("timed out after \(timeout): \(message())")
        }
        Thread.sleep(forTimeInterval: interval.timeInterval)
    }
}
