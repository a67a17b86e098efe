import Foundation
import Processes

/// One run of a command to its exit, stdout and stderr kept apart. A run that outlives `timeout`
/// is killed and fails the test rather than hanging it.
public struct CommandRun: CustomStringConvertible {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// `environment` overrides the test's own; a nil value removes the variable.
    public init(_ executable: String, _ arguments: [String], environment: [String: String?] = [:],
                timeout: Duration = .seconds(60)) throws {
        let directory = try ProjectPaths.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout").path, err = directory.appendingPathComponent("stderr").path
        let outFD = open(out, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644), errFD = open(err, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        defer { close(outFD); close(errFD) }
        guard outFD >= 0, errFD >= 0 else { throw TestSupportError("cannot create output files in \(directory.path)") }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let pid = try Spawn.start(executable, arguments: arguments, environment: env, stdout: outFD, stderr: errFD)

        let deadline = ContinuousClock.now + timeout
        var raw: Int32 = 0
        while waitpid(pid, &raw, WNOHANG) == 0 {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                waitpid(pid, &raw, 0)
                throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) still ran after \(timeout)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        status = ExitStatus(waitStatus: raw).code
        stdout = try String(contentsOfFile: out, encoding: .utf8)
        stderr = try String(contentsOfFile: err, encoding: .utf8)
    }

    public var stderrLines: [Substring] { stderr.split(separator: "\n") }
    /// stdout without the table header.
    public var rows: [Substring] { Array(stdout.split(separator: "\n").dropFirst()) }

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs a built executable of this package (eventctl, a service's `reset-view`, ...) to its exit.
public func runTool(_ name: String, _ arguments: [String], environment: [String: String?] = [:],
                    timeout: Duration = .seconds(60)) throws -> CommandRun {
    try CommandRun(try ProjectPaths.executable(name), arguments, environment: environment, timeout: timeout)
}
