import Storage
import Testing

@Suite("Migrations")
struct MigrationTests {
    let migrations = [
        Migration(1, "create shows", "CREATE TABLE show (id INTEGER PRIMARY KEY, title TEXT NOT NULL);"),
        Migration(
            2, "add seats",
            """
            ALTER TABLE show ADD COLUMN seats INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX show_title ON show (title);
            """),
    ]

    @Test("Migrations apply once in version order and a re-run is a no-op")
    func applyOnce() throws {
        try withTemporaryDatabasePath { path in
            let database = try Database(path: path)
            try database.migrate(migrations)
            try database.write { try $0.execute("INSERT INTO show (title, seats) VALUES ('Cats', 10)") }
            database.close()

            let reopened = try Database(path: path)
            defer { reopened.close() }
            try reopened.migrate(migrations)
            let applied = try reopened.read { try $0.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") }
            #expect(try applied.map { try $0.int("version") } == [1, 2])
            #expect(try applied.map { try $0.string("name") } == ["create shows", "add seats"])
            #expect(try applied.allSatisfy { try $0.string("applied_at").hasSuffix("Z") })
            #expect(try reopened.read { try $0.query("SELECT * FROM show") }.count == 1)
        }
    }

    @Test("Only the migrations a database lacks are applied")
    func applyMissing() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        try database.migrate(Array(migrations.prefix(1)))
        try database.migrate(migrations)
        #expect(try database.read { try $0.queryOne("SELECT seats FROM show") } == nil)
        #expect(try database.read { try $0.query("SELECT version FROM schema_migrations") }.count == 2)
    }

    @Test("A database migrated by newer code is refused")
    func unknownVersion() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        try database.migrate(migrations + [Migration(3, "future", "CREATE TABLE future (x)")])
        let error = try #require(throws: DatabaseError.self) { try database.migrate(migrations) }
        #expect(error.message.contains("version 3"))
    }

    @Test(
        "Versions that are duplicated or out of order are refused before anything runs",
        arguments: [[1, 1], [2, 1]])
    func badOrder(versions: [Int]) throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        let bad = versions.map { Migration($0, "v\($0)", "CREATE TABLE t\($0) (x)") }
        let error = try #require(throws: DatabaseError.self) { try database.migrate(bad) }
        #expect(error.message.contains("strictly increasing"))
        #expect(try database.read { try $0.query("SELECT name FROM sqlite_master") }.isEmpty)
    }

    @Test("A failing migration leaves no trace and stops the ones after it")
    func failingMigration() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        let broken = [
            Migration(1, "good", "CREATE TABLE a (x);"),
            Migration(2, "bad", "CREATE TABLE b (x); CREATE TABLE oops ("),
            Migration(3, "never", "CREATE TABLE c (x);"),
        ]
        #expect(throws: DatabaseError.self) { try database.migrate(broken) }
        let tables = try database.read { connection in
            try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { try $0.string("name") }
        }
        #expect(tables == ["a", "schema_migrations"])
        #expect(try database.read { try $0.query("SELECT version FROM schema_migrations") }.count == 1)
    }
}
