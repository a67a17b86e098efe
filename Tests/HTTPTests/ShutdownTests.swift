import Foundation
import Glibc
import HTTP
import Synchronization
import TestSupport
import Testing

@Suite("Shutdown")
struct ShutdownTests {
    /// A handler for `/slow` that takes `delay`; `entered` turns true when it starts.
    private final class SlowHandler: Sendable {
        let delay: Duration
        private let started = Atomic<Bool>(false)

        init(delay: Duration) {
            self.delay = delay
        }

        var entered: Bool { started.load(ordering: .acquiring) }

        func handle(_ request: HTTPRequest) -> HTTPResponse {
            if request.path == "/slow" {
                started.store(true, ordering: .releasing)
                Thread.sleep(forTimeInterval: delay.timeInterval)
                return .text("done")
            }
            return .text("fast")
        }
    }

    @Test("shutdown lets an in-flight request finish with Connection: close, closes idle connections, then returns true")
    func graceful() throws {
        let slow = SlowHandler(delay: .milliseconds(300))
        let server = HTTPServer(configuration: .loopback(), handler: slow.handle)
        let port = try server.start()

        let idle = try RawConnection(port: port)
        idle.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(idle.readResponse()?.text == "fast")

        let inFlight = try RawConnection(port: port)
        inFlight.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(eventually { slow.entered })

        let started = ContinuousClock.now
        let drained = Background { server.shutdown(gracePeriod: .seconds(5)) }
        let response = try #require(inFlight.readResponse())
        #expect(response.status == 200)
        #expect(response.text == "done")
        #expect(response.headers["Connection"] == "close")
        #expect(inFlight.isClosedByServer())
        #expect(idle.isClosedByServer())

        #expect(eventually { drained.result != nil })
        #expect(drained.result == true)
        #expect(started.duration(to: .now) < .seconds(3))
        #expect(server.openConnections == 0)
        #expect(throws: TestFailure.self) { try RawConnection(port: port) }
    }

    @Test("shutdown returns false when a request outlives the grace period")
    func graceExceeded() throws {
        let slow = SlowHandler(delay: .seconds(1))
        let server = HTTPServer(configuration: .loopback(), handler: slow.handle)
        let port = try server.start()
        let inFlight = try RawConnection(port: port)
        inFlight.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(eventually { slow.entered })

        let started = ContinuousClock.now
        #expect(server.shutdown(gracePeriod: .milliseconds(100)) == false)
        #expect(started.duration(to: .now) < .milliseconds(800))
        #expect(server.openConnections == 1)
        // The request still completes; the server only stopped waiting for it.
        #expect(inFlight.readResponse()?.text == "done")
        #expect(eventually { server.openConnections == 0 })
    }

    @Test("after stopAccepting new connections are refused while open ones are still served")
    func stopAccepting() throws {
        try withServer { server, port in
            let open = try RawConnection(port: port)
            open.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(open.readResponse()?.status == 200)

            server.stopAccepting()
            do throws(TestFailure) {
                _ = try RawConnection(port: port)
                Issue.record("a connection was accepted after stopAccepting")
            } catch {
                #expect(error.description.contains("errno \(ECONNREFUSED)"))
            }
            open.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(open.readResponse()?.text == "hello")
        }
    }
}
