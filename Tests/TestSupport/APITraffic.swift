import Chassis
import HTTP
import Synchronization

/// Every answer a test was given through its system's gateway, checked against the committed
/// OpenAPI document (`APIContract`). Requests are not checked: tests send numbers as strings,
/// as HTTPie does, which the services read leniently.
final class APITraffic: Sendable {
    private let exchanges = Mutex<[(method: String, path: String, response: HTTPClientResponse)]>([])

    func record(_ method: String, _ target: String, _ response: HTTPClientResponse) {
        exchanges.withLock { $0.append((method, String(target.prefix { $0 != "?" }), response)) }
    }

    /// Each way an answer breaks `system`'s document.
    func problems(_ system: SystemManifest) throws -> [String] {
        let contract = try APIContract(contentsOf: ProjectPaths.root.appendingPathComponent(APIContract.path(of: system.name)))
        return exchanges.withLock { $0 }.flatMap { method, path, response in
            contract.problems(method, path, status: response.status, contentType: response.headers["Content-Type"] ?? "", body: response.body)
                .map { "\(method) \(path) → \(response.status): \($0)" }
        }
    }
}
