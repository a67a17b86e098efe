import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Gateway upstream failures", .serialized)
struct UpstreamFailureTests {
    @Test("a service whose port is closed gives a 502 problem naming the service's URL")
    func connectionRefused() throws {
        let closedURL = "http://127.0.0.1:\(try freePort())"
        let gateway = try GatewayProcess(routes: "/payments=\(closedURL)")

        let response = try gateway.send("POST", "/payments", headers: ["X-Correlation-Id": "pay-1"], body: "{}")

        #expect(response.status == 502)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.json["detail"] as? String == "\(closedURL) (/payments) cannot be reached")
        #expect(response.headers["X-Correlation-Id"] == "pay-1")
    }

    @Test("a service slower than UPSTREAM_TIMEOUT_MS gives a 504 problem at the deadline")
    func deadlineExceeded() throws {
        let upstream = try RecordingUpstream { _ in
            Thread.sleep(forTimeInterval: 2)
            return .text("too late")
        }
        let gateway = try GatewayProcess(routes: "/issuances=\(upstream.url)", environment: ["UPSTREAM_TIMEOUT_MS": "300"])

        let started = ContinuousClock.now
        let response = try gateway.send("GET", "/issuances/1")
        let elapsed = started.duration(to: .now)

        #expect(response.status == 504)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect((response.json["detail"] as? String)?.hasPrefix("\(upstream.url) (/issuances) did not answer within") == true)
        #expect(response.headers["X-Correlation-Id"]?.isEmpty == false)
        #expect(elapsed >= .milliseconds(300) && elapsed < .milliseconds(1500), "answered after \(elapsed)")
    }
}
