import Foundation
import Glibc

/// A PostgreSQL server of our own: Debian's binaries, a data directory we choose, loopback TCP
/// only (no Unix socket), trust authentication for the `postgres` role. devstack and the tests
/// start `command` as a child and stop it by its pid (SIGINT: PostgreSQL's fast shutdown).
/// PostgreSQL refuses to run as root, so as root the server and `initdb` run as the `postgres`
/// user (`setpriv`), which owns the data directory.
public struct LocalPostgreSQL: Sendable {
    public let dataDirectory: URL
    public let port: Int
    /// Where `initdb`, `postgres` and `createdb` are.
    public let binaries: String
    private let environment: [String: String]

    /// Finds the binaries: `POSTGRES_BIN_DIR`, else `pg_config --bindir`, else the newest
    /// `/usr/lib/postgresql/<version>/bin`.
    public init(dataDirectory: URL, port: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LocalPostgreSQLError) {
        self.dataDirectory = dataDirectory
        self.port = port
        self.environment = environment
        binaries = try Self.findBinaries(environment)
    }

    public func url(database: String) -> String { Self.url(port: port, database: database) }
    public static func url(port: Int, database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)" }

    /// Creates the data directory's cluster unless it has one.
    public func initializeIfNeeded() throws(LocalPostgreSQLError) {
        guard !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else { return }
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw LocalPostgreSQLError(description: "cannot create \(dataDirectory.path): \(error)")
        }
        if let owner = serverUser {
            guard chown(dataDirectory.path, owner.uid, owner.gid) == 0 else {
                throw LocalPostgreSQLError(description: "cannot give \(dataDirectory.path) to the postgres user: \(String(cString: strerror(errno)))")
            }
        }
        try runToEnd("initdb", ["-D", dataDirectory.path, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"])
    }

    /// The server's command line. `durable: false` (tests) turns off fsync: much faster, and a
    /// crash of the machine loses the data, which a test does not keep anyway.
    public func command(durable: Bool = true) -> (executable: String, arguments: [String]) {
        var arguments = ["-D", dataDirectory.path, "-p", "\(port)", "-c", "listen_addresses=127.0.0.1",
                         "-c", "unix_socket_directories=", "-c", "max_connections=200"]
        if !durable { arguments += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] }
        return asServerUser(binaries + "/postgres", arguments)
    }

    /// Creates `name` unless it exists; the server must be running.
    public func createDatabase(_ name: String) throws(LocalPostgreSQLError) {
        let (status, output) = try run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name])
        guard status == .exited(0) || output.contains("already exists") else {
            throw LocalPostgreSQLError(description: "createdb \(name) failed (\(status)): \(output)")
        }
    }

    /// Drops `name` if it exists; nothing may be connected to it.
    public func dropDatabase(_ name: String) throws(LocalPostgreSQLError) {
        try runToEnd("dropdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "--if-exists", name])
    }

    private func runToEnd(_ tool: String, _ arguments: [String]) throws(LocalPostgreSQLError) {
        let (status, output) = try run(tool, arguments)
        guard status == .exited(0) else { throw LocalPostgreSQLError(description: "\(tool) failed (\(status)): \(output)") }
    }

    private func run(_ tool: String, _ arguments: [String]) throws(LocalPostgreSQLError) -> (ExitStatus, String) {
        let (executable, arguments) = asServerUser(binaries + "/" + tool, arguments)
        do {
            return try Spawn.run(executable, arguments: arguments, environment: environment)
        } catch {
            throw LocalPostgreSQLError(description: "cannot run \(tool): \(error)")
        }
    }

    private func asServerUser(_ executable: String, _ arguments: [String]) -> (executable: String, arguments: [String]) {
        guard serverUser != nil else { return (executable, arguments) }
        // setpriv execs the command, so the pid devstack and the tests hold is the server's own.
        return ("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable] + arguments)
    }

    /// The `postgres` user's ids when running as root; nil otherwise (the server runs as us).
    private var serverUser: (uid: uid_t, gid: gid_t)? {
        guard getuid() == 0, let entry = getpwnam("postgres") else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    private static func findBinaries(_ environment: [String: String]) throws(LocalPostgreSQLError) -> String {
        let fm = FileManager.default
        if let dir = environment["POSTGRES_BIN_DIR"], !dir.isEmpty { return dir }
        if let (status, output) = try? Spawn.run("/usr/bin/pg_config", arguments: ["--bindir"], environment: environment),
           status == .exited(0) {
            let dir = output.trimmingCharacters(in: .whitespacesAndNewlines)
            if fm.isExecutableFile(atPath: dir + "/postgres") { return dir }
        }
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last, fm.isExecutableFile(atPath: "/usr/lib/postgresql/\(newest)/bin/postgres") {
            return "/usr/lib/postgresql/\(newest)/bin"
        }
        throw LocalPostgreSQLError(description: "PostgreSQL's server is not installed: run scripts/setup (or set POSTGRES_BIN_DIR)")
    }
}

public struct LocalPostgreSQLError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
