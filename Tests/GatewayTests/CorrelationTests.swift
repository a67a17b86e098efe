import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Gateway correlation ids", .serialized)
struct CorrelationTests {
    @Test("a request without X-Correlation-Id gets a new UUID, seen by the service and returned to the client")
    func generated() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")

        let first = try gateway.send("GET", "/shows/1")
        let second = try gateway.send("GET", "/shows/2")

        let returned = try #require(first.headers["X-Correlation-Id"])
        #expect(UUID(uuidString: returned) != nil, "\(returned) is a UUID")
        #expect(upstream.requests.first?.headers["X-Correlation-Id"] == returned)
        #expect(second.headers["X-Correlation-Id"] != returned, "each request gets its own id")
    }

    @Test("a given X-Correlation-Id reaches the service and comes back unchanged")
    func passedOn() throws {
        let upstream = try RecordingUpstream { _ in HTTPResponse(status: 200, headers: ["X-Correlation-Id": "the-service-said-otherwise"]) }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")

        let response = try gateway.send("GET", "/shows", headers: ["X-Correlation-Id": "booking-42"])

        #expect(upstream.requests.first?.headers.values("X-Correlation-Id") == ["booking-42"])
        #expect(response.headers.values("X-Correlation-Id") == ["booking-42"])
    }
}
