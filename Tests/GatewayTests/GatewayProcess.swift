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

/// The gateway run to its exit with `environment`, on loopback and a free port in case a
/// configuration meant to be refused is accepted after all.
func gatewayRun(environment: [String: String]) throws -> CommandRun {
    var env = ["HOST": "127.0.0.1", "PORT": "\(try freePort())", "ROUTES": ""]
    env.merge(environment) { _, new in new }
    return try CommandRun(try ProjectPaths.executable("gateway"), [], environment: env, timeout: .seconds(10))
}

extension HTTPClientResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }
}
