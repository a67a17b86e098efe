import Foundation
import HTTP
import Synchronization
import TestSupport

/// `devstack up SYSTEM` (demo unless told) running as its own process on a free run of ports, with its state in a
/// temporary folder. Against `broker` when given, else with its own Tansu on a free port (or the
/// broker `options` name: `--broker mock`).
final class DevstackProcess: Sendable {
    let portBase: Int
    let system: String
    let directory: URL
    let process: ChildProcess
    /// Every child pid `status` ever reported, to check they are all gone at the end, and to
    /// kill those a failed test left behind.
    private let seenPIDs = Mutex<Set<Int32>>([])

    init(system: String = "demo", broker: TestBroker?, stateDirectory: URL? = nil, options: [String] = [],
         environment extra: [String: String] = [:]) throws {
        // Every context has a spare replica slot 100 ports up, show=2 a third 200 up: all below
        // the ephemeral range, where an outgoing connection could take one.
        portBase = try freePortRun(10, repeats: 3) - 1   // up to the console, base + 10
        self.system = system
        directory = try ProjectPaths.temporaryDirectory("devstack")
        var arguments = ["up", system, "--port-base", "\(portBase)",
                         "--state-dir", (stateDirectory ?? directory.appendingPathComponent("state")).path]
        if broker == nil && !options.contains("mock") { arguments += ["--kafka-port", "\(try freePort())"] }
        arguments += options
        // An empty KAFKA_BOOTSTRAP_SERVERS overrides one the test runner may have.
        let environment = ["KAFKA_BOOTSTRAP_SERVERS": broker?.bootstrapServers ?? "", "TANSU_BIN": ProjectPaths.tansu]
            .merging(extra) { _, given in given }
        process = try ChildProcess(name: "devstack", executable: try ProjectPaths.executable("devstack"),
                                   arguments: arguments, environment: environment, logDirectory: directory)
    }

    deinit {
        process.stop(timeout: .seconds(45))
        for pid in seenPIDs.withLock({ $0 }) where isChildOfThisPackage(pid) { kill(pid, SIGKILL) }
    }

    var gatewayURL: String { "http://127.0.0.1:\(portBase + 8)" }
    var consoleURL: String { "http://127.0.0.1:\(portBase + 10)" }

    /// Waits for the banner devstack prints once every process answered its readiness check.
    func waitUntilUp(timeout: Duration = .seconds(90)) throws {
        try eventually("devstack says \(system) is up; its output:\n\(process.log)", timeout: timeout, interval: .milliseconds(200)) {
            guard process.isRunning else { throw TestSupportError("devstack exited \(process.exitStatus ?? -1):\n\(process.log)") }
            return process.log.contains("\(system) is up")
        }
    }

    /// `devstack ARGUMENTS --port-base BASE`, run to its exit.
    func control(_ arguments: [String]) throws -> CommandRun {
        try CommandRun(try ProjectPaths.executable("devstack"), arguments + ["--port-base", "\(portBase)"], timeout: .seconds(90))
    }

    struct Row: Equatable {
        let name: String
        let pid: Int32?
        let port: Int
        let state: String
        let restarts: Int
    }

    /// `devstack status`, parsed.
    func status() throws -> [String: Row] {
        let run = try control(["status"])
        guard run.status == 0 else { throw TestSupportError("devstack status failed: \(run)") }
        var rows: [String: Row] = [:]
        for line in run.stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard cells.count == 5, let port = Int(cells[2]), let restarts = Int(cells[4]) else {
                throw TestSupportError("unexpected status line '\(line)' in:\n\(run.stdout)")
            }
            rows[cells[0]] = Row(name: cells[0], pid: Int32(cells[1]), port: port, state: cells[3], restarts: restarts)
        }
        seenPIDs.withLock { $0.formUnion(rows.values.compactMap(\.pid)) }
        return rows
    }

    var reportedPIDs: Set<Int32> { seenPIDs.withLock { $0 } }

    func gateway(_ method: String, _ path: String, json: [String: Any]? = nil, headers: HTTPHeaders = [:]) throws -> HTTPClientResponse {
        let body = try json.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        var headers = headers
        if json != nil { headers["Content-Type"] = "application/json" }
        return try HTTPClient().send(method: method, url: gatewayURL + path, headers: headers, body: body, timeout: .seconds(10))
    }

    /// Entry ids the ledger's policy consumed from Kafka, read through the gateway.
    func effectEntryIDs() throws -> [Int] {
        let response = try gateway("GET", "/effects")
        guard response.status == 200,
              let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let embedded = object["_embedded"] as? [String: Any], let effects = embedded["effects"] as? [[String: Any]] else {
            throw TestSupportError("GET /effects answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return effects.compactMap { $0["entryId"] as? Int }
    }

    /// Sends SIGINT (Ctrl-C) or SIGTERM and waits for the exit; returns the status and how long it took.
    func interrupt(_ signal: Int32 = SIGINT, timeout: Duration = .seconds(60)) -> (status: Int32?, took: Duration) {
        let started = ContinuousClock.now
        kill(process.pid, signal)
        let exited = process.waitForExit(timeout: timeout)
        return (exited ? process.exitStatus : nil, started.duration(to: .now))
    }

    /// A pid is only killed by deinit if it is still one of ours, not a recycled number.
    private func isChildOfThisPackage(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0, let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") else { return false }
        return exe.hasPrefix(ProjectPaths.products.path) || exe == URL(fileURLWithPath: ProjectPaths.tansu).standardizedFileURL.path
    }
}

/// True when no process has this pid any more.
func isGone(_ pid: Int32) -> Bool {
    kill(pid, 0) == -1 && errno == ESRCH
}

extension HTTPClientResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }
}
