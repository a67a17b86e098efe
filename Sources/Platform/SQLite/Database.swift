import CSQLite
import Synchronization

/// One SQLite connection shared by a service's threads. Work runs on the caller's thread,
/// one closure at a time; `read` and `write` are not reentrant (the mutex would deadlock).
public final class Database: Sendable {
    private let lock = Mutex(())
    /// Touched only while `lock` is held; nil once closed. A `Mutex<Connection?>` cannot lend
    /// its non-Sendable value to the caller's closure under strict concurrency checking.
    nonisolated(unsafe) private var connection: Connection?

    /// Opens the file in WAL mode, creating it unless `create` is false. ":memory:" is the one
    /// path allowed without WAL.
    public init(path: String, create: Bool = true, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw SQLiteError(extendedCode: rc, message: "cannot open \(path): \(message)")
        }
        let connection = Connection(handle: handle)
        do {
            try Self.configure(connection, path: path, busyTimeout: busyTimeout)
        } catch {
            connection.close()
            throw error
        }
        self.connection = connection
    }

    private static func configure(_ connection: Connection, path: String, busyTimeout: Duration) throws(SQLiteError) {
        sqlite3_extended_result_codes(connection.handle, 1)
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(connection.handle, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        // Without WAL, readers block the writer and the outbox relay stalls request handling.
        let mode = try connection.queryOne("PRAGMA journal_mode=WAL")?.string("journal_mode")
        guard mode == "wal" || (path == ":memory:" && mode == "memory") else {
            throw SQLiteError(
                extendedCode: SQLITE_ERROR,
                message: "\(path) refused WAL mode (journal_mode is \(mode ?? "unknown")); is it on a network file system?")
        }
        // FULL: a commit is on disk before it returns, even across an OS crash or power loss. A
        // consumer stores its offset (and the relay may publish the outbox rows) right after the
        // commit, so NORMAL, which may drop the last commits, would lose effects Kafka counts done.
        try connection.execute("PRAGMA synchronous=FULL")
        try connection.execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        close()
    }

    /// Runs `body` in a deferred transaction, so that all its queries see one snapshot.
    /// Statements that write are refused here: use `write`.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN DEFERRED", allowsWrites: false, body)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committed when it returns and rolled
    /// back when it throws. The write lock is taken up front, where the busy timeout applies.
    /// The result is discardable because a write's closure often ends in `execute`.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN IMMEDIATE", allowsWrites: true, body)
    }

    /// Finalizes cached statements and closes the connection; later calls throw.
    public func close() {
        lock.withLock { _ in
            connection?.close()
            connection = nil
        }
    }

    private func transaction<T>(begin: String, allowsWrites: Bool, _ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { _ in
            guard let connection else {
                throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "the database is closed")
            }
            try connection.executeScript(begin)
            connection.allowsWrites = allowsWrites
            defer { connection.allowsWrites = true }
            do {
                let result = try body(connection)
                try connection.executeScript("COMMIT")
                return result
            } catch {
                // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back.
                if !connection.isAutocommit { try? connection.executeScript("ROLLBACK") }
                throw error
            }
        }
    }
}
