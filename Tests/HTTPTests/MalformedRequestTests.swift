import Foundation
import HTTP
import Synchronization
import TestSupport
import Testing

/// A request no well-behaved client sends, the status the server must answer it with, and a
/// fragment of the problem's detail that shows it was refused for the right reason.
struct MalformedRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: String
    let status: Int
    let detail: String

    var testDescription: String { "\(name) → \(status)" }

    static func post(_ name: String, headers: String, body: String, _ status: Int, _ detail: String) -> MalformedRequest {
        MalformedRequest(name: name, bytes: "POST /echo HTTP/1.1\r\nHost: test\r\n\(headers)\r\n\(body)", status: status, detail: detail)
    }

    static func chunked(_ name: String, body: String, _ status: Int, _ detail: String) -> MalformedRequest {
        post(name, headers: "Transfer-Encoding: chunked\r\n", body: body, status, detail)
    }

    static func get(_ name: String, headers: String, _ status: Int, _ detail: String) -> MalformedRequest {
        MalformedRequest(name: name, bytes: "GET / HTTP/1.1\r\n\(headers)\r\n", status: status, detail: detail)
    }

    static func line(_ name: String, _ requestLine: String, _ status: Int, _ detail: String) -> MalformedRequest {
        MalformedRequest(name: name, bytes: "\(requestLine)\r\nHost: test\r\n\r\n", status: status, detail: detail)
    }

    static let all: [MalformedRequest] = [
        post("both Content-Length and Transfer-Encoding", headers: "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
             body: "5\r\nhello\r\n0\r\n\r\n", 400, "both Content-Length and Transfer-Encoding"),
        post("two different Content-Lengths", headers: "Content-Length: 5\r\nContent-Length: 6\r\n", body: "hello!",
             400, "conflicting Content-Length"),
        post("a Content-Length list that disagrees", headers: "Content-Length: 5, 6\r\n", body: "hello!",
             400, "conflicting Content-Length"),
        post("a Content-Length with a plus sign", headers: "Content-Length: +5\r\n", body: "hello", 400, "decimal number"),
        post("a hexadecimal Content-Length", headers: "Content-Length: 0x5\r\n", body: "hello", 400, "decimal number"),
        post("a negative Content-Length", headers: "Content-Length: -1\r\n", body: "", 400, "decimal number"),
        post("an empty Content-Length", headers: "Content-Length: \r\n", body: "", 400, "decimal number"),
        post("a Content-Length over the body limit", headers: "Content-Length: 2000000\r\n", body: "",
             413, "exceeds the limit of 1048576 bytes"),
        post("a Content-Length too long for any integer", headers: "Content-Length: 99999999999999999999999999\r\n",
             body: "", 413, "exceeds the limit"),
        post("an unknown transfer coding", headers: "Transfer-Encoding: gzip, chunked\r\n", body: "0\r\n\r\n",
             501, "'gzip' is not supported"),
        post("chunked not the final transfer coding", headers: "Transfer-Encoding: chunked, gzip\r\n", body: "0\r\n\r\n",
             400, "final transfer coding"),
        post("chunked applied twice", headers: "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
             body: "0\r\n\r\n", 400, "final transfer coding"),
        chunked("a chunk size that overflows", body: "FFFFFFFFFFFFFFFFFFFF\r\n", 400, "overflows"),
        chunked("a chunk size that is not hexadecimal", body: "zz\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk size"),
        chunked("a chunk size with trailing garbage", body: "5 x\r\nhello\r\n0\r\n\r\n", 400, "invalid chunk size"),
        chunked("chunk data not followed by CRLF", body: "5\r\nhelloXX\r\n0\r\n\r\n", 400, "not followed by CRLF"),
        chunked("a chunk bigger than the body limit", body: "200000\r\n", 413, "exceeds the limit"),
        chunked("trailers over the cap", body: "0\r\nX-Trailer: \(String(repeating: "t", count: 40_000))\r\n\r\n",
                431, "trailer section exceeds"),
        chunked("a malformed trailer", body: "0\r\nX-Trailer : t\r\n\r\n", 400, "whitespace between"),
        get("obs-fold", headers: "Host: test\r\nX-A: a\r\n  folded\r\n", 400, "line folding"),
        get("whitespace before the colon", headers: "Host : test\r\n", 400, "whitespace between"),
        get("a CR inside a value", headers: "Host: test\r\nX-A: a\rb\r\n", 400, "control character"),
        get("a bare LF inside a value", headers: "Host: test\r\nX-A: a\nb\r\n", 400, "control character"),
        get("a NUL inside a value", headers: "Host: test\r\nX-A: a\u{0}b\r\n", 400, "control character"),
        get("a header line without a colon", headers: "Host: test\r\nNonsense\r\n", 400, "without a colon"),
        get("a header name with a space", headers: "Host: test\r\nX A: b\r\n", 400, "invalid header name"),
        get("a missing Host on HTTP/1.1", headers: "Accept: */*\r\n", 400, "missing Host"),
        get("a Host with a space", headers: "Host: a b\r\n", 400, "invalid Host"),
        get("a Host with a path", headers: "Host: a/c?d\r\n", 400, "invalid Host"),
        get("a Host with userinfo", headers: "Host: user@a\r\n", 400, "invalid Host"),
        get("a Host with a port that is not a number", headers: "Host: a:80x\r\n", 400, "invalid Host"),
        get("an unclosed IP literal Host", headers: "Host: [::1\r\n", 400, "invalid Host"),
        get("two Host fields", headers: "Host: a\r\nHost: b\r\n", 400, "more than one Host"),
        get("a head over 32 KiB",
            headers: "Host: test\r\n" + (0..<40).map { "X-Filler-\($0): \(String(repeating: "f", count: 1000))\r\n" }.joined(),
            431, "exceeds 32768 bytes"),
        get("more than 100 header fields", headers: "Host: test\r\n" + (0..<100).map { "X-\($0): v\r\n" }.joined(),
            431, "more than 100 header fields"),
        line("a request line over 8 KiB", "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1", 414, "request line exceeds"),
        MalformedRequest(name: "a request line over 8 KiB that never ends", bytes: "GET /\(String(repeating: "a", count: 9000))",
                         status: 414, detail: "request line exceeds"),
        line("HTTP/2.0 on the request line", "GET / HTTP/2.0", 505, "not supported"),
        line("HTTP/0.9 on the request line", "GET / HTTP/0.9", 505, "not supported"),
        line("a lowercase version", "GET / http/1.1", 400, "invalid HTTP version"),
        line("a request line without a version", "GET /", 400, "malformed request line"),
        line("a request line with two spaces", "GET  / HTTP/1.1", 400, "malformed request line"),
        line("a control byte in the method", "G\u{1}T / HTTP/1.1", 400, "invalid method"),
        line("a target that is not a path", "GET items HTTP/1.1", 400, "must be a path"),
        line("a non-ASCII target", "GET /caf\u{e9} HTTP/1.1", 400, "invalid request target"),
    ]
}

@Suite("Malformed requests")
struct MalformedRequestTests {
    @Test("a malformed request is answered with its status as a problem, then the connection closes",
          arguments: MalformedRequest.all)
    func rejected(_ request: MalformedRequest) throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send(request.bytes)
            let response = try #require(connection.readResponse())
            #expect(response.status == request.status)
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(response.headers["Connection"] == "close")
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(problem["status"] as? Int == request.status)
            let detail = problem["detail"] as? String ?? ""
            #expect(detail.contains(request.detail), "detail: \(detail)")
            #expect(connection.isClosedByServer())
        }
    }

    @Test("a rejected request is reported to the observer with its status")
    func observed() throws {
        let exchanges = Mutex<[HTTPExchange]>([])
        try withServer(observer: { exchange in exchanges.withLock { $0.append(exchange) } }) { _, port in
            let valid = try RawConnection(port: port)
            valid.send("GET /items/9?x=1 HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(valid.readResponse()?.status == 200)
            let tooLarge = try RawConnection(port: port)
            tooLarge.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2000000\r\n\r\n")
            #expect(tooLarge.readResponse()?.status == 413)
            #expect(eventually { exchanges.withLock { $0.count } == 2 })
        }
        let recorded = exchanges.withLock { $0 }.map { "\($0.method) \($0.path) \($0.status)" }
        #expect(recorded.sorted() == ["GET /items/9 200", "POST /echo 413"])
    }
}
