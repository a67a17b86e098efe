import Foundation
import HTTP
import TestSupport
import Testing

/// The server's threads: idle connections hold none, and a handler waiting on another service
/// through `HTTPClient` does not hold one that others need.
@Suite("Server threads", .serialized)
struct ThreadingTests {
    /// The server's own threads (named `http-<port>`), not those of tests running beside it.
    private static func threadCount(port: Int) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines) == "http-\(port)"
        }.count
    }

    @Test("200 idle keep-alive connections hold no thread each, and another client is still served")
    func idleConnectionsHoldNoThread() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.threads = 4
        try withServer(configuration) { server, port in
            var idle: [RawConnection] = []
            for _ in 0..<200 {
                let connection = try RawConnection(port: port)
                connection.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(connection.readResponse()?.status == 200)
                idle.append(connection)
            }
            #expect(server.openConnections == 200)
            let threads = Self.threadCount(port: port)
            #expect(threads > 0 && threads <= configuration.threads, "\(threads) threads serve 200 connections")

            let other = try RawConnection(port: port)
            other.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(other.readResponse()?.text == "hello")
            withExtendedLifetime(idle) {}
        }
    }

    @Test("with one thread, a handler waiting on an upstream does not keep another request waiting")
    func blockedHandlerFreesItsTurn() throws {
        let slowUpstream = Router()
        slowUpstream.add("GET", "/slow") { _ in
            Thread.sleep(forTimeInterval: 1)
            return .text("slow")
        }
        try withServer(handler: slowUpstream.handle) { _, upstreamPort in
            let client = HTTPClient()
            let router = Router()
            router.add("GET", "/call") { _ in
                let answer = try client.send(method: "GET", url: "http://127.0.0.1:\(upstreamPort)/slow", timeout: .seconds(5))
                return .text(String(decoding: answer.body, as: UTF8.self))
            }
            router.add("GET", "/fast") { _ in .text("fast") }
            var configuration = HTTPServerConfiguration.loopback()
            configuration.threads = 1
            try withServer(configuration, handler: router.handle) { _, port in
                let calling = try RawConnection(port: port)
                calling.send("GET /call HTTP/1.1\r\nHost: test\r\n\r\n")
                Thread.sleep(forTimeInterval: 0.1)
                let started = ContinuousClock.now
                let other = try RawConnection(port: port)
                other.send("GET /fast HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(other.readResponse()?.text == "fast")
                #expect(started.duration(to: .now) < .milliseconds(700), "the fast request waited for the slow one")
                #expect(calling.readResponse()?.text == "slow")
            }
        }
    }

    @Test("with one thread, the start of a pipelined head waits for its rest without holding the thread")
    func partialPipelinedHead() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.threads = 1
        try withServer(configuration) { _, port in
            let pipelining = try RawConnection(port: port)
            pipelining.send("GET / HTTP/1.1\r\nHost: test\r\n\r\nGET / HT")
            #expect(pipelining.readResponse()?.text == "hello")
            let started = ContinuousClock.now
            let other = try RawConnection(port: port)
            other.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(other.readResponse()?.text == "hello")
            #expect(started.duration(to: .now) < .milliseconds(700), "the other client waited for the partial head")
            pipelining.send("TP/1.1\r\nHost: test\r\n\r\n")
            #expect(pipelining.readResponse()?.text == "hello")
        }
    }
}
