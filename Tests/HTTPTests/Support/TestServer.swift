import HTTP

extension HTTPServerConfiguration {
    /// Loopback only, on a free port, with timeouts short enough for tests.
    static func loopback(headTimeout: Duration = .seconds(5), bodyTimeout: Duration = .seconds(5),
                         idleTimeout: Duration = .seconds(5), sendTimeout: Duration = .seconds(5)) -> HTTPServerConfiguration {
        HTTPServerConfiguration(host: "127.0.0.1", port: 0, headTimeout: headTimeout, bodyTimeout: bodyTimeout,
                                idleTimeout: idleTimeout, sendTimeout: sendTimeout)
    }
}

/// Starts a server, runs `body` with it and its port, and shuts it down again.
func withServer<T>(_ configuration: HTTPServerConfiguration = .loopback(),
                   observer: (@Sendable (HTTPExchange) -> Void)? = nil,
                   handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse = testRouter().handle,
                   _ body: (HTTPServer, Int) throws -> T) throws -> T {
    let server = HTTPServer(configuration: configuration, observer: observer, handler: handler)
    let port = try server.start()
    defer { _ = server.shutdown(gracePeriod: .seconds(5)) }
    return try body(server, port)
}

/// The routes the socket tests talk to.
func testRouter() -> Router {
    let router = Router()
    router.add("GET", "/") { _ in .text("hello") }
    router.add("POST", "/echo") { request in
        HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: request.body)
    }
    router.add("GET", "/items/{id}") { request in .json(["id": request.pathParameters["id"] ?? ""]) }
    router.add("GET", "/no-content") { _ in HTTPResponse(status: 204, body: Array("ignored".utf8)) }
    router.add("GET", "/not-modified") { _ in HTTPResponse(status: 304, body: Array("ignored".utf8)) }
    return router
}
