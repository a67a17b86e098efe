import Foundation
import HTTP
import JSON

/// A client that wants a definite answer, as a careful one would: each command sent again after
/// a 5xx, no answer, a 429 or a 409 with `Retry-After` (its key's first request is still on
/// its way), with the same `Idempotency-Key`, for up to `patience` (a key whose first request
/// died on the way is answered after 60 s). It counts what it saw.
final class CarefulClient: @unchecked Sendable {
    let stack: Stack
    /// What this run's idempotency keys and names start with: the seed and the start time, so a
    /// second run with the same seed on the same stack is not taken for a retry of the first.
    let runID: String
    private let lock = NSLock()
    private var counts = Tally()

    static let patience: Duration = .seconds(120)

    init(stack: Stack, seed: UInt64) {
        self.stack = stack
        runID = "chaos-\(seed)-\(Int(Date().timeIntervalSince1970))"
    }

    var tally: Tally { lock.withLock { counts } }

    func accepted() { lock.withLock { counts.accepted += 1 } }

    /// A definite answer: a 2xx or a 4xx (counted as rejected). Throws after `patience` without one.
    func send(_ method: String, _ path: String, _ body: String = "", key: String? = nil) throws -> Answer {
        var headers: HTTPHeaders = body.isEmpty ? [:] : ["Content-Type": "application/json"]
        if let key { headers["Idempotency-Key"] = key }
        let deadline = ContinuousClock.now + Self.patience
        var attempt = 0
        while ContinuousClock.now < deadline {
            attempt += 1
            lock.withLock { counts.sent += 1 }
            let answer = try? stack.client.send(method: method, url: stack.gateway + path, headers: headers, body: Array(body.utf8),
                                                timeout: .seconds(5))
            if let answer, (200..<300).contains(answer.status) {
                return Answer(status: answer.status, body: answer.body.isEmpty ? .null : (try? JSONNode(parsing: answer.body)) ?? .null)
            }
            if let answer, (400..<500).contains(answer.status), answer.status != 429,
               answer.status != 409 || answer.headers["Retry-After"] == nil {
                lock.withLock { counts.rejected["\(method) \(answer.status)", default: 0] += 1 }
                return Answer(status: answer.status, body: .null)
            }
            lock.withLock { counts.retried["\(answer.map { "\($0.status)" } ?? "no answer")", default: 0] += 1 }
            Thread.sleep(forTimeInterval: min(2, 0.05 * Double(1 << min(attempt, 6))))
        }
        lock.withLock { counts.gaveUp += 1 }
        throw ChaosError("\(method) \(path) had no definite answer within \(Self.patience)")
    }

    struct Answer {
        let status: Int
        let body: JSONNode
        var succeeded: Bool { (200..<300).contains(status) }
        /// The fields of a 2xx JSON object.
        var fields: JSONMembers? { if succeeded, case .object(let fields) = body { fields } else { nil } }
    }
}

/// What the load saw.
struct Tally {
    var sent = 0
    var accepted = 0
    var rejected: [String: Int] = [:]
    var retried: [String: Int] = [:]
    var gaveUp = 0
}
