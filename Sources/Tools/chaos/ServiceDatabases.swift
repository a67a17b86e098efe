import Foundation
import Processes
import Storage

/// Where devstack keeps each service's state, for the database-busy fault: its SQLite file in the
/// state folder, or (`up --database postgres`) its database on devstack's PostgreSQL, named after
/// it. Replicas share their context's, so only a context's first slot has one of its name.
struct ServiceDatabases {
    let stateDirectory: URL

    func exists(for service: Stack.Process, among processes: [Stack.Process]) throws -> Bool {
        guard let postgres = processes.first(where: \.isDatabaseServer) else {
            return FileManager.default.fileExists(atPath: sqlitePath(of: service))
        }
        let server = try Database(url: LocalPostgreSQL.url(port: postgres.port, database: "postgres"), poolSize: 2)
        defer { server.close() }
        return try server.read { c in try c.queryOne("SELECT 1 FROM pg_database WHERE datname = ?", .text(databaseName(of: service))) } != nil
    }

    /// The service's database, opened as another writer.
    func open(_ service: Stack.Process, among processes: [Stack.Process]) throws -> Database {
        if let postgres = processes.first(where: \.isDatabaseServer) {
            return try Database(url: LocalPostgreSQL.url(port: postgres.port, database: databaseName(of: service)), poolSize: 2)
        }
        return try Database(path: sqlitePath(of: service), create: false, busyTimeout: .seconds(10))
    }

    /// Holds `database` for `seconds` as another writer would, calling `held` once it holds it:
    /// SQLite's one write lock, which the service's writers wait for up to their 5 s busy timeout
    /// (then a 503, a retry); or every table of the PostgreSQL database locked, which its
    /// statements wait for (up to their 10 s statement timeout) while its requests and its
    /// consumer hold its pooled connections, so that more requests wait for one and after 5 s get a 503.
    func hold(_ database: Database, for seconds: Double, held: () -> Void) throws {
        try database.write { c in
            if !database.writesRunOneAtATime {
                let tables = try c.query("SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'")
                    .map { try $0.string("name") }
                if !tables.isEmpty { try c.execute("LOCK TABLE \(tables.joined(separator: ", ")) IN ACCESS EXCLUSIVE MODE") }
            }
            held()
            Thread.sleep(forTimeInterval: seconds)
        }
    }

    private func sqlitePath(of service: Stack.Process) -> String {
        stateDirectory.appendingPathComponent("\(service.name).sqlite").path
    }

    /// As devstack names it: `ticketing_show` for `ticketing-show`.
    private func databaseName(of service: Stack.Process) -> String { service.name.replacingOccurrences(of: "-", with: "_") }
}
