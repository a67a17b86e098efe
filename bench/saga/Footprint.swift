import Foundation
import HTTP

/// One service's start and idle memory: from exec to its first `GET /readyz` 200 (asked every
/// millisecond), then its memory after `settle` of doing nothing. On a fresh SQLite
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
        Thread.sleep(forTimeInterval: settle.timeInterval)
        let memory = try service.memory()
        return String(format: "ready_ms=%.1f rss_idle_mb=%.1f private_idle_mb=%.1f", ready.milliseconds, memory.resident, memory.privateDirty)
    }
}
