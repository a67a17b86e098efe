import Foundation
import Glibc
import Processes
import Storage
import Synchronization
import Testing
import TestSupport

/// The same `Database` API on a real PostgreSQL server (started by the tests, one database per test).
@Suite("PostgreSQL")
struct PostgreSQLTests {
    private func database(poolSize: Int = 4, poolWait: Duration = .seconds(5), statementTimeout: Duration = .seconds(10)) throws -> Database {
        try Database(url: try TestPostgreSQL.newDatabase("storage"), poolSize: poolSize, poolWait: poolWait,
                     statementTimeout: statementTimeout)
    }

    @Test("SQL in the house dialect runs: ? placeholders, SQLite's types, an identity key with RETURNING, 64-bit integers")
    func houseDialect() throws {
        let db = try database()
        defer { db.close() }
        try db.migrate([Migration(1, "things", """
            CREATE TABLE things (id INTEGER PRIMARY KEY AUTOINCREMENT, big INTEGER NOT NULL, price REAL, name TEXT, data BLOB);
            CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL DEFAULT 'a ? that is no placeholder, INTEGER')
            """)])
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff, 0]
        let (first, second) = try db.write { c in
            let first = try c.queryOne("INSERT INTO things (big, price, name, data) VALUES (?, ?, ?, ?) RETURNING id",
                                       .integer(Int64.max), .real(-1.25), .text("Grüße, 'quoted' \"and\" ?"), .blob(bytes))?.int("id")
            let second = try c.queryOne("INSERT INTO things (big) VALUES (?) RETURNING id", .integer(Int64.min))?.int("id")
            try c.execute("INSERT INTO notes (id) VALUES (?)", .int(7))
            return (first, second)
        }
        #expect(first == 1 && second == 2)
        let row = try #require(try db.read { try $0.queryOne("SELECT * FROM things WHERE id = ?", .int(1)) })
        #expect(try row.int64("big") == Int64.max)
        #expect(try row.double("price") == -1.25)
        #expect(try row.string("name") == "Grüße, 'quoted' \"and\" ?")
        #expect(try row.blob("data") == bytes)
        #expect(try db.read { try $0.queryOne("SELECT name, price FROM things WHERE id = 2") }?["name"] == .null)
        #expect(try db.read { try $0.queryOne("SELECT note FROM notes")?.string("note") } == "a ? that is no placeholder, INTEGER")
        // Aggregates read as SQLite gives them: COUNT and SUM of integers are integers, comparisons 0/1.
        let sums = try #require(try db.read { try $0.queryOne("SELECT COUNT(*) AS n, SUM(id) AS s, 2 > 1 AS yes FROM things") })
        #expect(try sums.int("n") == 2 && sums.int("s") == 3 && sums.bool("yes"))
        // SQLite's scalar max and min of two values (NULL when either is), and its CAST AS
        // INTEGER, which truncates, also around a literal with a parenthesis in it.
        #expect(try db.read { try $0.queryOne("SELECT MAX(id, 5) AS m, MIN(id, 5) AS l FROM things WHERE id = 1") }.map { try [$0.int("m"), $0.int("l")] } == [5, 1])
        #expect(try db.read { try $0.queryOne("SELECT MAX(price, 1) AS m FROM things WHERE id = 2") }?["m"] == .null)
        let casts = try #require(try db.read {
            try $0.queryOne("SELECT CAST(2.7 AS INTEGER) AS up, cast(-2.7 as integer) AS down, CAST(length('a)') * 1.9 AS INTEGER) AS text, CAST(? AS INTEGER) AS bound", .real(9.99))
        })
        #expect(try [casts.int("up"), casts.int("down"), casts.int("text"), casts.int("bound")] == [2, -2, 3, 9])
        // julianday, as bikeshare's view counts a rental's minutes left: 60 minutes from 10 minutes ago.
        let started = Date(timeIntervalSinceNow: -600.5).formatted(.iso8601)
        let left = try db.read {
            try $0.queryOne("SELECT MAX(0, 60 - CAST((julianday('now') - julianday(?)) * 1440 AS INTEGER)) AS left", .text(started))?.int("left")
        }
        #expect(left == 50)
    }

    @Test("Errors keep their kind: a constraint, a write in a read, a statement past its timeout")
    func errorKinds() throws {
        let db = try database(statementTimeout: .milliseconds(300))
        defer { db.close() }
        try db.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)") }
        try db.write { try $0.execute("INSERT INTO t (id) VALUES (1)") }
        let duplicate = try #require(throws: DatabaseError.self) { try db.write { try $0.execute("INSERT INTO t (id) VALUES (1)") } }
        #expect(duplicate.isConstraintViolation && duplicate.code == "23505")
        let inRead = try #require(throws: DatabaseError.self) { try db.read { try $0.execute("INSERT INTO t (id) VALUES (2)") } }
        #expect(inRead.kind == .misuse)
        let slow = try #require(throws: DatabaseError.self) { try db.read { try $0.query("SELECT pg_sleep(2)") } }
        #expect(slow.kind == .unavailable && slow.code == "57014")
        // The pool's connections are all still good after each failure.
        #expect(try db.read { try $0.query("SELECT id FROM t") }.count == 1)
    }

    @Test("A write that need not be durable is durable all the same: a server crash would bring its deletes back behind the relay")
    func notDurable() throws {
        // The tests' server commits asynchronously throughout: this database's sessions do not.
        let url = try TestPostgreSQL.newDatabase("storage")
        let setup = try Database(url: url, poolSize: 2)
        try setup.write { c in
            let name = try #require(try c.queryOne("SELECT current_database() AS name")?.string("name"))
            try c.execute("ALTER DATABASE \"\(name)\" SET synchronous_commit = on")
        }
        setup.close()
        let db = try Database(url: url, poolSize: 2)
        defer { db.close() }
        func setting(_ c: Connection) throws -> String? { try c.queryOne("SHOW synchronous_commit")?.string("synchronous_commit") }
        try db.migrate([Migration(1, "t", "CREATE TABLE t (x INTEGER)")])
        #expect(try db.write { try setting($0) } == "on")
        #expect(try db.write(durable: false) { c in
            try c.execute("INSERT INTO t VALUES (1)")
            return try setting(c)
        } == "on")
        #expect(try db.read { try $0.queryOne("SELECT COUNT(*) AS n FROM t")?.int("n") } == 1)
    }

    @Test("A write that throws rolls back everything it did")
    func rollback() throws {
        struct Abort: Error {}
        let db = try database()
        defer { db.close() }
        try db.write { try $0.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)") }
        try db.write { try $0.execute("INSERT INTO account (id, balance) VALUES (1, 100)") }
        #expect(throws: Abort.self) {
            try db.write { c in
                try c.execute("UPDATE account SET balance = 0 WHERE id = 1")
                throw Abort()
            }
        }
        #expect(try db.read { try $0.queryOne("SELECT balance FROM account")?.int("balance") } == 100)
    }

    @Test("Read-then-write transactions from two processes' pools never lose an update: conflicts are run again")
    func serializableRetries() throws {
        let url = try TestPostgreSQL.newDatabase("counter")
        let replicas = [try Database(url: url), try Database(url: url)]
        defer { replicas.forEach { $0.close() } }
        try replicas[0].write { try $0.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)") }
        try replicas[0].write { try $0.execute("INSERT INTO counter (id, n) VALUES (1, 0)") }
        let errors = onThreads(8) { index in
            for _ in 0..<25 {
                try replicas[index % 2].write { c in
                    // Read, then write what was read plus one: lost updates unless the engine serializes.
                    let n = try c.queryOne("SELECT n FROM counter WHERE id = 1")!.int("n")
                    try c.execute("UPDATE counter SET n = ? WHERE id = 1", .int(n + 1))
                }
            }
        }
        #expect(errors.isEmpty)
        #expect(try replicas[1].read { try $0.queryOne("SELECT n FROM counter")?.int("n") } == 200)
    }

    @Test("A conditional decrement from two replicas' pools takes exactly the stock, never more")
    func noOversell() throws {
        let url = try TestPostgreSQL.newDatabase("stock")
        let replicas = [try Database(url: url), try Database(url: url)]
        defer { replicas.forEach { $0.close() } }
        try replicas[0].write { try $0.execute("CREATE TABLE stock (id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL)") }
        try replicas[0].write { try $0.execute("INSERT INTO stock (id, quantity) VALUES (1, 100)") }
        let taken = Mutex(0)
        let errors = onThreads(8) { index in
            for _ in 0..<30 {
                let changed = try replicas[index % 2].write {
                    try $0.execute("UPDATE stock SET quantity = quantity - ? WHERE id = 1 AND quantity >= ?", .int(1), .int(1))
                }
                taken.withLock { $0 += changed }
            }
        }
        #expect(errors.isEmpty)
        #expect(taken.withLock { $0 } == 100)
        #expect(try replicas[0].read { try $0.queryOne("SELECT quantity FROM stock")?.int("quantity") } == 0)
    }

    @Test("Rows appended under serialize(on:) commit in key order: a reader that reads past the highest key it saw misses none")
    func appendsCommitInOrder() throws {
        let db = try database(poolSize: 8)
        defer { db.close() }
        try db.write { try $0.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL)") }
        let writing = Atomic<Int>(6)
        let seen = Mutex<[Int]>([])
        let reader = Thread {
            var cursor = 0
            while true {
                let done = writing.load(ordering: .acquiring) == 0
                let rows = (try? db.read { try $0.query("SELECT seq FROM outbox WHERE seq > ? ORDER BY seq", .int(cursor)) }) ?? []
                for row in rows { let seq = try! row.int("seq"); seen.withLock { $0.append(seq) }; cursor = seq }
                if done && rows.isEmpty { break }
            }
        }
        reader.start()
        let errors = onThreads(6) { index in
            defer { writing.subtract(1, ordering: .releasing) }
            for i in 0..<60 {
                try db.write { c in
                    try c.serialize(on: "outbox")
                    try c.execute("INSERT INTO outbox (payload) VALUES (?)", .text("\(index)-\(i)"))
                    if i % 7 == 0 { usleep(2_000) }  // a slow transaction that got its key early
                }
            }
        }
        while writing.load(ordering: .acquiring) > 0 || reader.isExecuting { usleep(10_000) }
        #expect(errors.isEmpty)
        // A transaction run again after a conflict leaves a gap in the keys; what counts is that
        // the reader saw every row that committed.
        let committed = try db.read { try $0.query("SELECT seq FROM outbox ORDER BY seq").map { try $0.int("seq") } }
        #expect(committed.count == 360)
        #expect(seen.withLock { $0 } == committed, "missed: \(Set(committed).subtracting(seen.withLock { $0 }).sorted())")
    }

    @Test("Replicas starting together run each migration once")
    func concurrentMigrations() throws {
        let url = try TestPostgreSQL.newDatabase("migrate")
        let migrations = [Migration(1, "a", "CREATE TABLE a (id INTEGER PRIMARY KEY)"),
                          Migration(2, "b", "CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO b (id) VALUES (1)")]
        let errors = onThreads(4) { _ in
            let db = try Database(url: url)
            defer { db.close() }
            try db.migrate(migrations)
        }
        #expect(errors.isEmpty)
        let db = try Database(url: url)
        defer { db.close() }
        #expect(try db.read { try $0.query("SELECT id FROM b") }.count == 1)
    }

    @Test("When every pooled connection stays busy, a transaction fails as unavailable after the wait")
    func poolExhausted() throws {
        let db = try database(poolSize: 2, poolWait: .milliseconds(200))
        defer { db.close() }
        let holding = Atomic<Int>(0)
        let holders = (0..<2).map { _ in
            Thread {
                _ = try? db.read { c in
                    holding.add(1, ordering: .relaxed)
                    return try c.query("SELECT pg_sleep(1)")
                }
            }
        }
        holders.forEach { $0.start() }
        while holding.load(ordering: .relaxed) < 2 { usleep(5_000) }
        let error = try #require(throws: DatabaseError.self) { try db.read { try $0.query("SELECT 1 AS one") } }
        #expect(error.kind == .unavailable)
        #expect(error.message.contains("2 database connections"))
    }

    @Test("close ends every connection, the one opened at start too even if it was never used")
    func closeEndsEveryConnection() throws {
        let url = try TestPostgreSQL.newDatabase("close")
        let observer = try Database(url: url, poolSize: 2)
        defer { observer.close() }
        let others = {
            try observer.read { c in
                try c.queryOne("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")!.int("n")
            }
        }
        let unused = try Database(url: url)
        #expect(try others() == 1)
        unused.close()
        try eventually("the connection opened at start is closed", timeout: .seconds(5)) { try others() == 0 }
    }

    @Test("A bad URL fails at once, and the message does not show the password")
    func badURL() throws {
        let error = try #require(throws: DatabaseError.self) {
            try Database(url: "postgres://someone:secret-pw@127.0.0.1:1/nothing")
        }
        #expect(error.kind == .unavailable)
        #expect(!error.description.contains("secret-pw"))
        #expect(error.description.contains("127.0.0.1:1"))
    }

    @Test("After a server restart no transaction fails on the pooled connections it dropped; while it is down they fail as unavailable")
    func reconnect() throws {
        let postgres = try DedicatedPostgreSQL()
        let db = try Database(url: try postgres.newDatabase("restart"), poolSize: 2, poolWait: .seconds(1))
        defer { db.close() }
        try db.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)") }
        // Both pooled connections opened, then idle: a read holding one while another runs.
        try db.read { _ in try db.read { _ in } }
        postgres.stop()
        try postgres.start()
        try eventually("the server accepts logins again", timeout: .seconds(10)) {
            (try? Database(url: postgres.server.url(database: "restart"), poolSize: 2))?.close() != nil
        }
        // Both idle connections are dead now; the first transaction must not fail on them.
        try db.write { try $0.execute("INSERT INTO t (id) VALUES (1)") }

        postgres.stop()
        let down = try #require(throws: DatabaseError.self) { try db.write { try $0.execute("INSERT INTO t (id) VALUES (2)") } }
        #expect(down.kind == .unavailable)
        try postgres.start()
        try eventually("a write goes through once it is back", timeout: .seconds(10)) {
            (try? db.write { try $0.execute("INSERT INTO t (id) VALUES (3)") }) != nil
        }
        #expect(try db.read { try $0.query("SELECT id FROM t ORDER BY id") }.map { try $0.int("id") } == [1, 3])
    }
}
