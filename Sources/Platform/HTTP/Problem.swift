import JSON

/// An RFC 9457 problem. Handlers throw it; it reaches the client as `application/problem+json`
/// `{"detail":…,"status":…,"title":…,"type":"about:blank"}`.
public struct Problem: Error, Sendable {
    public var status: Int
    public var title: String
    /// Said to the client, so it names what was wrong with the request, never server internals.
    public var detail: String
    public var headers: HTTPHeaders

    /// `title` defaults to the status code's standard reason phrase.
    public init(status: Int, detail: String, title: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.title = title ?? HTTPStatus.reasonPhrase(status) ?? "HTTP \(status)"
        self.detail = detail
        self.headers = headers
    }

    public static func badRequest(_ detail: String) -> Problem { Problem(status: 400, detail: detail) }
    public static func notFound(_ detail: String) -> Problem { Problem(status: 404, detail: detail) }
    public static func conflict(_ detail: String) -> Problem { Problem(status: 409, detail: detail) }
    public static func badGateway(_ detail: String) -> Problem { Problem(status: 502, detail: detail) }
    public static func gatewayTimeout(_ detail: String) -> Problem { Problem(status: 504, detail: detail) }

    /// A 503 whose `Retry-After` tells clients when trying again is worth it (e.g. an open circuit breaker).
    public static func unavailable(_ detail: String, retryAfterSeconds: Int) -> Problem {
        Problem(status: 503, detail: detail, headers: ["Retry-After": String(retryAfterSeconds)])
    }

    public var response: HTTPResponse {
        struct Body: Encodable {
            let type = "about:blank"
            let title: String
            let status: Int
            let detail: String
        }
        var headers = headers
        headers["Content-Type"] = "application/problem+json"
        // Two strings and an integer always encode; the empty fallback only satisfies the compiler.
        let body = (try? JSONCodec.encode(Body(title: title, status: status, detail: detail))) ?? []
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
