import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Gateway rate limits", .serialized)
struct RateLimitTests {
    @Test("past its burst a client gets 429 with Retry-After, on the limited route only, and is served again once tokens return")
    func tokenBucket() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url),/shows=\(upstream.url)",
                                         environment: ["RATE_LIMITS": "/bookings=2/s:3"])

        let statuses = try (0..<5).map { _ in try gateway.send("POST", "/bookings", body: "{}").status }
        #expect(statuses.prefix(3) == [200, 200, 200])
        #expect(statuses.suffix(2).allSatisfy { $0 == 429 }, "\(statuses)")
        let refused = try gateway.send("POST", "/bookings", body: "{}")
        #expect(refused.status == 429)
        #expect(refused.headers["Retry-After"] == "1")
        #expect(refused.headers["Content-Type"] == "application/problem+json")
        #expect(refused.json["detail"] as? String == "more than 2/s requests to /bookings; retry in 1 s")
        #expect(upstream.requests.count == 3, "a refused request never reaches the service")

        #expect(try (0..<10).allSatisfy { _ in try gateway.send("GET", "/shows").status == 200 }, "another route has no limit")
        Thread.sleep(forTimeInterval: 0.6)
        #expect(try gateway.send("POST", "/bookings", body: "{}").status == 200, "a token came back after half a second")
        #expect(gateway.requestLog.contains { $0["status"] as? Int == 429 && $0["error"] as? String == "rate limited" })
    }

    @Test("behind a trusted proxy each client address has its own bucket; `*` limits every route")
    func perClient() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)",
                                         environment: ["RATE_LIMITS": "*=1/m", "TRUST_FORWARDED_HEADERS": "true"])
        func get(from address: String) throws -> Int {
            try gateway.send("GET", "/shows", headers: ["X-Forwarded-For": "198.51.100.9, \(address)"]).status
        }
        #expect(try get(from: "203.0.113.1") == 200)
        #expect(try get(from: "203.0.113.1") == 429)
        #expect(try get(from: "203.0.113.2") == 200)
        let refused = try gateway.send("GET", "/shows", headers: ["X-Forwarded-For": "203.0.113.2"])
        #expect(refused.headers["Retry-After"] == "60")
    }

    @Test("refused tokens count against the address, and an IPv6 client's /64 is one client")
    func guessingAndRotation() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/payments=\(upstream.url)", environment: [
            "RATE_LIMITS": "/payments=1/m", "TRUST_FORWARDED_HEADERS": "true", "PROTECTED_ROUTES": "/payments",
            "JWT_SECRET": String(repeating: "s", count: 32)])
        func call(from address: String) throws -> Int {
            try gateway.send("GET", "/payments", headers: ["X-Forwarded-For": address, "Authorization": "Bearer guessed.token.value"]).status
        }
        #expect(try call(from: "203.0.113.7") == 401)
        #expect(try call(from: "203.0.113.7") == 429, "a second guess within the minute is throttled")
        #expect(try call(from: "2001:db8:1:2::1") == 401)
        #expect(try call(from: "2001:db8:1:2:ffff::9") == 429, "another address of the same /64")
        #expect(try call(from: "2001:db8:1:3::1") == 401, "another /64")
        #expect(upstream.requests.isEmpty)
    }

    @Test("a rate limit the gateway cannot use stops it at start", arguments: [
        ("/nope=1/s", "gateway: RATE_LIMITS: /nope is not a prefix in ROUTES"),
        ("/a=fast", "gateway: RATE_LIMITS: 'fast' for /a is not N/s or N/m with an optional :burst, e.g. 5/s:10"),
        ("/a=5/s:0", "gateway: RATE_LIMITS: '5/s:0' for /a is not N/s or N/m with an optional :burst, e.g. 5/s:10"),
        ("/a=1/s,/a=2/s", "gateway: RATE_LIMITS: /a is given twice"),
        ("/a", "gateway: RATE_LIMITS: '/a' is not prefix=N/s[:burst]"),
    ])
    func invalid(setting: String, message: String) throws {
        let run = try gatewayRun(environment: ["ROUTES": "/a=http://127.0.0.1:1", "RATE_LIMITS": setting])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix(message), "stderr: \(run.stderr)")
    }
}
