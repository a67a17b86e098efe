import HTTP
import TestSupport
import Testing

@Suite("Keep-alive and framing")
struct KeepAliveTests {
    @Test("pipelined requests sent in one write are answered in order, and the connection stays open")
    func pipelining() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("GET /items/1 HTTP/1.1\r\nHost: test\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /items/2 HTTP/1.1\r\nHost: test\r\n\r\n")
            let first = try #require(connection.readResponse())
            let second = try #require(connection.readResponse())
            let third = try #require(connection.readResponse())
            #expect([first.status, second.status, third.status] == [200, 200, 200])
            #expect(first.text == #"{"id":"1"}"#)
            #expect(second.text == "abc")
            #expect(third.text == #"{"id":"2"}"#)
            #expect([first, second, third].allSatisfy { $0.headers["Connection"] == nil })

            connection.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.text == "hello")
        }
    }

    @Test("a stray CRLF between requests is skipped")
    func strayCRLF() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\nok\r\n"
                + "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.text == "ok")
            #expect(connection.readResponse()?.text == "hello")
        }
    }

    @Test("an HTTP/1.1 client's Connection: close is honoured after the response")
    func clientClose() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            let response = try #require(connection.readResponse())
            #expect(response.status == 200)
            #expect(response.headers["Connection"] == "close")
            #expect(connection.isClosedByServer())
        }
    }

    @Test("HTTP/1.0 closes after the response unless the client asks for keep-alive")
    func http10() throws {
        try withServer { _, port in
            let plain = try RawConnection(port: port)
            plain.send("GET / HTTP/1.0\r\n\r\n")
            #expect(plain.readResponse()?.headers["Connection"] == "close")
            #expect(plain.isClosedByServer())

            let persistent = try RawConnection(port: port)
            persistent.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try #require(persistent.readResponse())
            #expect(response.headers["Connection"] == "keep-alive")
            persistent.send("GET /items/3 HTTP/1.0\r\n\r\n")
            #expect(persistent.readResponse()?.text == #"{"id":"3"}"#)
            #expect(persistent.isClosedByServer())

            let both = try RawConnection(port: port)
            both.send("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")
            #expect(both.readResponse()?.headers["Connection"] == "close", "close wins")
            #expect(both.isClosedByServer())
        }
    }

    @Test("an HTTP/1.0 request with Transfer-Encoding is answered, then the connection closes even if kept alive")
    func http10Chunked() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
            let response = try #require(connection.readResponse())
            #expect(response.text == "ok")
            #expect(response.headers["Connection"] == "close")
            #expect(connection.isClosedByServer())
        }
    }

    @Test("a HEAD answer announces the GET's length but sends no body")
    func head() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("HEAD / HTTP/1.1\r\nHost: test\r\n\r\nGET / HTTP/1.1\r\nHost: test\r\n\r\n")
            let head = try #require(connection.readResponse(bodyless: true))
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "5")
            // Had the HEAD answer carried "hello", it would now be read as the next status line.
            let get = try #require(connection.readResponse())
            #expect(get.status == 200)
            #expect(get.text == "hello")
        }
    }

    @Test("204 and 304 answers carry no body, whatever the handler returned")
    func bodylessStatuses() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("GET /no-content HTTP/1.1\r\nHost: test\r\n\r\n"
                + "GET /not-modified HTTP/1.1\r\nHost: test\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            let noContent = try #require(connection.readResponse())
            #expect(noContent.status == 204)
            #expect(noContent.headers["Content-Length"] == nil)
            #expect(connection.readResponse()?.status == 304)
            #expect(connection.readResponse()?.text == "hello")
        }
    }

    @Test("a chunked request body is decoded, extensions and trailers included, and the connection stays open")
    func chunkedBody() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            let echoed = try #require(connection.readResponse())
            #expect(echoed.status == 200)
            #expect(echoed.text == "hello world")
            #expect(connection.readResponse()?.text == "hello")
        }
    }

    @Test("a body sent in small pieces is read whole")
    func bodyInPieces() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /echo HTTP/1.1\r\nHo")
            connection.send("st: test\r\nContent-Length: 10\r\n\r\n01234")
            connection.send("56789")
            #expect(connection.readResponse()?.text == "0123456789")
        }
    }
}
