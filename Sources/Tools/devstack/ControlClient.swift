import Foundation
import HTTP

/// `devstack status`, `stop` and `start`: requests to a running devstack's control port.
struct ControlClient {
    let port: Int

    func status() throws(Failure) {
        let processes = try decode([ManagedProcess.Status].self, from: try send("GET", "/processes", timeout: .seconds(5)))
        let rows = [["NAME", "PID", "PORT", "STATE", "RESTARTS"]] + processes.map {
            [$0.name, $0.pid.map(String.init) ?? "-", String($0.port), $0.state, String($0.restarts)]
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            print(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }

    func stop(_ name: String) throws(Failure) {
        let process = try decode(ManagedProcess.Status.self, from: try send("POST", "/processes/\(name)/stop", timeout: .seconds(45)))
        print("\(process.name) \(process.state)")
    }

    func start(_ name: String) throws(Failure) {
        let process = try decode(ManagedProcess.Status.self, from: try send("POST", "/processes/\(name)/start", timeout: .seconds(75)))
        print("\(process.name) ready (pid \(process.pid.map(String.init) ?? "-"))")
    }

    func rollout(_ context: String) throws(Failure) {
        // Each step may wait for a replica to get ready (60 s) and another to drain (30 s).
        let steps = try decode([String].self, from: try send("POST", "/contexts/\(context)/rollout", timeout: .seconds(900)))
        steps.forEach { print($0) }
        print("\(context) rolled out: \(steps.count) replica(s) replaced")
    }

    private func send(_ method: String, _ path: String, timeout: Duration) throws(Failure) -> [UInt8] {
        let response: HTTPClientResponse
        do {
            response = try HTTPClient().send(method: method, url: "http://127.0.0.1:\(port)\(path)", timeout: timeout)
        } catch .notConnected {
            throw .failed("no devstack is running on 127.0.0.1:\(port) (\(Devstack.command) up SYSTEM starts one; give the same --port-base or --control-port)")
        } catch {
            throw .failed("devstack on 127.0.0.1:\(port) did not answer: \(error)")
        }
        guard response.status == 200 else {
            let detail = (try? JSONDecoder().decode(ProblemBody.self, from: Data(response.body)))?.detail
                ?? String(decoding: response.body, as: UTF8.self)
            throw response.status == 404 ? .unknown(detail) : .failed(detail)
        }
        return response.body
    }

    private func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(Failure) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw .failed("unexpected answer from the devstack on 127.0.0.1:\(port): \(String(decoding: body, as: UTF8.self))")
        }
    }

    private struct ProblemBody: Decodable {
        let detail: String
    }
}
