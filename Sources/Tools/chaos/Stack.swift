import Foundation
import HTTP
import JSON

/// The running system as devstack's control API shows it: each process's name, pid and port.
/// Faults are signals sent to those pids, never to processes found by name.
struct Stack {
    struct Process {
        let name: String
        let pid: Int32
        let port: Int
        var isBroker: Bool { name == "kafka" }
        /// devstack's PostgreSQL (`up --database postgres`).
        var isDatabaseServer: Bool { name == "postgres" }
        var isService: Bool { !isBroker && !isDatabaseServer && name != "gateway" }
    }

    let control: String
    let gateway: String
    let client = HTTPClient()

    func processes() throws -> [Process] {
        let answer = try client.send(method: "GET", url: control + "/processes", timeout: .seconds(5))
        guard answer.status == 200, case .array(let items) = try JSONNode(parsing: answer.body) else {
            throw ChaosError("devstack's control API at \(control) answered \(answer.status)")
        }
        return items.compactMap { item in
            guard case .object(let fields) = item, case .string(let name)? = fields["name"], case .number(let pid)? = fields["pid"],
                  case .number(let port)? = fields["port"], let pid = Int32(pid), let port = Int(port) else { return nil }
            return Process(name: name, pid: pid, port: port)
        }
    }

    /// A broker devstack can stop (`up --broker mock`), and the partition of each topic it leads.
    struct Broker {
        let id: Int
        let leads: [Int]
    }

    /// None with another broker.
    func stoppableBrokers() throws -> [Broker] {
        let answer = try client.send(method: "GET", url: control + "/brokers", timeout: .seconds(5))
        guard answer.status != 404 else { return [] }
        guard answer.status == 200, case .array(let items) = try JSONNode(parsing: answer.body) else {
            throw ChaosError("devstack's control API at \(control) answered \(answer.status) for /brokers")
        }
        return items.compactMap { item in
            guard case .object(let fields) = item, let id = fields.int("id"), case .array(let leads)? = fields["leads"] else { return nil }
            return Broker(id: id, leads: leads.compactMap { if case .number(let text) = $0 { Int(text) } else { nil } })
        }
    }

    /// Stops (`stop`) or starts (`start`) one of those brokers.
    func broker(_ id: Int, _ action: String) throws {
        let answer = try client.send(method: "POST", url: control + "/brokers/\(id)/\(action)", timeout: .seconds(5))
        guard answer.status == 200 else { throw ChaosError("devstack could not \(action) broker \(id): \(answer.status)") }
    }

    /// `path` through the gateway as JSON; nil for an answer that is not 2xx JSON.
    func get(_ path: String) throws -> JSONNode? {
        let answer = try client.send(method: "GET", url: gateway + path, timeout: .seconds(5))
        guard (200..<300).contains(answer.status) else { return nil }
        return try? JSONNode(parsing: answer.body)
    }

    /// The items of a HAL collection (`_embedded.<name>`), each as its fields.
    func collection(_ name: String) throws -> [JSONMembers] {
        guard case .object(let body)? = try get("/\(name)") else { throw ChaosError("GET /\(name) through the gateway failed") }
        guard case .object(let embedded)? = body["_embedded"], case .array(let items)? = embedded[name] else { return [] }
        return items.compactMap { if case .object(let fields) = $0 { fields } else { nil } }
    }

    /// One service's gauge from its /metrics, summed over its labels.
    func gauge(_ metric: String, of process: Process) throws -> Double {
        let answer = try client.send(method: "GET", url: "http://127.0.0.1:\(process.port)/metrics", timeout: .seconds(5))
        return String(decoding: answer.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix(metric + " ") || $0.hasPrefix(metric + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}

extension Stack {
    /// Every service's outbox not yet empty and consumer still behind, as problems.
    func backlogsAndLag() throws -> [String] {
        var problems: [String] = []
        for process in try processes() where process.isService {
            let backlog = try gauge("outbox_backlog", of: process), lag = try gauge("consumer_lag", of: process)
            if backlog > 0 { problems.append("\(process.name) has \(Int(backlog)) events in its outbox") }
            if lag > 0 { problems.append("\(process.name) lags \(Int(lag)) events behind") }
        }
        return problems
    }
}

struct ChaosError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONMembers {
    func int(_ key: String) -> Int? { if case .number(let text)? = self[key] { Int(text) } else { nil } }
    func string(_ key: String) -> String? { if case .string(let text)? = self[key] { text } else { nil } }
}
