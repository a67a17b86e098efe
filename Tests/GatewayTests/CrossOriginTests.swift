import HTTP
import Testing
import TestSupport

@Suite("Gateway CORS", .serialized)
struct CrossOriginTests {
    @Test("an allowed origin gets its preflight and may read answers; another gets neither")
    func allowedOrigins() throws {
        let upstream = try RecordingUpstream { _ in HTTPResponse(status: 201, headers: ["Location": "/bookings/1"], body: Array("{}".utf8)) }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)",
                                         environment: ["CORS_ALLOWED_ORIGINS": "https://shop.example, http://localhost:3000"])

        let preflight = try gateway.send("OPTIONS", "/bookings", headers: [
            "Origin": "https://shop.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"])
        #expect(preflight.status == 204)
        #expect(preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example")
        #expect(preflight.headers["Access-Control-Allow-Methods"]?.contains("POST") == true)
        #expect(preflight.headers["Access-Control-Allow-Headers"]?.contains("Idempotency-Key") == true)
        #expect(preflight.headers["Vary"] == "Origin")
        #expect(upstream.requests.isEmpty, "the gateway answers preflights itself")

        let post = try gateway.send("POST", "/bookings", headers: ["Origin": "http://localhost:3000"], body: "{}")
        #expect(post.status == 201)
        #expect(post.headers["Access-Control-Allow-Origin"] == "http://localhost:3000")
        #expect(post.headers["Access-Control-Expose-Headers"]?.contains("Location") == true)

        let stranger = try gateway.send("POST", "/bookings", headers: ["Origin": "https://evil.example"], body: "{}")
        #expect(stranger.headers["Access-Control-Allow-Origin"] == nil)
        let strangerPreflight = try gateway.send("OPTIONS", "/bookings", headers: [
            "Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"])
        #expect(strangerPreflight.status == 403)
        #expect(strangerPreflight.headers["Access-Control-Allow-Origin"] == nil)
    }

    @Test("without CORS_ALLOWED_ORIGINS no answer carries CORS headers; * allows every origin")
    func settings() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let closed = try GatewayProcess(routes: "/shows=\(upstream.url)")
        #expect(try closed.send("GET", "/shows", headers: ["Origin": "https://shop.example"]).headers["Access-Control-Allow-Origin"] == nil)
        let open = try GatewayProcess(routes: "/shows=\(upstream.url)", environment: ["CORS_ALLOWED_ORIGINS": "*"])
        #expect(try open.send("GET", "/shows", headers: ["Origin": "https://any.example"]).headers["Access-Control-Allow-Origin"] == "*")

        let run = try gatewayRun(environment: ["ROUTES": "/a=http://127.0.0.1:1", "CORS_ALLOWED_ORIGINS": "https://shop.example/app"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("gateway: CORS_ALLOWED_ORIGINS: 'https://shop.example/app' is not an origin"))
    }
}
