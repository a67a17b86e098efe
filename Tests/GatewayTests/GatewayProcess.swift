import Foundation
import HTTP
import TestSupport

/// The built gateway running as its own process on a free loopback port.
final class GatewayProcess: Sendable {
    let port: Int
    let process: ChildProcess

    /// Starts the gateway and waits until it answers /healthz.
    init(routes: String, environment: [String: String] = [:]) throws {
        port = try freePort()
        var env = ["HOST": "127.0.0.1", "PORT": "\(port)", "ROUTES": routes]
        env.merge(environment) { _, new in new }
        process = try ChildProcess(name: "gateway", executable: try ProjectPaths.executable("gateway"), environment: env,
                                   logDirectory: try ProjectPaths.temporaryDirectory("gateway"))
        try eventually("the gateway answers /healthz on \(port)", timeout: .seconds(10)) { [process] in
            guard process.isRunning else { throw TestSupportError("the gateway exited \(process.exitStatus ?? -1):\n\(process.log)") }
            return (try? send("GET", "/healthz").status) == 200
        }
    }

    deinit { process.kill9() }

    func send(_ method: String, _ target: String, headers: HTTPHeaders = [:], body: String = "",
              timeout: Duration = .seconds(10)) throws -> HTTPClientResponse {
        try HTTPClient().send(method: method, url: "http://127.0.0.1:\(port)\(target)", headers: headers,
                              body: Array(body.utf8), timeout: timeout)
    }

    /// The JSON log lines the gateway wrote for requests.
    var requestLog: [[String: Any]] {
        process.log.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["msg"] as? String == "request" }
    }
}

/// The gateway run to its exit with a given environment, stdout and stderr kept apart.
struct GatewayRun {
    let status: Int32
    let stdout: String
    let stderr: String

    init(environment: [String: String], timeout: Duration = .seconds(10)) throws {
        let directory = try ProjectPaths.temporaryDirectory("gateway-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ProjectPaths.executable("gateway"))
        // Loopback and a free port, in case a configuration meant to be refused is accepted after all.
        var env = ProcessInfo.processInfo.environment.filter { $0.key != "ROUTES" }
        env.merge(["HOST": "127.0.0.1", "PORT": "\(try freePort())"]) { _, new in new }
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
            throw TestSupportError("the gateway still ran after \(timeout) with \(environment)")
        }
        status = process.terminationStatus
        stdout = try String(contentsOf: out, encoding: .utf8)
        stderr = try String(contentsOf: err, encoding: .utf8)
    }
}

extension HTTPClientResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }
}
