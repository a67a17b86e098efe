import Foundation
import HTTP

/// A service executable of this package running as its own process on a free loopback port,
/// with its own database file, talking to a test broker.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    public let port: Int
    public let database: TestDatabase
    public let environment: [String: String]
    private let executable: String
    private let directory: URL
    public private(set) var process: ChildProcess?

    /// By default a new SQLite file of its own in `directory`; giving two processes one
    /// `database` makes them replicas sharing their state. `port` is one `freePort()` gave; by
    /// default it takes one itself.
    public convenience init(_ executable: String, name: String? = nil, broker: TestBroker, directory: URL,
                            database: TestDatabase? = nil, port: Int? = nil, environment: [String: String] = [:]) throws {
        try self.init(executable, name: name, bootstrapServers: broker.bootstrapServers, directory: directory,
                      database: database, port: port, environment: environment)
    }

    /// For a broker other than a `TestBroker` (a `MockCluster`, say).
    public init(_ executable: String, name: String? = nil, bootstrapServers: String, directory: URL,
                database: TestDatabase? = nil, port: Int? = nil, environment: [String: String] = [:]) throws {
        self.executable = try ProjectPaths.executable(executable)
        self.name = name ?? executable
        self.directory = directory
        self.port = try port ?? freePort()
        self.database = database ?? .file(path: directory.appendingPathComponent("\(self.name).sqlite").path)
        var env = self.database.environment
        env.merge([
            "HOST": "127.0.0.1", "PORT": "\(self.port)",
            "KAFKA_BOOTSTRAP_SERVERS": bootstrapServers,
            "KAFKA_CONSUMER_PROPERTIES": TestBroker.fastGroupProperties.commaSeparated,
            "SHUTDOWN_GRACE_SECONDS": "10",
        ]) { _, new in new }
        env.merge(environment) { _, new in new }
        self.environment = env
    }

    deinit { process?.kill9() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the process and waits until /readyz answers 200.
    public func start(timeout: Duration = .seconds(30)) throws {
        let child = try ChildProcess(name: name, executable: executable, environment: environment, logDirectory: directory)
        process = child
        try eventually("\(name) ready on \(port); log:\n\(child.log)", timeout: timeout) {
            guard child.isRunning else { throw TestSupportError("\(name) exited with \(child.exitStatus ?? -1):\n\(child.log)") }
            return (try? get("/readyz").status) == 200
        }
    }

    /// SIGTERM, wait for a graceful exit; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        defer { process = nil }
        return process?.stop(timeout: .seconds(30)) ?? 0
    }

    public func kill9() {
        process?.kill9()
        process = nil
    }

    public var log: String { process?.log ?? (try? String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? "" }

    public func get(_ path: String) throws -> HTTPClientResponse {
        try HTTPClient().send(method: "GET", url: baseURL + path, timeout: .seconds(5))
    }

    public func send(_ method: String, _ path: String, json: [String: Any]) throws -> HTTPClientResponse {
        let body = try JSONSerialization.data(withJSONObject: json)
        return try HTTPClient().send(method: method, url: baseURL + path, headers: ["Content-Type": "application/json"],
                                     body: Array(body), timeout: .seconds(10))
    }

    /// GETs `path` and decodes the JSON body.
    public func getJSON<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        let response = try get(path)
        guard response.status == 200 else {
            throw TestSupportError("GET \(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    /// Waits until the service's consumer holds partitions: its group join is done.
    public func waitForPartitions(timeout: Duration = .seconds(30)) throws {
        try eventually("\(name) is assigned partitions", timeout: timeout) { try metric("consumer_assigned_partitions") > 0 }
    }

    /// Whether the service runs a consumer at all (a context with no policy has none).
    public var consumes: Bool {
        get throws { String(decoding: try get("/metrics").body, as: UTF8.self).contains("\nconsumer_joined ") }
    }

    /// The value of one sample line in /metrics (`name{labels}`), 0 when absent.
    public func metric(_ sample: String) throws -> Double {
        let text = String(decoding: try get("/metrics").body, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1)) ?? 0
        }
        return 0
    }
}
