import HTTP

/// A synchronous dependency on another service: HTTP with a deadline, behind a circuit breaker.
///
/// Transport errors, timeouts and 5xx answers count as failures; 4xx answers are the upstream's
/// business answer and count as successes. While the breaker is open, or when the call fails,
/// `call` throws a 503 problem with `Retry-After`: a clear answer, never a hang.
public final class Upstream: Sendable {
    public let name: String
    public let baseURL: String
    public let timeout: Duration
    public let breaker: CircuitBreaker
    private let client = HTTPClient()

    public init(name: String, baseURL: String, timeout: Duration = .seconds(2),
                breaker configuration: CircuitBreakerConfiguration = .init(), metrics: Metrics? = nil) {
        self.name = name
        self.baseURL = baseURL
        self.timeout = timeout
        breaker = CircuitBreaker(name: name, configuration: configuration, onStateChange: { _, to in
            metrics?.set(.circuitBreakerState, ["name": name], to: Upstream.gaugeValue(to))
        })
        metrics?.set(.circuitBreakerState, ["name": name], to: 0)
    }

    /// Calls `method path` with an optional JSON body; throws `Problem` (503) when the upstream
    /// is unavailable or the breaker is open.
    public func call(_ method: String, _ path: String, json body: [UInt8]? = nil, correlationID: String? = nil) throws(Problem) -> HTTPClientResponse {
        var headers: HTTPHeaders = [:]
        if body != nil { headers["Content-Type"] = "application/json" }
        if let correlationID { headers["X-Correlation-Id"] = correlationID }
        return try breaker.call({ () throws -> HTTPClientResponse in
            let response: HTTPClientResponse
            if let local = InProcessUpstreams.handler(for: baseURL) {
                let answer = local(HTTPRequest(method: method, target: path, headers: headers, body: body ?? []))
                response = HTTPClientResponse(status: answer.status, headers: answer.headers, body: answer.body)
            } else {
                response = try client.send(method: method, url: baseURL + path, headers: headers, body: body ?? [], timeout: timeout)
            }
            guard response.status < 500 else { throw UpstreamFailure(status: response.status) }
            return response
        }, fallback: { (error) throws(Problem) -> HTTPClientResponse in
            let retryAfter = (error as? CircuitBreakerOpen).map { max(1, Int($0.retryAfter.components.seconds)) } ?? 1
            throw unavailable(Upstream.reason(error), retryAfterSeconds: retryAfter)
        })
    }

    /// Throws the `503` that `call` would, without calling, while the breaker is open: for a
    /// caller that must write something down before a call and need not when none is made.
    public func refuseWhileOpen() throws(Problem) {
        if breaker.state == .open { throw unavailable("circuit breaker open", retryAfterSeconds: 1) }
    }

    private func unavailable(_ reason: String, retryAfterSeconds: Int) -> Problem {
        Problem.unavailable("\(name) is unavailable (\(reason)); try again shortly", retryAfterSeconds: retryAfterSeconds)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case is CircuitBreakerOpen: "circuit breaker open"
        case let failure as UpstreamFailure: "answered \(failure.status)"
        case HTTPClientError.timedOut: "timed out"
        default: "\(error)"
        }
    }

    private static func gaugeValue(_ state: CircuitBreakerState) -> Double {
        switch state {
        case .closed: 0
        case .open: 1
        case .halfOpen: 2
        }
    }
}

private struct UpstreamFailure: Error {
    let status: Int
}
