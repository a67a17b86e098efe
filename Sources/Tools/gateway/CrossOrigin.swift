import HTTP

/// CORS (the Fetch standard) for browser front ends on other origins: `CORS_ALLOWED_ORIGINS`,
/// comma-separated origins (`https://shop.example`) or `*`. Unset: no CORS headers, so browsers
/// keep pages of other origins from reading answers. Tokens travel in `Authorization`, never in
/// cookies, so credentials are never allowed.
struct CrossOrigin: Sendable {
    private let origins: Set<String>
    private let anyOrigin: Bool

    static let methods = "GET, HEAD, POST, PUT, PATCH, DELETE"
    static let requestHeaders = "Authorization, Content-Type, Idempotency-Key, X-Correlation-Id"
    static let exposedHeaders = "Location, Retry-After, X-Correlation-Id"

    /// nil when `CORS_ALLOWED_ORIGINS` is unset.
    init?(_ setting: String?) throws(ConfigurationError) {
        guard let setting, !setting.isEmpty else { return nil }
        let listed = setting.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        anyOrigin = listed == ["*"]
        for origin in listed where !anyOrigin {
            guard (origin.hasPrefix("http://") || origin.hasPrefix("https://")), !origin.hasSuffix("/"),
                  !origin.dropFirst(8).contains("/") else {
                throw ConfigurationError("CORS_ALLOWED_ORIGINS: '\(origin)' is not an origin such as https://shop.example (or * alone)")
            }
        }
        origins = Set(listed)
    }

    private func allows(_ origin: String) -> Bool { anyOrigin || origins.contains(origin) }

    /// The answer to a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`);
    /// nil for any other request.
    func preflight(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "OPTIONS", let origin = request.headers["Origin"],
              request.headers["Access-Control-Request-Method"] != nil else { return nil }
        guard allows(origin) else {
            return Problem(status: 403, detail: "the origin \(origin) may not call this API from a browser").response
        }
        return HTTPResponse(status: 204, headers: [
            "Access-Control-Allow-Origin": anyOrigin ? "*" : origin, "Access-Control-Allow-Methods": Self.methods,
            "Access-Control-Allow-Headers": Self.requestHeaders, "Access-Control-Max-Age": "600", "Vary": "Origin",
        ])
    }

    /// Lets the page of an allowed origin read `response`.
    func decorate(_ response: inout HTTPResponse, for request: HTTPRequest) {
        guard let origin = request.headers["Origin"], allows(origin) else { return }
        response.headers["Access-Control-Allow-Origin"] = anyOrigin ? "*" : origin
        response.headers["Access-Control-Expose-Headers"] = Self.exposedHeaders
        response.headers["Vary"] = "Origin"
    }
}
