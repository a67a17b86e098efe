import Foundation
import HTTP
import Synchronization
import Testing
import TestSupport

@Suite("Gateway configuration and shutdown", .serialized)
struct LifecycleTests {
    @Test("invalid configuration stops the gateway at start with one line on stderr and exit status 2",
          arguments: [
              ([:], "gateway: ROUTES is required"),
              (["ROUTES": "bookings=http://127.0.0.1:8081"], "gateway: ROUTES: prefix 'bookings' must start with /"),
              (["ROUTES": "/bookings=https://127.0.0.1:8081"], "gateway: ROUTES: 'https://127.0.0.1:8081' for /bookings is not an http://host:port URL"),
              (["ROUTES": "/bookings=http://127.0.0.1"], "gateway: ROUTES: 'http://127.0.0.1' for /bookings is not an http://host:port URL"),
              (["ROUTES": "/bookings"], "gateway: ROUTES: '/bookings' is not prefix=http://host:port"),
              (["ROUTES": "/a=http://127.0.0.1:1,/a=http://127.0.0.1:2"], "gateway: ROUTES: prefix /a is given twice"),
              (["ROUTES": "/a=http://127.0.0.1:1|http://127.0.0.1:1/"], "gateway: ROUTES: http://127.0.0.1:1 is given twice for /a"),
              (["ROUTES": "/a=http://127.0.0.1:1|"], "gateway: ROUTES: '' for /a is not an http://host:port URL"),
              (["ROUTES": "/a=http://127.0.0.1:1", "READINESS_INTERVAL_MS": "5"], "gateway: READINESS_INTERVAL_MS=5 is not a whole number in 50...60000"),
              (["ROUTES": "/a=http://127.0.0.1:1", "UPSTREAM_TIMEOUT_MS": "soon"], "gateway: UPSTREAM_TIMEOUT_MS=soon is not a whole number"),
          ])
    func invalidConfiguration(environment: [String: String], message: String) throws {
        let run = try gatewayRun(environment: environment)

        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix(message), "stderr: \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test("SIGTERM lets the in-flight request finish, refuses new connections and exits 0")
    func gracefulShutdown() throws {
        let upstream = try RecordingUpstream { _ in
            Thread.sleep(forTimeInterval: 1)
            return .text("finished")
        }
        let gateway = try GatewayProcess(routes: "/slow=\(upstream.url)")

        let inFlight = Mutex<HTTPClientResponse?>(nil)
        let request = Thread { [gateway] in
            let response = try? gateway.send("GET", "/slow")
            inFlight.withLock { $0 = response }
        }
        request.start()
        try eventually("the request reached the service", timeout: .seconds(5), interval: .milliseconds(10)) {
            !upstream.requests.isEmpty
        }
        kill(gateway.process.pid, SIGTERM)
        try eventually("the gateway stops accepting", timeout: .seconds(5), interval: .milliseconds(10)) {
            !isListening(port: gateway.port)
        }

        #expect(gateway.process.waitForExit(timeout: .seconds(10)))
        #expect(gateway.process.exitStatus == 0)
        let response = try #require(inFlight.withLock { $0 }, "the in-flight request got no answer")
        #expect(response.status == 200)
        #expect(response.text == "finished")
    }
}
