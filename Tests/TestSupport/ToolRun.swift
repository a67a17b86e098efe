import Foundation

/// One finished run of a command-line executable: exit status and what it printed where.
public struct ToolRun: CustomStringConvertible, Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public var stderrLines: [Substring] { stderr.split(separator: "\n") }
    /// stdout without the table header.
    public var rows: [Substring] { Array(stdout.split(separator: "\n").dropFirst()) }

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs a built executable of this package and waits for it, killing it after `timeout` so a
/// hung run fails the test instead of hanging it. `environment` overrides the test's own; a nil
/// value removes the variable.
public func runTool(_ name: String, _ arguments: [String], environment: [String: String?] = [:],
                    timeout: Duration = .seconds(60)) throws -> ToolRun {
    let directory = try ProjectPaths.temporaryDirectory("\(name)-run")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try ProjectPaths.executable(name))
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
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
        throw TestSupportError("\(name) \(arguments.joined(separator: " ")) still running after \(timeout)")
    }
    return ToolRun(status: process.terminationStatus,
                   stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8))
}
