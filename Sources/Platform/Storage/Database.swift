import Synchronization
import Foundation

/// A service's database: SQLite (one file: one connection writes, a few read beside it) or
/// PostgreSQL (a server, a bounded pool), with the same API. Work runs on the caller's thread; `read` and `write` are not
/// reentrant (on SQLite the nested call would wait for the one connection forever).
public final class Database: Sendable {
    private let pool: ConnectionPool
    /// Where `read` runs: on SQLite, connections of their own, which WAL lets read while the
    /// writer writes; on PostgreSQL (and an in-memory SQLite database), `pool`.
    private let readPool: ConnectionPool
    /// PostgreSQL only: how often a write that conflicted with a concurrent one is run again.
    private let conflictRetries: Int
    /// PostgreSQL only: opens a connection to the server, for the pool and for `holdLock`.
    private let openDedicated: (@Sendable () throws(DatabaseError) -> any EngineConnection)?
    /// PostgreSQL: processes share the server, and `exclusively` takes a session advisory lock.
    private var isShared: Bool { openDedicated != nil }
    /// "SQLite" or "PostgreSQL", for messages.
    var engine: String { isShared ? "PostgreSQL" : "SQLite" }
    /// SQLite: the file's write transactions run one at a time, so a long one waits for nobody
    /// and no two can deadlock. PostgreSQL: they run side by side, each locking as it goes.
    public var writesRunOneAtATime: Bool { !isShared }
    /// The connections `holdLock` keeps open until `close`.
    private let holders = Mutex<[SendableConnection]>([])

    /// SQLite: opens the file in WAL mode, creating it unless `create` is false. ":memory:" is the
    /// one path allowed without WAL; it has one connection for reads and writes. Writers wait up
    /// to `busyTimeout` for another process; up to `readers` reads run side by side.
    public init(path: String, create: Bool = true, busyTimeout: Duration = .seconds(5), readers: Int = 4) throws(DatabaseError) {
        let connection = try SQLiteConnection(path: path, create: create, busyTimeout: busyTimeout)
        conflictRetries = 0
        openDedicated = nil
        // The one connection, opened above so that a bad path fails here; never reopened.
        let writer = ConnectionPool(size: 1, waitLimit: nil) { () throws(DatabaseError) in throw DatabaseError.misuse("the database is closed") }
        writer.adopt(connection)
        pool = writer
        readPool = path == ":memory:" ? pool : ConnectionPool(size: readers, waitLimit: nil) { () throws(DatabaseError) in
            try SQLiteConnection(path: path, create: false, busyTimeout: busyTimeout)
        }
    }

    /// PostgreSQL: `url` is a libpq connection URI (`postgres://user@host:port/name?sslmode=…`;
    /// TLS and other parameters pass through). Up to `poolSize` connections; a transaction that
    /// finds them all busy waits `poolWait`, then fails `.unavailable`. Statements stop after
    /// `statementTimeout`. One connection is opened here, so a bad URL fails at once.
    public init(url: String, poolSize: Int = 4, poolWait: Duration = .seconds(5),
                statementTimeout: Duration = .seconds(10), conflictRetries: Int = 10) throws(DatabaseError) {
        // `exclusively` holds one connection while its body uses another.
        guard poolSize >= 2 else { throw DatabaseError.misuse("a PostgreSQL pool needs at least 2 connections, not \(poolSize)") }
        let options = PostgreSQLConnection.Options(url: url, statementTimeout: statementTimeout)
        let first = try PostgreSQLConnection(options)
        self.conflictRetries = conflictRetries
        let open: @Sendable () throws(DatabaseError) -> any EngineConnection = { () throws(DatabaseError) in try PostgreSQLConnection(options) }
        openDedicated = open
        let shared = ConnectionPool(size: poolSize, waitLimit: poolWait, open: open)
        shared.adopt(first)
        pool = shared
        readPool = pool
    }

    /// A database URL without its password, for messages and logs.
    public static func redacting(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(a URL that does not parse)"
    }

    deinit {
        close()
    }

    /// Runs `body` in a read-only transaction, so that all its queries see one snapshot.
    /// Statements that write are refused here: use `write`.
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try onFreshConnection(from: readPool) { c in try Self.transaction(on: c, writing: false, durable: true, body) }
    }

    /// Runs `body` in a transaction that behaves as if it ran alone, committed when it returns and
    /// rolled back when it throws. On SQLite it is `BEGIN IMMEDIATE`: writers take turns. On
    /// PostgreSQL it is `SERIALIZABLE`, and a conflict with a concurrent transaction runs `body`
    /// again (so `body` must not have effects outside the database), up to `conflictRetries`
    /// times. The result is discardable because a write's closure often ends in `execute`.
    ///
    /// A commit is on disk when `write` returns, unless `durable` is false on SQLite: then a crash
    /// of the machine (not of the process) may undo it, whole, and only if no later durable commit
    /// made it to disk. For work that is safe to lose, like deleting outbox rows already published
    /// (lost, they are published again and consumers skip them): it saves a sync that SQLite's
    /// other writers would wait behind. PostgreSQL commits durably all the same (see its `begin`).
    @discardableResult
    public func write<T>(durable: Bool = true, _ body: (Connection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try onFreshConnection(from: pool) { c in try Self.transaction(on: c, writing: true, durable: durable, body) }
            } catch let error as DatabaseError where error.kind == .conflict && attempt < conflictRetries {
                attempt += 1
                // Jittered and growing, so two retrying transactions do not meet again at once.
                Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5) * min(0.05, 0.001 * Double(1 << min(attempt, 6))))
            }
        }
    }

    /// Runs `body` while no other process runs an `exclusively` of the same `name` against this
    /// database: migrations of replicas that start together. On SQLite, write transactions
    /// already take turns; on PostgreSQL it is a session advisory lock held on a pooled
    /// connection, so `body` runs its transactions on the others. Not reentrant.
    public func exclusively<T>(_ name: String, _ body: () throws -> T) throws -> T {
        guard isShared else { return try body() }
        return try pool.withConnection { c in
            try c.engine.lockSession(name)
            defer { c.engine.unlockSession(name) }
            return try body()
        }
    }

    /// PostgreSQL: takes the advisory lock `name` on a connection of its own and holds it until
    /// `close` (or the process dies, which ends the session): shared, waiting while someone holds
    /// it exclusively; or exclusive, only when nobody holds it at all, false otherwise. Processes
    /// sharing a database learn of each other with it, as `flock` tells them of a file's users.
    public func holdLock(_ name: String, exclusive: Bool) throws(DatabaseError) -> Bool {
        guard let openDedicated else { throw DatabaseError.misuse("holdLock is for a database server; lock an SQLite file with flock") }
        let connection = try openDedicated()
        let held: Bool
        do {
            if exclusive {
                held = try connection.run("SELECT pg_try_advisory_lock(hashtext(?)) AS held", [.text(name)], firstOnly: true)
                    .rows.first?.bool("held") ?? false
            } else {
                _ = try connection.run("SELECT pg_advisory_lock_shared(hashtext(?)) AS waited", [.text(name)], firstOnly: true)
                held = true
            }
        } catch {
            connection.close()
            throw error
        }
        guard held else {
            connection.close()
            return false
        }
        holders.withLock { $0.append(SendableConnection(connection)) }
        return true
    }

    /// Closes the connections; later calls throw.
    public func close() {
        pool.close()
        readPool.close()
        holders.withLock { held in
            held.forEach { $0.connection.close() }
            held.removeAll()
        }
    }

    /// A pooled connection the server dropped since its last use (it restarted) fails at `BEGIN`,
    /// before anything ran: the pool closes it and the transaction takes another, so after a
    /// restart no request fails on the connections that were idle.
    private func onFreshConnection<T>(from pool: ConnectionPool, _ transaction: (Connection) throws -> T) throws -> T {
        var stale = 0
        while true {
            do {
                return try pool.withConnection(transaction)
            } catch let error as StaleConnection {
                stale += 1
                guard stale <= pool.size else { throw error.error }
            }
        }
    }

    private struct StaleConnection: Error {
        let error: DatabaseError
    }

    private static func transaction<T>(on connection: Connection, writing: Bool, durable: Bool,
                                       _ body: (Connection) throws -> T) throws -> T {
        do {
            try connection.engine.begin(writing: writing, durable: durable)
        } catch where !connection.engine.isUsable {
            throw StaleConnection(error: error)
        }
        do {
            let result = try body(connection)
            try connection.engine.commit()
            return result
        } catch {
            connection.engine.rollback()
            throw error
        }
    }
}

/// A connection only `Database.holders` touches, under its lock.
private struct SendableConnection: @unchecked Sendable {
    let connection: any EngineConnection
    init(_ connection: any EngineConnection) { self.connection = connection }
}
