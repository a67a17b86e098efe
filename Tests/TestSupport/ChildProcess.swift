import Foundation

/// A process a test started. It is stopped by its pid only, never by name, and killed when the
/// test forgets to stop it (deinit), so no test leaves processes behind.
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let logFile: URL
    private let process: Process

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
                logDirectory: URL) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        // Append: a restarted process keeps its earlier runs' output in the same file.
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Sends SIGTERM and waits up to `timeout` for the exit; then SIGKILL. Returns the exit status.
    @discardableResult
    public func stop(timeout: Duration = .seconds(15)) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        if !waitForExit(timeout: timeout) {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// SIGKILL: no chance to clean up, as when a node dies.
    public func kill9() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    public func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return !process.isRunning
    }

    /// The process's output so far, for assertions and failure messages.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
}
