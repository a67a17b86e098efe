
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Dispatches requests by method and path pattern, and turns every error a handler throws into a
/// problem response, so a handler never has to build one by hand.
public final class Router: Sendable {
    private struct Route: Sendable {
        let method: String
        let pattern: RoutePattern
        let handler: HTTPHandler
    }

    private enum Resolution {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private let routes = Locked<[Route]>([])

    public init() {}

    /// `pattern` segments like `{id}` capture into `pathParameters`. Call before the server starts.
    public func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        let route = Route(method: method, pattern: RoutePattern(pattern), handler: handler)
        routes.withLock { $0.append(route) }
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch resolve(request) {
        case .notFound:
            return Problem.notFound("no resource at \(request.path)").response
        case .methodNotAllowed(let allowed):
            return Problem(status: 405, detail: "\(request.method) is not allowed on \(request.path)",
                           headers: ["Allow": allowed.joined(separator: ", ")]).response
        case .found(let route, let parameters):
            var request = request
            request.pathParameters = parameters
            return Self.answer(request, route.handler)
        }
    }

    /// What `handler` answers, its thrown errors as problems: a `Problem` as itself, a body that
    /// does not decode as a 400, anything else as a 500 whose text stays on the server (it may
    /// name tables, files or hosts).
    public static func answer(_ request: HTTPRequest, _ handler: (HTTPRequest) throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try handler(request)
        } catch let problem as Problem {
            return problem.response
        } catch let error as DecodingError {
            return Problem.badRequest(DecodingErrorDetail.describe(error, body: request.body)).response
        } catch {
            return Problem(status: 500, detail: "the server failed to handle the request").response
        }
    }

    /// The pattern that serves `request` (e.g. `/bookings/{id}`), for metrics labels that must not
    /// grow with every id; nil when no route matches the path.
    public func routePattern(for request: HTTPRequest) -> String? {
        switch resolve(request) {
        case .found(let route, _): route.pattern.text
        case .methodNotAllowed, .notFound: candidates(for: request.path).first?.route.pattern.text
        }
    }

    private func candidates(for path: String) -> [(route: Route, parameters: [String: String])] {
        let segments = RoutePattern.segments(of: path)
        return routes.withLock { $0 }.compactMap { route in
            route.pattern.match(segments).map { (route, $0) }
        }
    }

    private func resolve(_ request: HTTPRequest) -> Resolution {
        let candidates = candidates(for: request.path)
        guard !candidates.isEmpty else { return .notFound }
        var eligible = candidates.filter { $0.route.method == request.method }
        if eligible.isEmpty && request.method == "HEAD" {
            eligible = candidates.filter { $0.route.method == "GET" }
        }
        guard let best = eligible.max(by: { $0.route.pattern.isLessSpecific(than: $1.route.pattern) }) else {
            var allowed = Set(candidates.map(\.route.method))
            if allowed.contains("GET") { allowed.insert("HEAD") }
            return .methodNotAllowed(allowed: allowed.sorted())
        }
        return .found(best.route, parameters: best.parameters)
    }
}
