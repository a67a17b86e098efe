import HTTP
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test("names compare case-insensitively and the subscript reads the first value")
    func caseInsensitive() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain"]
        headers.add("set-cookie", "a=1")
        headers.add("Set-Cookie", "b=2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values("Set-Cookie") == ["a=1", "b=2"])
        #expect(headers["Missing"] == nil)
    }

    @Test("setting through the subscript replaces every field of that name, nil removes them")
    func replace() {
        var headers: HTTPHeaders = ["Accept": "a", "X-Id": "1"]
        headers.add("accept", "b")
        headers["ACCEPT"] = "c"
        #expect(headers.values("Accept") == ["c"])
        headers["x-id"] = nil
        #expect(headers.values("X-Id").isEmpty)
    }

    @Test("iteration keeps the order fields were added in, with their spelling")
    func order() {
        var headers: HTTPHeaders = [:]
        headers.add("B", "2")
        headers.add("a", "1")
        headers.add("B", "3")
        #expect(headers.map { "\($0.name)=\($0.value)" } == ["B=2", "a=1", "B=3"])
    }
}
