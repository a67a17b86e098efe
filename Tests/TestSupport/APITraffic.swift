import Chassis
import HTTP
import Synchronization

/// Every exchange a test had through its system's gateway, checked against the committed
/// OpenAPI document (`APIContract`).
final class APITraffic: Sendable {
    private let exchanges = Mutex<[(method: String, path: String, request: [UInt8], response: HTTPClientResponse)]>([])

    func record(_ method: String, _ target: String, _ request: [UInt8], _ response: HTTPClientResponse) {
        exchanges.withLock { $0.append((method, String(target.prefix { $0 != "?" }), request, response)) }
    }

    /// Each way an exchange breaks `system`'s document.
    func problems(_ system: SystemManifest) throws -> [String] {
        let contract = try APIContract(contentsOf: ProjectPaths.root.appendingPathComponent(APIContract.path(of: system.name)))
        return exchanges.withLock { $0 }.flatMap { method, path, request, response in
            contract.problems(method, path, request: request, status: response.status, headers: response.headers, body: response.body)
                .map { "\(method) \(path) → \(response.status): \($0)" }
        }
    }
}
