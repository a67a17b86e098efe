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
}
