import Foundation
import HTTP
import Testing

@Suite("Router")
struct RouterTests {
    private func problem(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test("path parameters are captured from {name} segments and percent-decoded")
    func pathParameters() {
        let router = Router()
        router.add("GET", "/shows/{showId}/seats/{seat}") { request in
            .text("\(request.pathParameters["showId"] ?? "-") \(request.pathParameters["seat"] ?? "-")")
        }
        let response = router.handle(HTTPRequest(method: "GET", target: "/shows/42/seats/A%201?x=1"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "42 A 1")
    }

    @Test("a literal segment wins over a parameter, whatever the order routes were added in")
    func literalBeatsParameter() {
        let router = Router()
        router.add("GET", "/bookings/{id}") { _ in .text("by id") }
        router.add("GET", "/bookings/search") { _ in .text("search") }
        #expect(router.handle(HTTPRequest(method: "GET", target: "/bookings/search")).body == Array("search".utf8))
        #expect(router.handle(HTTPRequest(method: "GET", target: "/bookings/7")).body == Array("by id".utf8))
    }

    @Test("an unknown path is a 404 problem")
    func notFound() throws {
        let router = Router()
        router.add("GET", "/bookings") { _ in .text("list") }
        let response = router.handle(HTTPRequest(method: "GET", target: "/nothing-here"))
        #expect(response.status == 404)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        let body = try problem(response)
        #expect(body["status"] as? Int == 404)
        #expect(body["title"] as? String == "Not Found")
        #expect(body["type"] as? String == "about:blank")
        #expect((body["detail"] as? String)?.contains("/nothing-here") == true)
    }

    @Test("a trailing slash names a different resource")
    func trailingSlash() {
        let router = Router()
        router.add("GET", "/bookings") { _ in .text("list") }
        #expect(router.handle(HTTPRequest(method: "GET", target: "/bookings/")).status == 404)
    }

    @Test("a known path with the wrong method is a 405 problem listing the allowed methods")
    func methodNotAllowed() {
        let router = Router()
        router.add("GET", "/bookings/{id}") { _ in .text("one") }
        router.add("DELETE", "/bookings/{id}") { _ in HTTPResponse(status: 204) }
        let response = router.handle(HTTPRequest(method: "POST", target: "/bookings/1"))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD")
        #expect(response.headers["Content-Type"] == "application/problem+json")
    }

    @Test("HEAD is served by the GET handler")
    func headUsesGet() {
        let router = Router()
        router.add("GET", "/bookings") { _ in .text("list") }
        let response = router.handle(HTTPRequest(method: "HEAD", target: "/bookings"))
        #expect(response.status == 200)
        #expect(response.body == Array("list".utf8))
    }

    @Test("a thrown Problem becomes its own response, headers included")
    func thrownProblem() throws {
        let router = Router()
        router.add("POST", "/bookings") { _ in throw Problem.unavailable("payment is down", retryAfterSeconds: 7) }
        let response = router.handle(HTTPRequest(method: "POST", target: "/bookings"))
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == "7")
        let body = try problem(response)
        #expect(body["detail"] as? String == "payment is down")
        #expect(body["title"] as? String == "Service Unavailable")
    }

    @Test("a DecodingError is a 400 problem that names the field")
    func decodingError() throws {
        struct Booking: Decodable {
            struct Seat: Decodable { let row: Int }
            let qty: Int
            let seats: [Seat]
        }
        let router = Router()
        router.add("POST", "/bookings") { request in
            _ = try JSONDecoder().decode(Booking.self, from: Data(request.body))
            return HTTPResponse(status: 201)
        }
        let cases: [(body: String, detail: String)] = [
            (#"{"seats":[]}"#, "field 'qty' is required"),
            (#"{"qty":"x","seats":[]}"#, "field 'qty' must be an integer"),
            (#"{"qty":1,"seats":[{"row":true}]}"#, "field 'seats[0].row' must be an integer"),
            (#"{"qty":1,"seats":null}"#, "field 'seats' must not be null"),
            (#"[1]"#, "request body must be a JSON object"),
            (#"{"qty":1,"seats":{}}"#, "field 'seats' must be a JSON array"),
            (#"{"qty":"#, "request body is not valid JSON"),
        ]
        for (body, detail) in cases {
            let response = router.handle(HTTPRequest(method: "POST", target: "/bookings", body: Array(body.utf8)))
            #expect(response.status == 400, "\(body)")
            #expect(try problem(response)["detail"] as? String == detail, "\(body)")
        }
    }

    @Test("any other error is a 500 problem that does not reveal what went wrong")
    func internalError() {
        struct DatabaseError: Error, CustomStringConvertible {
            var description: String { "disk I/O error in /var/lib/secret.sqlite" }
        }
        let router = Router()
        router.add("GET", "/bookings") { _ in throw DatabaseError() }
        let response = router.handle(HTTPRequest(method: "GET", target: "/bookings"))
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 500)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(!text.contains("secret") && !text.contains("disk") && !text.contains("DatabaseError"))
    }

    @Test("routePattern names the matched pattern, for metrics labels that do not grow with ids")
    func routePattern() {
        let router = Router()
        router.add("GET", "/bookings/{id}") { _ in .text("one") }
        #expect(router.routePattern(for: HTTPRequest(method: "GET", target: "/bookings/17")) == "/bookings/{id}")
        #expect(router.routePattern(for: HTTPRequest(method: "PUT", target: "/bookings/17")) == "/bookings/{id}")
        #expect(router.routePattern(for: HTTPRequest(method: "GET", target: "/other")) == nil)
    }
}
