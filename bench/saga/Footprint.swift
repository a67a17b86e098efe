import Foundation
import HTTP
import Processes

/// One service's start and idle memory: from exec to its first `GET /readyz` 200 (asked every
/// millisecond), then its resident set size after `settle` of doing nothing. On a fresh SQLite
/// file; the process is stopped by its pid.
struct Footprint {
    let executable: String
    let broker: String
    let settle: Duration = .seconds(3)

    func run() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-footprint-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try Self.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["HOST"] = "127.0.0.1"
        environment["PORT"] = "\(port)"
        environment["KAFKA_BOOTSTRAP_SERVERS"] = broker
        environment["DATABASE_PATH"] = directory.appendingPathComponent("service.sqlite").path
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }

        let started = ContinuousClock.now
        let pid = try Spawn.start(executable, environment: environment, stdout: null, stderr: null)
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let client = HTTPClient()
        while (try? client.send(method: "GET", url: "http://127.0.0.1:\(port)/readyz", timeout: .milliseconds(100)).status) != 200 {
            guard ContinuousClock.now - started < .seconds(10) else { throw BenchError("\(executable) not ready within 10 s") }
            Thread.sleep(forTimeInterval: 0.001)
        }
        let ready = ContinuousClock.now - started
        Thread.sleep(forTimeInterval: settle.seconds)
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else {
            throw BenchError("no VmRSS in /proc/\(pid)/status")
        }
        return String(format: "ready_ms=%.1f rss_idle_mb=%.1f", ready.milliseconds, kilobytes / 1024)
    }

    /// A port nothing listens on now: the kernel's pick for a socket bound to port 0.
    static func freePort() throws -> Int {
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
