import Foundation

/// One schema change. `sql` may hold several statements; it runs in the migration's own
/// transaction, where SQLite's `PRAGMA foreign_keys` has no effect. It is SQLite's dialect, as
/// every statement here: PostgreSQL gets it rewritten (`PostgreSQLDialect`).
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(_ version: Int, _ name: String, _ sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension Database {
    /// Applies the migrations the database lacks, in version order, each in its own transaction.
    /// Refuses a database migrated by newer code: running against a schema this code does not
    /// know could corrupt it.
    /// Replicas starting together take turns (`exclusively`).
    public func migrate(_ migrations: [Migration]) throws {
        try exclusively("schema_migrations") { try migrateAlone(migrations) }
    }

    private func migrateAlone(_ migrations: [Migration]) throws {
        for (previous, next) in zip(migrations, migrations.dropFirst()) where next.version <= previous.version {
            throw DatabaseError.misuse(
                "migration versions must be unique and strictly increasing: \(next.version) (\(next.name)) follows \(previous.version) (\(previous.name))")
        }
        try write { connection in
            if let prelude = connection.engine.schemaPrelude { try connection.runScript(prelude) }
            try connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        }
        let known = Set(migrations.map(\.version))
        let applied = try read { connection in
            try connection.query("SELECT version FROM schema_migrations ORDER BY version").map { try $0.int("version") }
        }
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw DatabaseError(
                .misuse, engine: engine, code: "schema-too-new",
                message: "the database has migration version \(unknown), which this code does not know (it knows up to \(migrations.last?.version ?? 0)); refusing to run an older build against a newer schema")
        }
        for migration in migrations where !applied.contains(migration.version) {
            try write { connection in
                // Another process may have applied it since the check above.
                guard try connection.queryOne(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", .int(migration.version)) == nil
                else { return }
                try connection.runScript(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    .int(migration.version), .text(migration.name), .text(Date().formatted(.iso8601)))
            }
        }
    }
}
