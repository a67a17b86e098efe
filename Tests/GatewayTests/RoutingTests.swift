import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Gateway routing", .serialized)
struct RoutingTests {
    @Test("method, path, query, body and end-to-end headers reach the service; its status, headers and body come back")
    func passThrough() throws {
        let upstream = try RecordingUpstream { _ in
            HTTPResponse(status: 201, headers: ["Location": "/bookings/7", "X-Service": "booking", "Keep-Alive": "timeout=5",
                                                "Proxy-Authenticate": "Basic", "Content-Type": "application/json"],
                         body: Array(#"{"id":7}"#.utf8))
        }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        let response = try gateway.send("PATCH", "/bookings/7?expand=show&note=a%20b", headers: [
            "Content-Type": "application/json", "X-Custom": "kept", "Keep-Alive": "timeout=1", "TE": "trailers",
            "Proxy-Authorization": "Basic eDp5", "Upgrade": "h2c",
        ], body: #"{"bookStatus":"Cancelled"}"#)

        #expect(response.status == 201)
        #expect(response.text == #"{"id":7}"#)
        #expect(response.headers["Location"] == "/bookings/7")
        #expect(response.headers["X-Service"] == "booking")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Keep-Alive"] == nil && response.headers["Proxy-Authenticate"] == nil)

        let seen = try #require(upstream.requests.first)
        #expect(upstream.requests.count == 1)
        #expect(seen.method == "PATCH")
        #expect(seen.target == "/bookings/7?expand=show&note=a%20b")
        #expect(String(decoding: seen.body, as: UTF8.self) == #"{"bookStatus":"Cancelled"}"#)
        #expect(seen.headers["Content-Type"] == "application/json")
        #expect(seen.headers["X-Custom"] == "kept")
        #expect(seen.headers["Host"] == "127.0.0.1:\(upstream.port)")
        #expect(seen.headers["X-Forwarded-Host"] == "127.0.0.1:\(gateway.port)", "the service builds its links on the gateway's host")
        #expect(seen.headers["X-Forwarded-Proto"] == "http")
        for hopByHop in ["Keep-Alive", "TE", "Proxy-Authorization", "Upgrade"] {
            #expect(seen.headers[hopByHop] == nil, "\(hopByHop) stops at the gateway")
        }
    }

    @Test("the service's own error answers pass through unchanged")
    func upstreamErrors() throws {
        let upstream = try RecordingUpstream { request in Problem.conflict("not enough seats for \(request.path)").response }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")

        let response = try gateway.send("POST", "/shows?seats=3", body: "{}")

        #expect(response.status == 409)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.json["detail"] as? String == "not enough seats for /shows")
    }

    @Test("the longest matching prefix wins, and only whole path segments match")
    func longestPrefix() throws {
        let shows = try RecordingUpstream { _ in .text("shows") }
        let seats = try RecordingUpstream { _ in .text("seats") }
        let gateway = try GatewayProcess(routes: "/shows=\(shows.url), /shows/seats=\(seats.url)/")

        #expect(try gateway.send("GET", "/shows").text == "shows")
        #expect(try gateway.send("GET", "/shows?page=2").text == "shows")
        #expect(try gateway.send("GET", "/shows/1").text == "shows")
        #expect(try gateway.send("GET", "/shows/seats").text == "seats")
        #expect(try gateway.send("GET", "/shows/seats/4").text == "seats")
        #expect(try gateway.send("GET", "/shows/seatsX").text == "shows")
        #expect(try gateway.send("GET", "/showsX").status == 404)
        #expect(shows.requests.map(\.target) == ["/shows", "/shows?page=2", "/shows/1", "/shows/seatsX"])
        #expect(seats.requests.map(\.target) == ["/shows/seats", "/shows/seats/4"])
    }

    @Test("a path under no prefix is a 404 problem naming the known prefixes")
    func unknownPrefix() throws {
        let upstream = try RecordingUpstream { _ in .text("never") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url),/shows=\(upstream.url)")

        let response = try gateway.send("GET", "/payments/1")

        #expect(response.status == 404)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.json["detail"] as? String == "no route for /payments/1; the gateway routes /bookings, /shows")
        #expect(response.headers["X-Correlation-Id"]?.isEmpty == false)
        #expect(upstream.requests.isEmpty)
    }

    @Test("the gateway answers /healthz and /readyz itself")
    func health() throws {
        let upstream = try RecordingUpstream { _ in .text("never") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        let health = try gateway.send("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "UP")
        #expect(try gateway.send("GET", "/readyz").status == 200)
        #expect(try gateway.send("POST", "/healthz").status == 405)
        #expect(upstream.requests.isEmpty)
    }

    @Test("every request is one JSON log line with method, path, status, upstream, duration and correlation id")
    func requestLog() throws {
        let upstream = try RecordingUpstream { _ in HTTPResponse(status: 204) }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        _ = try gateway.send("DELETE", "/bookings/3", headers: ["X-Correlation-Id": "log-check-1"])

        let line = try #require(gateway.requestLog.first { $0["correlation_id"] as? String == "log-check-1" },
                                "no request line in:\n\(gateway.process.log)")
        #expect(line["method"] as? String == "DELETE")
        #expect(line["path"] as? String == "/bookings/3")
        #expect(line["status"] as? Int == 204)
        #expect(line["upstream"] as? String == upstream.url)
        #expect((line["duration_ms"] as? Int).map { $0 >= 0 } == true)
        #expect(line["service"] as? String == "gateway")
    }
}
