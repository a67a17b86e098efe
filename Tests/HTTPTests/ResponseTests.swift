import Foundation
import HTTP
import Testing

@Suite("Responses and problems")
struct ResponseTests {
    @Test("a problem renders as RFC 9457 problem+json with the standard title by default")
    func problemBody() throws {
        let response = Problem.conflict("not enough seats").response
        #expect(response.status == 409)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(body["type"] as? String == "about:blank")
        #expect(body["title"] as? String == "Conflict")
        #expect(body["status"] as? Int == 409)
        #expect(body["detail"] as? String == "not enough seats")
        #expect(body.count == 4)
    }

    @Test("each named problem carries its status; unavailable adds Retry-After")
    func namedProblems() {
        #expect(Problem.badRequest("x").status == 400)
        #expect(Problem.notFound("x").status == 404)
        #expect(Problem.badGateway("x").status == 502)
        #expect(Problem.gatewayTimeout("x").status == 504)
        let unavailable = Problem.unavailable("breaker open", retryAfterSeconds: 30)
        #expect(unavailable.status == 503)
        #expect(unavailable.response.headers["Retry-After"] == "30")
        #expect(Problem(status: 422, detail: "x", title: "Custom").title == "Custom")
        #expect(Problem(status: 599, detail: "x").title == "HTTP 599")
    }

    @Test("json encodes without escaping slashes, as application/json unless told otherwise")
    func json() {
        struct Link: Encodable { let href: String }
        let response = HTTPResponse.json(Link(href: "/bookings/1"), status: 201, headers: ["Location": "/bookings/1"])
        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"href":"/bookings/1"}"#)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Location"] == "/bookings/1")
        let hal = HTTPResponse.json(Link(href: "/"), headers: ["Content-Type": "application/hal+json"])
        #expect(hal.headers.values("Content-Type") == ["application/hal+json"])
    }

    @Test("a value JSON cannot represent becomes a 500 problem instead of a crash")
    func unencodable() {
        #expect(HTTPResponse.json(["price": Double.nan]).status == 500)
    }

    @Test("text sets the content type")
    func text() {
        let response = HTTPResponse.text("ok", status: 202)
        #expect(response.status == 202)
        #expect(response.body == Array("ok".utf8))
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
    }
}
