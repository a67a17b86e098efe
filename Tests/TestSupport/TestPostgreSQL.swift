import Foundation
import Glibc
import Processes
import Synchronization

/// One PostgreSQL server per test process, on a free loopback port, started when a test first
/// asks for a database and stopped by its pid when the process exits. Each test gets a database
/// of its own in it, so tests run in parallel without seeing each other's rows.
public final class TestPostgreSQL: Sendable {
    public let server: LocalPostgreSQL
    private let process: ChildProcess
    private let databases = Atomic<Int>(0)

    private static let shared = Mutex<Result<TestPostgreSQL, TestSupportError>?>(nil)
    /// For the exit handler, which can capture nothing.
    nonisolated(unsafe) private static var serverPID: pid_t = 0

    /// The server, started on first use.
    public static func server() throws -> TestPostgreSQL {
        try shared.withLock { started in
            if started == nil { started = Result { () throws(TestSupportError) in try TestPostgreSQL() } }
            return try started!.get()
        }
    }

    /// A new, empty database; its `postgres://` URL.
    public static func newDatabase(_ label: String = "test") throws -> String {
        let server = try server()
        let name = "\(label.lowercased().filter { $0.isLetter || $0.isNumber })_\(server.databases.add(1, ordering: .relaxed).newValue)"
        do { try server.server.createDatabase(name) } catch { throw TestSupportError("\(error)") }
        return server.server.url(database: name)
    }

    private init() throws(TestSupportError) {
        do {
            let directory = try ProjectPaths.temporaryDirectory("postgres")
            server = try LocalPostgreSQL(dataDirectory: directory.appendingPathComponent("data"), port: try freePort())
            try server.initializeIfNeeded()
            let (executable, arguments) = server.command(durable: false)
            process = try ChildProcess(name: "postgres", executable: executable, arguments: arguments, logDirectory: directory)
            Self.serverPID = process.pid
            atexit {
                // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
                kill(TestPostgreSQL.serverPID, SIGINT)
                var status: Int32 = 0
                for _ in 0..<100 where waitpid(TestPostgreSQL.serverPID, &status, WNOHANG) == 0 { usleep(50_000) }
            }
            try eventually("PostgreSQL listening on \(server.port)", timeout: .seconds(30)) { isListening(port: server.port) }
        } catch let error as TestSupportError {
            throw error
        } catch {
            throw TestSupportError("cannot start PostgreSQL for the tests: \(error)")
        }
    }
}

/// A PostgreSQL server of a test's own, for a test that stops and starts it (an outage);
/// stopped by its pid when the test ends.
public final class DedicatedPostgreSQL: @unchecked Sendable {
    public let server: LocalPostgreSQL
    private let directory: URL
    private var process: ChildProcess?

    public init() throws {
        directory = try ProjectPaths.temporaryDirectory("postgres-own")
        server = try LocalPostgreSQL(dataDirectory: directory.appendingPathComponent("data"), port: try freePort())
        try server.initializeIfNeeded()
        try start()
    }

    deinit { stop() }

    public func start() throws {
        let (executable, arguments) = server.command(durable: false)
        process = try ChildProcess(name: "postgres", executable: executable, arguments: arguments, logDirectory: directory)
        try eventually("PostgreSQL listening on \(server.port)", timeout: .seconds(30)) { isListening(port: server.port) }
    }

    /// SIGINT, PostgreSQL's fast shutdown: clients are disconnected.
    public func stop() {
        guard let process else { return }
        kill(process.pid, SIGINT)
        if !process.waitForExit(timeout: .seconds(20)) { process.kill9() }
        self.process = nil
    }

    /// A new database on it, once it accepts logins; its URL.
    public func newDatabase(_ name: String) throws -> String {
        try eventually("PostgreSQL accepts logins", timeout: .seconds(10)) { (try? server.createDatabase(name)) != nil }
        return server.url(database: name)
    }
}
