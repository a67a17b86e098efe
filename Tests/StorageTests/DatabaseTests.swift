import Foundation
import Storage
import Testing

@Suite("Opening, transactions and closing")
struct DatabaseTests {
    @Test("A file database runs in WAL mode with the busy timeout, foreign keys and synchronous FULL (a commit survives a power loss)")
    func connectionSettings() throws {
        try withTemporaryDatabasePath { path in
            let database = try Database(path: path, busyTimeout: .milliseconds(1500))
            defer { database.close() }
            // Asking for the journal mode counts as a write to SQLite, so it must run in `write`.
            let mode = try database.write { try $0.queryOne("PRAGMA journal_mode")?.string("journal_mode") }
            #expect(mode == "wal")
            try database.read { connection throws in
                #expect(try connection.queryOne("PRAGMA busy_timeout")?.int("timeout") == 1500)
                #expect(try connection.queryOne("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
                #expect(try connection.queryOne("PRAGMA synchronous")?.int("synchronous") == 2)
            }
            try database.write { try $0.execute("CREATE TABLE t (x)") }
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test("A write that need not be durable commits without a sync; the writer syncs every commit again after it, even one that threw")
    func notDurable() throws {
        try withTemporaryDatabasePath { path in
            let database = try Database(path: path)
            defer { database.close() }
            func synchronous(_ c: Connection) throws -> Int? { try c.queryOne("PRAGMA synchronous")?.int("synchronous") }
            try database.write { try $0.execute("CREATE TABLE t (x)") }
            #expect(try database.write(durable: false) { c in
                try c.execute("INSERT INTO t VALUES (1)")
                return try synchronous(c)
            } == 1)
            #expect(try database.write { try synchronous($0) } == 2)
            #expect(throws: DatabaseError.self) {
                try database.write(durable: false) { c in try c.execute("INSERT INTO nowhere VALUES (1)") }
            }
            #expect(try database.write { try synchronous($0) } == 2)
            #expect(try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM t")?.int("n") } == 1)
        }
    }

    @Test("An in-memory database is the one allowed to run without WAL")
    func inMemory() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        #expect(try database.write { try $0.queryOne("PRAGMA journal_mode")?.string("journal_mode") } == "memory")
    }

    @Test("Foreign keys are enforced")
    func foreignKeys() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        try database.write { connection in
            try connection.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            try connection.execute("CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent (id))")
        }
        let error = try #require(throws: DatabaseError.self) {
            try database.write { try $0.execute("INSERT INTO child (parent_id) VALUES (1)") }
        }
        #expect(error.isConstraintViolation)
    }

    @Test("A write whose closure throws rolls back everything it did")
    func rollback() throws {
        struct Abort: Error {}
        try withTemporaryDatabasePath { path in
            let database = try Database(path: path)
            defer { database.close() }
            try database.write { connection in
                try connection.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
                try connection.execute("INSERT INTO account (id, balance) VALUES (1, 100)")
            }
            #expect(throws: Abort.self) {
                try database.write { connection in
                    try connection.execute("UPDATE account SET balance = 0 WHERE id = 1")
                    try connection.execute("INSERT INTO account (id, balance) VALUES (2, 5)")
                    throw Abort()
                }
            }
            let rows = try database.read { try $0.query("SELECT id, balance FROM account") }
            #expect(rows.count == 1)
            #expect(try rows.first?.int("balance") == 100)
            // The connection is usable again: no transaction was left open.
            try database.write { try $0.execute("UPDATE account SET balance = 1 WHERE id = 1") }
        }
    }

    @Test("A statement that writes is refused inside read")
    func readRefusesWrites() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE t (x)") }
        let error = try #require(throws: DatabaseError.self) {
            try database.read { try $0.execute("INSERT INTO t (x) VALUES (1)") }
        }
        #expect(error.message.contains("Database.write"))
        #expect(try database.read { try $0.query("SELECT x FROM t") }.isEmpty)
    }

    @Test("RETURNING gives the new row's key")
    func returningKey() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        let id = try database.write { connection in
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, x)")
            try connection.execute("INSERT INTO t (x) VALUES ('a')")
            return try connection.queryOne("INSERT INTO t (x) VALUES ('b') RETURNING id")?.int("id")
        }
        #expect(id == 2)
    }

    @Test("Close is idempotent and later use throws instead of crashing")
    func closeTwice() throws {
        let database = try Database(path: ":memory:")
        try database.write { try $0.execute("CREATE TABLE t (x)") }
        database.close()
        database.close()
        let error = try #require(throws: DatabaseError.self) { try database.read { _ in } }
        #expect(error.message.contains("closed"))
    }

    @Test("A path that cannot be opened gives an error naming it")
    func unopenable() throws {
        let error = try #require(throws: DatabaseError.self) {
            try Database(path: "/nonexistent-directory/for-sure/db.sqlite")
        }
        #expect(error.message.contains("/nonexistent-directory/for-sure/db.sqlite"))
    }

    @Test("A duplicate insert with ON CONFLICT DO NOTHING changes no row, a plain one violates the constraint")
    func insertConflict() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        try database.write { connection in
            try connection.execute("CREATE TABLE inbox (consumer TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (consumer, event_id))")
        }
        let insert = "INSERT INTO inbox (consumer, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
        #expect(try database.write { try $0.execute(insert, "payment", "e-1") } == 1)
        #expect(try database.write { try $0.execute(insert, "payment", "e-1") } == 0)
        #expect(try database.write { try $0.execute(insert, "booking", "e-1") } == 1)
        let error = try #require(throws: DatabaseError.self) {
            try database.write { try $0.execute("INSERT INTO inbox (consumer, event_id) VALUES ('payment', 'e-1')") }
        }
        #expect(error.isConstraintViolation)
        #expect(error.isCausedByData)
        #expect(error.code == "1555")  // SQLITE_CONSTRAINT_PRIMARYKEY, the extended code
    }

    @Test("A second connection gives up with a busy error, not the data's fault, while the first holds the write lock")
    func busyIsTransient() throws {
        try withTemporaryDatabasePath { path in
            let holder = try Database(path: path)
            let impatient = try Database(path: path, busyTimeout: .milliseconds(50))
            defer {
                holder.close()
                impatient.close()
            }
            try holder.write { try $0.execute("CREATE TABLE t (x)") }
            let started = ContinuousClock.now
            let error = try holder.write { _ in
                try #require(throws: DatabaseError.self) {
                    try impatient.write { try $0.execute("INSERT INTO t (x) VALUES (1)") }
                }
            }
            #expect(!error.isCausedByData, "busy is the database's state, not the data's fault")
            #expect(error.kind == .unavailable)
            #expect(error.code == "5")  // SQLITE_BUSY
            #expect(ContinuousClock.now - started >= .milliseconds(50))
            // Once the lock is released the same write goes through.
            try impatient.write { try $0.execute("INSERT INTO t (x) VALUES (1)") }
        }
    }
}
