import Foundation
import Processes
import Storage

/// Where devstack keeps each service's state, for the database-busy fault: its SQLite file in the
/// state folder, or (`up --database postgres`) its database on devstack's PostgreSQL, named after
/// it. Replicas share their context's, so only a context's first slot has one of its name.
struct ServiceDatabases {
    let stateDirectory: URL

    /// The service's database, opened as another writer; nil when it has none of its name.
    func open(_ service: Stack.Process, among processes: [Stack.Process]) throws -> Database? {
        if let postgres = processes.first(where: \.isDatabaseServer) {
            let name = service.name.replacingOccurrences(of: "-", with: "_")
            let server = try Database(url: LocalPostgreSQL.url(port: postgres.port, database: "postgres"), poolSize: 2)
            guard try server.read({ c in try c.queryOne("SELECT 1 FROM pg_database WHERE datname = ?", .text(name)) }) != nil else { return nil }
            return try Database(url: LocalPostgreSQL.url(port: postgres.port, database: name), poolSize: 2)
        }
        let path = stateDirectory.appendingPathComponent("\(service.name).sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try Database(path: path, create: false, busyTimeout: .seconds(10))
    }

    /// Holds `database` for `seconds` as a writer would: SQLite's one write lock, or every table
    /// of the PostgreSQL database locked against reads and writes. Either way the service's
    /// statements wait, and past its busy timeout or its pool's wait give up (a 503, a retry).
    func hold(_ database: Database, for seconds: Double) throws {
        try database.write { c in
            if !database.writesRunOneAtATime {
                let tables = try c.query("SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'")
                    .map { try $0.string("name") }
                if !tables.isEmpty { try c.execute("LOCK TABLE \(tables.joined(separator: ", ")) IN ACCESS EXCLUSIVE MODE") }
            }
            Thread.sleep(forTimeInterval: seconds)
        }
    }
}
