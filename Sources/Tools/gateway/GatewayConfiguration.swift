import Tracing

/// The gateway's settings, read from the environment and validated before anything starts.
struct GatewayConfiguration: Sendable {
    var host: String
    var port: Int
    var routes: RouteTable
    /// One absolute deadline per forwarded request: connect, send and the whole answer.
    var upstreamTimeout: Duration
    /// How often the replicas of a route with several are asked for /readyz.
    var readinessInterval: Duration
    /// How long SIGTERM waits for in-flight requests.
    var shutdownGracePeriod: Duration
    /// Keep clients' `Forwarded` and `X-Forwarded-*` fields: only behind a proxy that sets them
    /// (an ingress), never where clients connect directly and could forge them.
    var trustForwardedHeaders: Bool
    /// Requests per client under each route's prefix (`RATE_LIMITS`).
    var rateLimits: RateLimits
    /// Routes that need a bearer token (`PROTECTED_ROUTES`); nil when none do.
    var authentication: Authentication?
    /// Browser origins allowed to call (`CORS_ALLOWED_ORIGINS`); nil for none.
    var crossOrigin: CrossOrigin?
    /// Where its spans go (`OTEL_EXPORTER_OTLP_ENDPOINT`, as the services'); nil for nowhere.
    var tracing: OTLPExporter.Settings?

    init(environment: [String: String]) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let raw = value(name) else { return fallback }
            guard raw.allSatisfy({ ("0"..."9").contains($0) }), let v = Int(raw), range.contains(v) else {
                throw ConfigurationError("\(name)=\(raw) is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return v
        }
        host = value("HOST") ?? "0.0.0.0"
        port = try int("PORT", default: 8088, in: 0...65535)
        guard let routes = value("ROUTES") else {
            throw ConfigurationError("ROUTES is required: comma-separated prefix=http://host:port pairs, e.g. /bookings=http://127.0.0.1:8081,/shows=http://127.0.0.1:8082 (replicas: /shows=http://127.0.0.1:8082|http://127.0.0.1:8092)")
        }
        self.routes = try RouteTable(parsing: routes)
        upstreamTimeout = .milliseconds(try int("UPSTREAM_TIMEOUT_MS", default: 10_000, in: 1...600_000))
        readinessInterval = .milliseconds(try int("READINESS_INTERVAL_MS", default: 500, in: 50...60_000))
        shutdownGracePeriod = .seconds(try int("SHUTDOWN_GRACE_SECONDS", default: 20, in: 1...600))
        switch value("TRUST_FORWARDED_HEADERS") {
        case nil, "false": trustForwardedHeaders = false
        case "true": trustForwardedHeaders = true
        case let other?: throw ConfigurationError("TRUST_FORWARDED_HEADERS=\(other) must be true or false")
        }
        if let limits = value("RATE_LIMITS") {
            rateLimits = try RateLimits(parsing: limits, routes: self.routes)
        } else {
            rateLimits = .none
        }
        authentication = try Authentication(environment: environment, routes: self.routes)
        crossOrigin = try CrossOrigin(value("CORS_ALLOWED_ORIGINS"))
        do {
            tracing = try TracingConfiguration.settings(service: "gateway", environment: environment)
        } catch {
            throw ConfigurationError(error.description)
        }
    }
}
