import Foundation

/// A value behind a pthread mutex. `Synchronization.Mutex` spins and then takes a
/// priority-inheritance futex, which on a few cores shared by a dozen server threads costs far
/// more than the work it guards. `@unchecked Sendable`: `value` is only touched with `lock` held.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
