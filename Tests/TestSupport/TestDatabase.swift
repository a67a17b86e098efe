import Foundation
import Storage

/// The engines a service can keep its state in; tests of delivery guarantees run on both.
public enum StorageEngine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite = "SQLite"
    case postgresql = "PostgreSQL"
    public var description: String { rawValue }
}

/// A service's database in a test: a file, or a database on the test PostgreSQL server.
/// Replicas given the same one share their state.
public enum TestDatabase: Sendable {
    case file(path: String)
    case server(url: String)

    /// A new, empty one for `name`: a file in `directory`, or a new database on the server.
    public static func new(_ engine: StorageEngine, name: String, in directory: URL) throws -> TestDatabase {
        switch engine {
        case .sqlite: .file(path: directory.appendingPathComponent("\(name).sqlite").path)
        case .postgresql: .server(url: try TestPostgreSQL.newDatabase(name))
        }
    }

    public var engine: StorageEngine {
        switch self {
        case .file: .sqlite
        case .server: .postgresql
        }
    }

    /// What a service is given to use it.
    public var environment: [String: String] {
        switch self {
        case .file(let path): ["DATABASE_PATH": path]
        case .server(let url): ["DATABASE_URL": url]
        }
    }

    /// The SQLite file; a test that reads it with the `sqlite3` tool needs one.
    public var path: String {
        guard case .file(let path) = self else { preconditionFailure("\(self) is not an SQLite file") }
        return path
    }

    /// Opens it beside the service (WAL and the server both let a second client in).
    public func open() throws -> Database {
        switch self {
        case .file(let path): try Database(path: path, create: false)
        case .server(let url): try Database(url: url, poolSize: 2)
        }
    }

    /// The integer column `n` of the first row of `sql` (`SELECT COUNT(*) AS n …`).
    public func count(_ sql: String) throws -> Int {
        let database = try open()
        defer { database.close() }
        return try database.read { c in try c.queryOne(sql)?.int("n") } ?? 0
    }

    /// Runs `sql` (no parameters, one statement) in a write transaction.
    public func execute(_ sql: String) throws {
        let database = try open()
        defer { database.close() }
        try database.write { try $0.execute(sql) }
    }
}
