import Foundation
import Processes
import Synchronization

/// A process a test started. It is stopped by its pid only, never by name, and killed when the
/// test forgets to stop it (deinit), so no test leaves processes behind. It starts with no
/// blocked signals (see `Spawn`): the test runner's threads block SIGTERM, and a child that
/// inherited that would not stop on it.
public final class ChildProcess: Sendable {
    public let name: String
    public let logFile: URL
    public let pid: Int32
    /// The exit status once the process has been reaped; a pid is reaped once.
    private let reaped = Mutex<ExitStatus?>(nil)

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
                logDirectory: URL) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        // Append: a restarted process keeps its earlier runs' output in the same file.
        let log = open(logFile.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw TestSupportError("cannot open \(logFile.path): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        pid = try Spawn.start(executable, arguments: arguments, environment: env, stdout: log, stderr: log)
    }

    deinit { kill9() }

    public var isRunning: Bool { reap() == nil }
    /// The exit code, or 128 + the signal's number for a process a signal ended; nil while running.
    public var exitStatus: Int32? { reap()?.code }

    /// Sends SIGTERM and waits up to `timeout` for the exit; then SIGKILL. Returns the exit status.
    @discardableResult
    public func stop(timeout: Duration = .seconds(15)) -> Int32 {
        if isRunning {
            kill(pid, SIGCONT)   // a frozen process could not take its SIGTERM
            kill(pid, SIGTERM)
            if !waitForExit(timeout: timeout) { kill9() }
        }
        return exitStatus ?? -1
    }

    /// SIGKILL: no chance to clean up, as when a node dies.
    public func kill9() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        _ = waitForExit(timeout: .seconds(10))
    }

    /// SIGSTOP: alive, its sockets open, answering nothing, as a service stuck in a long pause.
    public func freeze() { kill(pid, SIGSTOP) }

    /// SIGCONT after `freeze`.
    public func thaw() { kill(pid, SIGCONT) }

    public func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return !isRunning
    }

    /// The process's output so far, for assertions and failure messages.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    private func reap() -> ExitStatus? {
        reaped.withLock { reaped in
            var status: Int32 = 0
            if reaped == nil, waitpid(pid, &status, WNOHANG) == pid { reaped = ExitStatus(waitStatus: status) }
            return reaped
        }
    }
}
