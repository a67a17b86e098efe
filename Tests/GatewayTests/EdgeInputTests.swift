import Foundation
import HTTP
import Testing
import TestSupport

/// What a client can send the gateway that a service behind it might read differently.
@Suite("Gateway edge input", .serialized)
struct EdgeInputTests {
    /// Sends `head` (a request line and fields, without the blank line) and reads the answer.
    private func raw(_ gateway: GatewayProcess, _ head: String, bodyless: Bool = false) throws -> RawResponse {
        let connection = try RawConnection(port: gateway.port)
        connection.send(head + "\r\nConnection: close\r\n\r\n")
        return try #require(connection.readResponse(bodyless: bodyless), "no answer to \(head)")
    }

    @Test("a path is routed and forwarded in one normal form; forms a service could read otherwise are a 400")
    func pathForms() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        #expect(try raw(gateway, "GET /%62ookings/1?q=%2F HTTP/1.1\r\nHost: h").status == 200)
        #expect(try raw(gateway, "GET /bookings/a%c3%a9 HTTP/1.1\r\nHost: h").status == 200)
        #expect(upstream.requests.map(\.target) == ["/bookings/1?q=%2F", "/bookings/a%C3%A9"])
        for target in ["/bookings%2F..%2Fadmin", "/bookings/%2e%2e/admin", "/bookings/../admin", "/bookings/./1",
                       "/bookings\\..\\admin", "/bookings/%5c", "/bookings/%zz", "/bookings/%2"] {
            let answer = try raw(gateway, "GET \(target) HTTP/1.1\r\nHost: h")
            #expect(answer.status == 400, "\(target): \(answer.status) \(answer.text)")
        }
        #expect(upstream.requests.count == 2, "no refused form reached the service")
    }

    @Test("an absolute-form target is accepted: its path is forwarded and its authority stands for Host")
    func absoluteForm() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        #expect(try raw(gateway, "GET http://shop.example:8080/bookings/2?x=1 HTTP/1.1\r\nHost: other").status == 200)
        #expect(try raw(gateway, "GET https://shop.example HTTP/1.1\r\nHost: other").status == 404)
        let seen = try #require(upstream.requests.first)
        #expect(seen.target == "/bookings/2?x=1")
        #expect(seen.headers["X-Forwarded-Host"] == "shop.example:8080")
        #expect(seen.headers["X-Forwarded-Proto"] == "http")
        #expect(try raw(gateway, "GET https://shop.example/bookings HTTP/1.1\r\nHost: other").status == 200)
        #expect(upstream.requests.last?.headers["X-Forwarded-Proto"] == "https")
        for authority in ["a\"><x>", "evil.com\\.good", "user@host", "h:80x"] {
            #expect(try raw(gateway, "GET http://\(authority)/bookings HTTP/1.1\r\nHost: h").status == 400, "\(authority) stands for Host")
        }
        #expect(upstream.requests.count == 2)
    }

    @Test("clients' forwarding fields are dropped unless TRUST_FORWARDED_HEADERS says a proxy sets them")
    func forwardedFields() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let forged: HTTPHeaders = ["X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
                                   "X-Forwarded-For": "10.9.8.7", "Forwarded": "for=10.9.8.7;host=evil.example"]

        let direct = try GatewayProcess(routes: "/bookings=\(upstream.url)")
        _ = try direct.send("GET", "/bookings", headers: forged)
        let seen = try #require(upstream.requests.last)
        #expect(seen.headers["X-Forwarded-Host"] == "127.0.0.1:\(direct.port)")
        #expect(seen.headers["X-Forwarded-Proto"] == "http")
        #expect(seen.headers["X-Forwarded-For"] == nil && seen.headers["Forwarded"] == nil)

        let behindProxy = try GatewayProcess(routes: "/bookings=\(upstream.url)", environment: ["TRUST_FORWARDED_HEADERS": "true"])
        _ = try behindProxy.send("GET", "/bookings", headers: forged)
        let trusted = try #require(upstream.requests.last)
        #expect(trusted.headers["X-Forwarded-Host"] == "evil.example")
        #expect(trusted.headers["X-Forwarded-Proto"] == "https")
        #expect(trusted.headers["X-Forwarded-For"] == "10.9.8.7")
    }

    @Test("a correlation id that is too long or not a plain token is replaced")
    func correlationIDs() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        for given in [String(repeating: "a", count: 129), "two words", "a\"}{\"injected\":\"x"] {
            let answer = try gateway.send("GET", "/bookings", headers: ["X-Correlation-Id": given])
            let used = try #require(answer.headers["X-Correlation-Id"])
            #expect(used != given && UUID(uuidString: used) != nil, "\(given) became \(used)")
            #expect(upstream.requests.last?.headers["X-Correlation-Id"] == used)
        }
        let kept = "order-42:retry_1." + String(repeating: "x", count: 111)
        #expect(try gateway.send("GET", "/bookings", headers: ["X-Correlation-Id": kept]).headers["X-Correlation-Id"] == kept)
    }

    @Test("HEAD answers with the length GET's body has, and with none when the service announced none")
    func headLength() throws {
        let upstream = try RecordingUpstream { _ in .text("twelve bytes") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url)")

        let head = try raw(gateway, "HEAD /bookings HTTP/1.1\r\nHost: h", bodyless: true)
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == "12")
        #expect(head.body.isEmpty)

        // A service that streams its GET (chunked) has no length for HEAD either.
        let listener = try LoopbackListener()
        listener.answerOnce(with: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunked = try GatewayProcess(routes: "/streams=http://127.0.0.1:\(listener.port)")
        let streamed = try raw(chunked, "HEAD /streams HTTP/1.1\r\nHost: h", bodyless: true)
        #expect(streamed.status == 200)
        #expect(streamed.headers["Content-Length"] == nil, "not 0: the GET has a body")
    }

    @Test("a setting that is not true or false stops the gateway at start")
    func trustSetting() throws {
        let run = try gatewayRun(environment: ["ROUTES": "/a=http://127.0.0.1:1", "TRUST_FORWARDED_HEADERS": "yes"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("TRUST_FORWARDED_HEADERS=yes must be true or false"))
    }
}
