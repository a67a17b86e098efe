import HTTP
import Testing
import TestSupport

@Suite("HTTPClient")
struct HTTPClientTests {
    private let client = HTTPClient()

    /// The error `body` throws, or nil if it succeeds.
    private func failure(_ body: () throws(HTTPClientError) -> HTTPClientResponse) -> HTTPClientError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("a call to our server returns its status, headers and body")
    func success() throws {
        try withServer { _, port in
            let echoed = try client.send(method: "POST", url: "http://127.0.0.1:\(port)/echo", headers: ["X-Trace": "1"],
                                         body: Array("ping".utf8), timeout: .seconds(5))
            #expect(echoed.status == 200)
            #expect(echoed.body == Array("ping".utf8))
            #expect(echoed.headers["content-type"] == "application/octet-stream")

            let item = try client.send(method: "GET", url: "http://127.0.0.1:\(port)/items/5?view=full", timeout: .seconds(5))
            #expect(String(decoding: item.body, as: UTF8.self) == #"{"id":"5"}"#)

            let head = try client.send(method: "HEAD", url: "http://127.0.0.1:\(port)/", timeout: .seconds(5))
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "5")
            #expect(head.body.isEmpty)

            let missing = try client.send(method: "GET", url: "http://127.0.0.1:\(port)/missing", timeout: .seconds(5))
            #expect(missing.status == 404)
        }
    }

    @Test("a chunked response is decoded and an interim 100 Continue skipped")
    func chunkedResponse() throws {
        let server = try LoopbackListener()
        server.answerOnce(with: "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nLocation: /bookings/1\r\n\r\n"
            + "5\r\nhello\r\n1;x=y\r\n!\r\n0\r\n\r\n")
        let response = try client.send(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(5))
        #expect(response.status == 201)
        #expect(response.headers["Location"] == "/bookings/1")
        #expect(response.body == Array("hello!".utf8))
    }

    @Test("a response without a length is read until the server closes")
    func readToClose() throws {
        let server = try LoopbackListener()
        server.answerOnce(with: "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        let response = try client.send(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(5))
        #expect(response.body == Array("until the end".utf8))
    }

    @Test("a refused connection is notConnected: nothing was sent")
    func refused() throws {
        let closedPort = try LoopbackListener(listening: false)
        let error = failure { () throws(HTTPClientError) in
            try client.send(method: "GET", url: "http://127.0.0.1:\(closedPort.port)/", timeout: .seconds(5))
        }
        guard case .notConnected(let message)? = error else {
            Issue.record("expected notConnected, got \(String(describing: error))")
            return
        }
        #expect(message.contains("refused"))
    }

    @Test("a server that never answers is timedOut at the deadline")
    func neverAnswers() throws {
        let silent = try LoopbackListener()
        let started = ContinuousClock.now
        let error = failure { () throws(HTTPClientError) in
            try client.send(method: "GET", url: "http://127.0.0.1:\(silent.port)/", timeout: .milliseconds(300))
        }
        let elapsed = started.duration(to: .now)
        #expect(error == .timedOut)
        #expect(elapsed >= .milliseconds(290) && elapsed < .milliseconds(1000), "gave up after \(elapsed)")
    }

    @Test("a response that breaks HTTP is malformedResponse", arguments: [
        "garbage\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
        // Never asked for an upgrade; no meaning outside 100–599.
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n",
        // Past the 8 MiB a caller holds, refused from the length before a byte of it is read.
        "HTTP/1.1 200 OK\r\nContent-Length: 8388609\r\n\r\n",
    ])
    func malformed(reply: String) throws {
        let server = try LoopbackListener()
        server.answerOnce(with: reply)
        let error = failure { () throws(HTTPClientError) in
            try client.send(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(5))
        }
        guard case .malformedResponse? = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
    }

    @Test("a URL the client cannot use is invalidURL, before any connection is attempted", arguments: [
        "https://127.0.0.1/", "ftp://127.0.0.1/", "127.0.0.1:8080/x", "http://", "http:///path",
        "http://127.0.0.1:99999/", "http://127.0.0.1:/", "http://user@127.0.0.1/", "http://127.0.0.1/a b",
    ])
    func invalidURL(url: String) {
        let error = failure { () throws(HTTPClientError) in try client.send(method: "GET", url: url, timeout: .seconds(1)) }
        guard case .invalidURL? = error else {
            Issue.record("expected invalidURL, got \(String(describing: error))")
            return
        }
    }
}

@Suite("HTTPClient keep-alive")
struct HTTPClientKeepAliveTests {
    @Test("calls reuse one kept connection")
    func reuse() throws {
        try withServer { server, port in
            let client = HTTPClient(keepAlive: 4)
            for id in 1...3 {
                let answer = try client.send(method: "GET", url: "http://127.0.0.1:\(port)/items/\(id)", timeout: .seconds(5))
                #expect(String(decoding: answer.body, as: UTF8.self) == #"{"id":"\#(id)"}"#)
            }
            #expect(server.openConnections == 1)
        }
    }

    @Test("a kept connection the server closed meanwhile is not used: the call goes out on a new one")
    func serverClosedKeptConnection() throws {
        try withServer(.loopback(idleTimeout: .milliseconds(200))) { server, port in
            let client = HTTPClient(keepAlive: 4)
            #expect(try client.send(method: "POST", url: "http://127.0.0.1:\(port)/echo", body: Array("a".utf8), timeout: .seconds(5)).status == 200)
            #expect(eventually { server.openConnections == 0 })
            let again = try client.send(method: "POST", url: "http://127.0.0.1:\(port)/echo", body: Array("b".utf8), timeout: .seconds(5))
            #expect(again.body == Array("b".utf8))
        }
    }

    @Test("without keepAlive each call closes its connection")
    func noKeepAlive() throws {
        try withServer { server, port in
            _ = try HTTPClient().send(method: "GET", url: "http://127.0.0.1:\(port)/", timeout: .seconds(5))
            #expect(eventually { server.openConnections == 0 })
        }
    }
}
