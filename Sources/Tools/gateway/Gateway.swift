import Foundation
import HTTP
import JSON
import Synchronization
import Tracing

/// Routes each request by path prefix to a service and relays the answer, with a correlation id
/// on both legs and each request in a server span: continuing the client's trace when its
/// `traceparent` is valid, else starting one, and passed on as the parent of the service's span.
/// Runs on the HTTP server's threads, which may block on the upstream.
final class Gateway: Sendable {
    private let routes: RouteTable
    private let replicas: Replicas
    private let timeout: Duration
    /// Whether a client's `Forwarded` and `X-Forwarded-*` fields are a proxy's in front of us.
    private let trustForwardedHeaders: Bool
    private let rateLimits: RateLimits
    private let authentication: Authentication?
    private let crossOrigin: CrossOrigin?
    private let buckets = TokenBuckets()
    /// Kept connections to each service: a new one per request costs both sides a connect, an
    /// accept and a socket in TIME_WAIT.
    private let client = HTTPClient(keepAlive: 64)
    private let ownEndpoints = Router()
    private let shuttingDown = Atomic<Bool>(false)
    let tracer: Tracer

    init(routes: RouteTable, replicas: Replicas, timeout: Duration, trustForwardedHeaders: Bool, rateLimits: RateLimits,
         authentication: Authentication?, crossOrigin: CrossOrigin?, tracer: Tracer = Tracer()) {
        self.tracer = tracer
        self.routes = routes
        self.replicas = replicas
        self.timeout = timeout
        self.trustForwardedHeaders = trustForwardedHeaders
        self.rateLimits = rateLimits
        self.authentication = authentication
        self.crossOrigin = crossOrigin
        ownEndpoints.add("GET", "/healthz") { _ in .json(["status": "UP"]) }
        ownEndpoints.add("GET", "/readyz") { [unowned self] _ in
            shuttingDown.load(ordering: .acquiring)
                ? .json(["status": "DOWN", "problems": "shutting down"], status: 503) : .json(["status": "UP"])
        }
    }

    /// From now on /readyz says 503, so a load balancer stops sending while in-flight requests finish.
    func beginShutdown() {
        shuttingDown.store(true, ordering: .releasing)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        let given = request.headers[HeaderName.correlationID]
        let correlationID = given.flatMap { Self.isCorrelationID($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        var span = tracer.start(request.method, kind: .server, parent: TraceContext(request.headers),
                                attributes: ["http.request.method": .string(request.method)])
        var (response, upstream, failure) = crossOrigin?.preflight(request).map { ($0, nil, nil) }
            ?? answer(request, correlationID: correlationID, span: &span)
        crossOrigin?.decorate(&response, for: request)
        response.headers[HeaderName.correlationID] = correlationID
        span.attributes["http.response.status_code"] = .int(response.status)
        // Probes are no one's request: a span each would bury the traces.
        if !Self.ownPaths.contains(request.path) {
            tracer.end(span, failure: response.status >= 500 ? failure ?? "answered \(response.status)" : nil)
        }

        let elapsed = started.duration(to: .now)
        var fields: [String: JSONLine.Value] = [
            "method": .string(request.method), "path": .string(request.path), "status": .int(response.status),
            "duration_ms": .int(Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)),
            "correlation_id": .string(correlationID),
            "trace_id": .string(span.context.traceID), "span_id": .string(span.context.spanID),
        ]
        if let upstream { fields["upstream"] = .string(upstream) }
        if let failure { fields["error"] = .string(failure) }
        JSONLog.info("request", fields)
        return response
    }

    private static let ownPaths: Set = ["/healthz", "/readyz"]

    /// A client's correlation id is kept when it is a plain token of reasonable length; any other
    /// is replaced, so that it cannot bloat or forge log lines downstream.
    static func isCorrelationID(_ value: String) -> Bool {
        (1...128).contains(value.utf8.count) && value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: "-_.:".utf8.contains(byte)
            }
        }
    }

    /// The response, the base URL that served it, and why the upstream failed (for the log only:
    /// the client learns which service failed, not the socket error).
    private func answer(_ request: HTTPRequest, correlationID: String, span: inout Span) -> (HTTPResponse, String?, String?) {
        if Self.ownPaths.contains(request.path) {
            return (ownEndpoints.handle(request), nil, nil)
        }
        let forwarded: ForwardedTarget
        do {
            forwarded = try ForwardedTarget(request.target)
        } catch {
            return (error.response, nil, nil)
        }
        guard let route = routes.route(for: Substring(forwarded.path)) else {
            let known = routes.routes.map(\.prefix).sorted().joined(separator: ", ")
            return (Problem.notFound("no route for \(forwarded.path); the gateway routes \(known)").response, nil, nil)
        }
        span.name = "\(request.method) \(route.prefix)"
        span.attributes["http.route"] = .string(route.prefix)
        var subject: String?
        let refusal = authentication?.refusal(of: request, under: route.prefix, subject: &subject)
        // A request the gateway refuses counts against its address too, so that guessing tokens is throttled.
        let caller = subject.map { "subject \($0)" } ?? "address \(ClientAddress.of(request, trustForwardedHeaders: trustForwardedHeaders))"
        if let limit = rateLimits.limit(for: route.prefix), let wait = buckets.take(caller, on: route.prefix, limit) {
            let problem = Problem(status: 429, detail: "more than \(limit.text) requests to \(route.prefix); retry in \(wait) s",
                                  headers: ["Retry-After": String(wait)])
            return (problem.response, nil, "rate limited")
        }
        if let refusal { return (refusal.response, nil, "not authenticated") }
        var headers = HopByHopHeaders.removed(from: request.headers)
        headers[HeaderName.correlationID] = correlationID
        span.context.write(to: &headers)
        // Only the gateway says who the client is.
        headers[HeaderName.authenticatedSubject] = subject
        if !trustForwardedHeaders {
            for (name, _) in headers where name.lowercased() == "forwarded" || name.lowercased().hasPrefix("x-forwarded-") {
                headers[name] = nil
            }
        }
        // The service builds its links from these, so that they point back here. An ingress in
        // front of the gateway that set them (https, its own host) is kept when trusted.
        if headers["X-Forwarded-Host"] == nil, let host = forwarded.authority ?? request.headers["Host"], !host.isEmpty {
            headers["X-Forwarded-Host"] = host
            headers["X-Forwarded-Proto"] = forwarded.scheme ?? "http"
        }
        let candidates = replicas.order(for: route)
        for (attempt, baseURL) in candidates.enumerated() {
            do throws(HTTPClientError) {
                let answer = try client.send(method: request.method, url: baseURL + forwarded.target, headers: headers,
                                             body: request.body, timeout: timeout)
                return (HTTPResponse(status: answer.status, headers: HopByHopHeaders.removed(from: answer.headers), body: answer.body),
                        baseURL, nil)
            } catch {
                let service = "\(baseURL) (\(route.prefix))"
                // Another replica may take it when nothing was sent, or when sending it twice does
                // no harm (a read whose connection a stopping replica closed unanswered). Not after
                // a timeout: UPSTREAM_TIMEOUT_MS stays the most a client waits.
                let retriable = switch error {
                case .notConnected: true
                case .connectionFailed, .malformedResponse: HTTPClient.repeatableMethods.contains(request.method)
                case .timedOut, .invalidURL: false
                }
                if retriable && attempt + 1 < candidates.count { continue }
                switch error {
                case .notConnected(let reason):
                    return (Problem.badGateway("\(service) cannot be reached").response, baseURL, reason)
                case .timedOut:
                    return (Problem.gatewayTimeout("\(service) did not answer within \(timeout)").response, baseURL, "timed out")
                case .connectionFailed(let reason):
                    return (Problem.badGateway("\(service) cannot be reached").response, baseURL, reason)
                case .malformedResponse(let reason):
                    return (Problem.badGateway("\(service) sent a malformed response").response, baseURL, reason)
                case .invalidURL(let reason):
                    return (Problem.badRequest("the request target cannot be forwarded").response, baseURL, reason)
                }
            }
        }
        preconditionFailure("a route has at least one base URL")
    }
}
