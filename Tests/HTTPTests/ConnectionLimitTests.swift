import Foundation
import HTTP
import TestSupport
import Testing

@Suite("Connection limit")
struct ConnectionLimitTests {
    @Test("a slow-loris flood cannot hold every slot: the connection sending its first head the longest makes room")
    func slowLoris() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.maxConnections = 10
        try withServer(configuration) { server, port in
            var trickling: [RawConnection] = []
            // A real slow loris sends a byte now and then for minutes; here each has a few
            // milliseconds, enough for the server to read what it sent.
            for _ in 0..<100 {
                let connection = try RawConnection(port: port)
                connection.send("GET / HTTP/1.1\r\nHost: test\r\nX-Slow: ")
                trickling.append(connection)
                Thread.sleep(forTimeInterval: 0.005)
            }
            #expect(eventually { server.openConnections <= 10 })

            let client = try RawConnection(port: port)
            client.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
            #expect(trickling.first?.isClosedByServer(within: .seconds(2)) == true, "the oldest went first")
            let shed = trickling.filter { $0.isClosedByServer(within: .milliseconds(200)) }.count
            #expect(shed >= 85, "\(shed) of 100 trickling connections were shed")
            withExtendedLifetime(trickling) {}
        }
    }

    @Test("1,000 slow-loris connections at the default limit of 512 do not keep another client from being served")
    func thousandSlowLoris() throws {
        try raiseOpenFileLimit(to: 4096)
        try withServer { server, port in
            var trickling: [RawConnection] = []
            for _ in 0..<1000 {
                let connection = try RawConnection(port: port)
                connection.send("GET / HTTP/1.1\r\nHost: test\r\nX-Slow: ")
                trickling.append(connection)
            }
            #expect(eventually { server.openConnections <= 512 })
            let started = ContinuousClock.now
            let client = try RawConnection(port: port)
            client.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
            #expect(ContinuousClock.now - started < .seconds(1), "served after \(ContinuousClock.now - started)")
            withExtendedLifetime(trickling) {}
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
                let response = try #require(refused.readResponse())
                #expect(response.status == 503)
                #expect(response.headers["Retry-After"] == "1")
                #expect(response.headers["Content-Type"] == "application/problem+json")
                #expect(refused.isClosedByServer())
            }
            release.signal()
            #expect(busy.readResponse()?.text == "done")
        }
    }
}

/// Two thousand sockets (each end of a thousand connections) need more than the usual soft limit of 1,024.
private func raiseOpenFileLimit(to wanted: rlim_t) throws {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw TestFailure(description: "getrlimit failed") }
    guard limit.rlim_cur < wanted else { return }
    guard limit.rlim_max >= wanted else { throw TestFailure(description: "the hard limit on open files is \(limit.rlim_max), under \(wanted)") }
    limit.rlim_cur = wanted
    guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw TestFailure(description: "setrlimit failed") }
}
