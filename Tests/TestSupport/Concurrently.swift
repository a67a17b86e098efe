import Foundation
import Synchronization

/// Runs `work` `count` times, spread over `threads` threads running at once; the results, in
/// the order they finished.
public func concurrently<T: Sendable>(_ count: Int, threads: Int, _ work: @escaping @Sendable () -> T) -> [T] {
    let results = Mutex<[T]>([])
    let next = Atomic<Int>(0)
    let group = DispatchGroup()
    for _ in 0..<threads {
        DispatchQueue.global().async(group: group) {
            while next.add(1, ordering: .relaxed).oldValue < count {
                let result = work()
                results.withLock { $0.append(result) }
            }
        }
    }
    group.wait()
    return results.withLock { $0 }
}
