import Foundation
import HTTP
import TestSupport
import Testing

@Suite("Timeouts")
struct TimeoutTests {
    /// Starts a head, then sends one more byte of it every 50 ms for up to 7 s: each arrives long
    /// before any per-read timeout would fire, so only an absolute deadline stops it. The answer
    /// the server gave meanwhile, if any.
    private static func trickleHead(on connection: RawConnection) -> RawResponse? {
        connection.send("GET / HTTP/1.1\r\nHost: test\r\n")
        for byte in String(repeating: "X-Slow: drip\r\n", count: 10).utf8 {
            guard connection.send([byte]) else { return nil }
            if let response = connection.readResponse(timeout: .milliseconds(50)) { return response }
        }
        return nil
    }

    @Test("a head trickled a byte at a time (slowloris) gets a 408 at the head deadline, not later")
    func slowloris() throws {
        try withServer(.loopback(headTimeout: .milliseconds(500))) { _, port in
            let started = ContinuousClock.now
            let connection = try RawConnection(port: port)
            let response = Self.trickleHead(on: connection)
            let elapsed = started.duration(to: .now)
            #expect(response?.status == 408)
            #expect(response?.headers["Connection"] == "close")
            #expect(elapsed >= .milliseconds(450) && elapsed < .milliseconds(1500), "answered after \(elapsed)")
            #expect(connection.isClosedByServer())
        }
    }

    @Test("the next head on a kept-alive connection is due within headTimeout of its first byte, not the idle timeout")
    func slowlorisAfterARequest() throws {
        try withServer(.loopback(headTimeout: .milliseconds(500), idleTimeout: .seconds(5))) { _, port in
            let connection = try RawConnection(port: port)
            connection.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
            let started = ContinuousClock.now
            let response = Self.trickleHead(on: connection)
            let elapsed = started.duration(to: .now)
            #expect(response?.status == 408)
            #expect(elapsed >= .milliseconds(450) && elapsed < .milliseconds(1500), "answered after \(elapsed)")
        }
    }

    @Test("a connection that never sends a byte is closed at the head deadline, without an answer")
    func silentConnection() throws {
        try withServer(.loopback(headTimeout: .milliseconds(300))) { _, port in
            let connection = try RawConnection(port: port)
            #expect(connection.isClosedByServer(within: .seconds(3)))
        }
    }

    @Test("a body that stops arriving gets a 408 at the body deadline")
    func slowBody() throws {
        try withServer(.loopback(bodyTimeout: .milliseconds(300))) { _, port in
            let connection = try RawConnection(port: port)
            let started = ContinuousClock.now
            connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc")
            let response = try #require(connection.readResponse(timeout: .seconds(3)))
            let elapsed = started.duration(to: .now)
            #expect(response.status == 408)
            #expect(elapsed >= .milliseconds(250) && elapsed < .milliseconds(1500), "answered after \(elapsed)")
            #expect(connection.isClosedByServer())
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleKeepAlive() throws {
        try withServer(.loopback(idleTimeout: .milliseconds(300))) { server, port in
            let connection = try RawConnection(port: port)
            connection.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
            let idleSince = ContinuousClock.now
            #expect(connection.isClosedByServer(within: .seconds(3)))
            let idle = idleSince.duration(to: .now)
            #expect(idle >= .milliseconds(250) && idle < .milliseconds(1500), "closed after \(idle)")
            #expect(eventually { server.openConnections == 0 })
        }
    }

    @Test("a client that stops reading a large response is cut off at the send deadline")
    func sendTimeout() throws {
        let large = HTTPResponse(status: 200, body: [UInt8](repeating: 0x61, count: 8 << 20))
        try withServer(.loopback(sendTimeout: .milliseconds(300)), handler: { _ in large }) { server, port in
            // A tiny receive buffer, never read: the server's send blocks once its own buffer is full.
            let connection = try RawConnection(port: port, receiveBufferSize: 4096)
            let started = ContinuousClock.now
            withExtendedLifetime(connection) {
                connection.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(eventually { server.openConnections == 1 })
                #expect(eventually(within: .seconds(3)) { server.openConnections == 0 })
            }
            let elapsed = started.duration(to: .now)
            #expect(elapsed >= .milliseconds(250), "closed after \(elapsed)")
        }
    }
}
