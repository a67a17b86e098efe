import Foundation
import HTTP
import Kafka
import Processes

/// One run of a service, stopped by its pid: on `directory`'s SQLite file (replicas started on
/// the same directory share it) unless `settings` name a `DATABASE_URL`; `settings` go into its
/// environment, its log into `directory/<name>.log`.
final class ServiceUnderTest {
    let executable: String
    let broker: String
    let directory: URL
    let name: String
    let settings: [String: String]
    private(set) var pid: pid_t?
    private var port = 0
    private let client = HTTPClient(keepAlive: 1)

    init(executable: String, broker: String, directory: URL, name: String = "service", settings: [String: String] = [:]) {
        self.executable = executable
        self.broker = broker
        self.directory = directory
        self.name = name
        self.settings = settings
    }

    /// Starts it and waits for its `GET /readyz` 200, asked every millisecond; the time from exec
    /// to that answer.
    @discardableResult
    func start(readyWithin limit: Duration = .seconds(30)) throws -> Duration {
        port = try Self.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["HOST"] = "127.0.0.1"
        environment["PORT"] = "\(port)"
        environment["KAFKA_BOOTSTRAP_SERVERS"] = broker
        environment["KAFKA_CONSUMER_PROPERTIES"] = LocalBroker.consumerProperties.commaSeparated
        if settings["DATABASE_URL"] == nil {
            environment["DATABASE_PATH"] = directory.appendingPathComponent("service.sqlite").path
        }
        environment.merge(settings) { $1 }
        let log = open(directory.appendingPathComponent("\(name).log").path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { close(log) }
        let started = ContinuousClock.now
        pid = try Spawn.start(executable, environment: environment, stdout: log, stderr: log)
        while (try? client.send(method: "GET", url: "http://127.0.0.1:\(port)/readyz", timeout: .milliseconds(100)).status) != 200 {
            guard ContinuousClock.now - started < limit else { throw BenchError("\(executable) not ready within \(limit)") }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return ContinuousClock.now - started
    }

    func signal(_ signal: Int32) {
        if let pid { kill(pid, signal) }
    }

    func stop() {
        guard let pid else { return }
        kill(pid, SIGTERM)
        kill(pid, SIGCONT)  // in case it was paused
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        self.pid = nil
    }

    func call(_ method: String, _ path: String, _ body: String? = nil) throws -> HTTPClientResponse {
        try client.send(method: method, url: "http://127.0.0.1:\(port)\(path)",
                        headers: body == nil ? [:] : ["Content-Type": "application/json"],
                        body: Array((body ?? "").utf8), timeout: .seconds(5))
    }

    func waitForPartitions() throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let metrics = String(decoding: try call("GET", "/metrics").body, as: UTF8.self)
            let assigned = metrics.split(separator: "\n").first { $0.hasPrefix("consumer_assigned_partitions ") }
                .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            if assigned > 0 { return }
            guard ContinuousClock.now < deadline else { throw BenchError("the service got no partitions within 60 s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Its memory in MB: resident now (`VmRSS`), the most it has been resident (`VmHWM`), and its
    /// private dirty pages (`Private_Dirty`: heap, stacks and the libraries' relocated data, what
    /// no other process can share; the rest of its resident set is libraries' pages read from
    /// their files, one copy for every process that maps them).
    func memory() throws -> (resident: Double, peak: Double, privateDirty: Double) {
        let pid = pid ?? 0
        func kilobytes(_ field: String, in file: String) throws -> Double {
            let text = try String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\(field):") }),
                  let value = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else {
                throw BenchError("no \(field) in the service's /proc/\(pid)/\(file)")
            }
            return value / 1024
        }
        return (try kilobytes("VmRSS", in: "status"), try kilobytes("VmHWM", in: "status"),
                try kilobytes("Private_Dirty", in: "smaps_rollup"))
    }

    func logTail() -> String {
        let log = (try? String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// A port nothing listens on now: the kernel's pick for a socket bound to port 0.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
