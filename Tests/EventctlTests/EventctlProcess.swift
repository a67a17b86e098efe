import Foundation
import TestSupport

/// One finished run of the built eventctl: exit status and what it printed where.
struct EventctlRun: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var stderrLines: [Substring] { stderr.split(separator: "\n") }
    /// stdout without the table header.
    var rows: [Substring] { Array(stdout.split(separator: "\n").dropFirst()) }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs eventctl against `broker` (nil: no --bootstrap-server is added) and waits for it, killing
/// it after `timeout` so a hung run fails the test instead of hanging it.
func eventctl(_ arguments: [String], broker: String?, environment: [String: String] = [:],
              timeout: Duration = .seconds(60)) throws -> EventctlRun {
    let directory = try ProjectPaths.temporaryDirectory("eventctl-run")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try ProjectPaths.executable("eventctl"))
    process.arguments = arguments + (broker.map { ["--bootstrap-server", $0] } ?? [])
    var env = ProcessInfo.processInfo.environment
    env["KAFKA_BOOTSTRAP_SERVERS"] = nil
    env.merge(environment) { _, new in new }
    process.environment = env
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw TestSupportError("eventctl \(arguments.joined(separator: " ")) still running after \(timeout)")
    }
    return EventctlRun(status: process.terminationStatus,
                       stdout: try String(contentsOf: out, encoding: .utf8),
                       stderr: try String(contentsOf: err, encoding: .utf8))
}
