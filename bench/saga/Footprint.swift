import Foundation

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
        let service = ServiceUnderTest(executable: executable, broker: broker, directory: directory)
        let ready = try service.start(readyWithin: .seconds(10))
        defer { service.stop() }
        Thread.sleep(forTimeInterval: settle.seconds)
        let status = try String(contentsOfFile: "/proc/\(service.pid ?? 0)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else {
            throw BenchError("no VmRSS in the service's /proc status")
        }
        return String(format: "ready_ms=%.1f rss_idle_mb=%.1f", ready.milliseconds, kilobytes / 1024)
    }
}
