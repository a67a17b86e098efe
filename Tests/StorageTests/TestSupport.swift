import Foundation
import Synchronization

/// Gives `body` a fresh database path and removes the file and its WAL companions afterwards.
func withTemporaryDatabasePath<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("sqlite-tests-\(UUID().uuidString).db").path
    defer {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    return try body(path)
}

/// Runs `body` on `count` dedicated threads at once and returns the errors they threw.
/// Real threads, not the cooperative pool: the point is to contend for SQLite's locks.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let errors = Mutex<[String]>([])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            do { try body(index) } catch { errors.withLock { $0.append("thread \(index): \(error)") } }
            group.leave()
        }.start()
    }
    group.wait()
    return errors.withLock { $0 }
}
