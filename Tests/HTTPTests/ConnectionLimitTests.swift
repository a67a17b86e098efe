import Foundation
import HTTP
import TestSupport
import Testing

@Suite("Connection limit")
struct ConnectionLimitTests {
    @Test("a connection over maxConnections gets a 503 problem with Retry-After and is closed")
    func overCapacity() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.maxConnections = 2
        try withServer(configuration) { server, port in
            var held = [try RawConnection(port: port), try RawConnection(port: port)]
            #expect(eventually { server.openConnections == 2 })

            let refused = try RawConnection(port: port)
            let response = try #require(refused.readResponse())
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == "1")
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(refused.isClosedByServer())
            #expect(server.openConnections == 2)

            held.removeFirst()
            #expect(eventually { server.openConnections == 1 })
            let admitted = try RawConnection(port: port)
            admitted.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(admitted.readResponse()?.status == 200)
            withExtendedLifetime(held) {}
        }
    }

    @Test("at the limit, a connection idle between requests makes room for a new client")
    func idleConnectionsAreShed() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.maxConnections = 2
        try withServer(configuration) { server, port in
            let kept = [try RawConnection(port: port), try RawConnection(port: port)]
            for connection in kept {
                connection.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(connection.readResponse()?.status == 200)
            }

            let newcomer = try RawConnection(port: port)
            newcomer.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(newcomer.readResponse()?.status == 200)
            #expect(kept.filter { $0.isClosedByServer(within: .seconds(2)) }.count == 1, "one idle connection made room")
            #expect(eventually { server.openConnections == 2 })
        }
    }

    @Test("a client refused at the limit because every connection is busy reads its 503, its request sent in full")
    func refusedClientReadsItsAnswer() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.maxConnections = 1
        let release = DispatchSemaphore(value: 0)
        let router = Router()
        router.add("GET", "/slow") { _ in
            release.wait()
            release.signal()
            return .text("done")
        }
        try withServer(configuration, handler: router.handle) { server, port in
            let busy = try RawConnection(port: port)
            busy.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(eventually { server.openConnections == 1 })

            for _ in 0..<20 {
                let refused = try RawConnection(port: port)
                refused.send("POST /slow HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "x", count: 5000))
                #expect(refused.readResponse()?.status == 503)
            }
            release.signal()
            #expect(busy.readResponse()?.text == "done")
        }
    }
}
