import HTTP
import Synchronization
import Tracing

/// A synchronous dependency on another service: HTTP with a deadline, behind a circuit breaker.
///
/// Transport errors, timeouts and 5xx answers count as failures; 4xx answers are the upstream's
/// business answer and count as successes. While the breaker is open, or when the call fails,
/// `call` throws a 503 problem with `Retry-After`: a clear answer, never a hang.
public final class Upstream: Sendable {
    public let name: String
    /// `http://host:port`, or the replicas' base URLs joined by `|`: a call that cannot connect to
    /// one (so sent nothing) goes to the next, so a replica stopping costs no call.
    public let baseURL: String
    private let baseURLs: [String]
    private let turn = Atomic<Int>(0)
    public let timeout: Duration
    public let breaker: CircuitBreaker
    private let client = HTTPClient()
    /// Each call in a client span, whose context the call carries.
    private let tracer: Tracer

    public init(name: String, baseURL: String, timeout: Duration = .seconds(2),
                breaker configuration: CircuitBreakerConfiguration = .init(), metrics: Metrics? = nil, tracer: Tracer = Tracer()) {
        self.name = name
        self.tracer = tracer
        self.baseURL = baseURL
        baseURLs = baseURL.split(separator: "|").map(String.init)
        self.timeout = timeout
        breaker = CircuitBreaker(name: name, configuration: configuration, onStateChange: { _, to in
            metrics?.set(.circuitBreakerState, ["name": name], to: Upstream.gaugeValue(to))
        })
        metrics?.set(.circuitBreakerState, ["name": name], to: 0)
    }

    /// Calls `method path` with an optional JSON body; throws `Problem` (503) when the upstream
    /// is unavailable or the breaker is open.
    public func call(_ method: String, _ path: String, json body: [UInt8]? = nil, correlationID: String? = nil) throws(Problem) -> HTTPClientResponse {
        do {
            return try attempt(method, path, json: body, correlationID: correlationID)
        } catch {
            throw error.problem
        }
    }

    /// `call`, telling a call the breaker refused (nothing was sent) from one that failed on the
    /// way (the upstream may have acted on it).
    public func attempt(_ method: String, _ path: String, json body: [UInt8]? = nil,
                        correlationID: String? = nil) throws(UpstreamUnavailable) -> HTTPClientResponse {
        var headers: HTTPHeaders = [:]
        if body != nil { headers["Content-Type"] = "application/json" }
        if let correlationID { headers[HeaderName.correlationID] = correlationID }
        var span = tracer.start("\(method) \(name)", kind: .client, parent: TraceContext.current,
                                attributes: ["http.request.method": .string(method), "server.address": .string(name), "url.path": .string(path)])
        span.context.write(to: &headers)
        do {
            let response = try breakerCall(method, path, headers: headers, body: body)
            span.attributes["http.response.status_code"] = .int(response.status)
            tracer.end(span)
            return response
        } catch {
            tracer.end(span, failure: error.problem.detail)
            throw error
        }
    }

    private func breakerCall(_ method: String, _ path: String, headers: HTTPHeaders,
                             body: [UInt8]?) throws(UpstreamUnavailable) -> HTTPClientResponse {
        try breaker.call({ () throws -> HTTPClientResponse in
            let response: HTTPClientResponse
            if let local = InProcessUpstreams.handler(for: baseURL) {
                let answer = local(HTTPRequest(method: method, target: path, headers: headers, body: body ?? []))
                response = HTTPClientResponse(status: answer.status, headers: answer.headers, body: answer.body)
            } else {
                response = try send(method, path, headers: headers, body: body ?? [])
            }
            guard response.status < 500 else { throw UpstreamFailure(status: response.status) }
            return response
        }, fallback: { (error) throws(UpstreamUnavailable) -> HTTPClientResponse in
            throw UpstreamUnavailable(problem: unavailable(error), callMade: !(error is CircuitBreakerOpen))
        })
    }

    /// To one replica after another, from the next in turn, while connecting fails.
    private func send(_ method: String, _ path: String, headers: HTTPHeaders, body: [UInt8]) throws(HTTPClientError) -> HTTPClientResponse {
        let first = baseURLs.count > 1 ? turn.add(1, ordering: .relaxed).oldValue : 0
        for attempt in baseURLs.indices {
            let url = baseURLs[(first + attempt) % baseURLs.count]
            do throws(HTTPClientError) {
                return try client.send(method: method, url: url + path, headers: headers, body: body, timeout: timeout)
            } catch .notConnected(_) where attempt + 1 < baseURLs.count {
                continue
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// The upstream's own refusal (a 4xx answer), passed on as this service's answer: its status,
    /// and its problem's `detail` when it sent one.
    public func refusal(_ response: HTTPClientResponse) -> Problem {
        Problem(status: response.status, detail: (try? JSONObject(body: response.body).string("detail")) ?? "\(name) answered \(response.status)")
    }

    /// Throws the `503` that `call` would, without calling, while the breaker would refuse: for
    /// a caller that must write something down before a call and need not when none is made.
    public func refuseWhileOpen() throws(Problem) {
        if let refusal = breaker.refusal { throw unavailable(refusal) }
    }

    private func unavailable(_ error: any Error) -> Problem {
        let retryAfter = (error as? CircuitBreakerOpen).map { max(1, Int($0.retryAfter.components.seconds)) } ?? 1
        return Problem.unavailable("\(name) is unavailable (\(Upstream.reason(error))); try again shortly", retryAfterSeconds: retryAfter)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case is CircuitBreakerOpen: "circuit breaker open"
        case let failure as UpstreamFailure: "answered \(failure.status)"
        case HTTPClientError.timedOut: "timed out"
        case HTTPClientError.connectionFailed, HTTPClientError.notConnected: "not reachable"
        case HTTPClientError.malformedResponse: "answered something that is not HTTP"
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

/// A sync call that did not get an answer: the `503` to give, and whether the request went out.
public struct UpstreamUnavailable: Error {
    public let problem: Problem
    /// False when the breaker refused it: the upstream never saw it.
    public let callMade: Bool
}

private struct UpstreamFailure: Error {
    let status: Int
}
