import HTTP
import Testing

@Suite("HTTPRequest")
struct HTTPRequestTests {
    @Test("the path is percent-decoded and separated from the query")
    func pathAndQuery() {
        let request = HTTPRequest(method: "GET", target: "/shows/caf%C3%A9%20bar?date=2025-01-01&seat=A+1&q=%26x&flag")
        #expect(request.path == "/shows/café bar")
        #expect(request.query == ["date": "2025-01-01", "seat": "A 1", "q": "&x", "flag": ""])
        #expect(request.target == "/shows/caf%C3%A9%20bar?date=2025-01-01&seat=A+1&q=%26x&flag")
    }

    @Test("a repeated query parameter keeps its last value; a malformed escape is kept as written")
    func lastWinsAndMalformedEscapes() {
        let request = HTTPRequest(method: "GET", target: "/a%zz/b%2?x=1&x=2")
        #expect(request.query == ["x": "2"])
        #expect(request.path == "/a%zz/b%2")
    }

    @Test("an absolute-form target yields the same path and query as the origin form")
    func absoluteForm() {
        let request = HTTPRequest(method: "GET", target: "http://example.test:8080/items/1?x=1")
        #expect(request.path == "/items/1")
        #expect(request.query == ["x": "1"])
        #expect(HTTPRequest(method: "GET", target: "http://example.test").path == "/")
    }
}
