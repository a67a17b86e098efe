import Chassis
import Foundation
import HTTP
import Synchronization
import Testing
import TestSupport

/// A real HTTP upstream on loopback whose behaviour the test switches.
private final class FlakyUpstream: Sendable {
    enum Mode { case ok, failing, slow }
    final class State: Sendable {
        let mode = Mutex(Mode.ok)
        let hits = Atomic<Int>(0)
    }
    let state = State()
    let server: HTTPServer
    let port: Int

    var mode: Mode {
        get { state.mode.withLock { $0 } }
        set { state.mode.withLock { $0 = newValue } }
    }
    var hits: Int { state.hits.load(ordering: .relaxed) }

    init() throws {
        var config = HTTPServerConfiguration()
        config.host = "127.0.0.1"
        server = HTTPServer(configuration: config) { [state] _ in
            state.hits.add(1, ordering: .relaxed)
            switch state.mode.withLock({ $0 }) {
            case .ok: return .json(["ok": true])
            case .failing: return .json(["ok": false], status: 500)
            case .slow:
                Thread.sleep(forTimeInterval: 0.3)
                return .json(["ok": true])
            }
        }
        port = try server.start()
    }

    deinit { _ = server.shutdown(gracePeriod: .seconds(2)) }
}

@Suite("Circuit breaker on a real HTTP upstream", .serialized)
struct UpstreamBreakerTests {
    private let config = CircuitBreakerConfiguration(
        slidingWindowSize: 4, minimumNumberOfCalls: 4, failureRateThreshold: 50, slowCallRateThreshold: 50,
        slowCallDurationThreshold: .milliseconds(150), waitDurationInOpenState: .milliseconds(500),
        permittedNumberOfCallsInHalfOpenState: 2)

    private func problem(_ body: () throws -> Void) -> Problem? {
        do { try body() } catch let p as Problem { return p } catch { return nil }
        return nil
    }

    @Test("failures open the breaker, which then fails fast with a 503 fallback, half-opens and closes again")
    func opensOnFailures() throws {
        let upstream = try FlakyUpstream()
        let metrics = Metrics()
        let client = Upstream(name: "flaky", baseURL: "http://127.0.0.1:\(upstream.port)", timeout: .seconds(2),
                              breaker: config, metrics: metrics)
        #expect(try client.call("GET", "/x").status == 200)

        upstream.mode = .failing
        for _ in 0..<3 { #expect(problem { _ = try client.call("GET", "/x") }?.status == 503) }
        #expect(client.breaker.state == .open)
        #expect(metrics.value(.circuitBreakerState, ["name": "flaky"]) == 1)

        // Open: the upstream is not called at all, the answer is immediate and says when to retry.
        let hitsBefore = upstream.hits
        let start = ContinuousClock.now
        let fastFailure = problem { _ = try client.call("GET", "/x") }
        #expect(ContinuousClock.now - start < .milliseconds(50))
        #expect(fastFailure?.status == 503)
        #expect(fastFailure?.headers["Retry-After"] == "1")
        #expect(fastFailure?.detail.contains("circuit breaker open") == true)
        #expect(upstream.hits == hitsBefore)

        upstream.mode = .ok
        try eventually("the breaker half-opens after its wait", timeout: .seconds(3)) { client.breaker.state == .halfOpen }
        #expect(metrics.value(.circuitBreakerState, ["name": "flaky"]) == 2)
        for _ in 0..<2 { #expect(try client.call("GET", "/x").status == 200) }
        #expect(client.breaker.state == .closed)
        #expect(metrics.value(.circuitBreakerState, ["name": "flaky"]) == 0)
    }

    @Test("slow calls open the breaker even when they succeed, and a failed probe opens it again")
    func opensOnSlowCalls() throws {
        let upstream = try FlakyUpstream()
        let client = Upstream(name: "slow", baseURL: "http://127.0.0.1:\(upstream.port)", timeout: .seconds(2), breaker: config)
        upstream.mode = .slow
        for _ in 0..<4 { #expect(try client.call("GET", "/x").status == 200) }
        #expect(client.breaker.state == .open)
        #expect(problem { _ = try client.call("GET", "/x") }?.status == 503)

        upstream.mode = .failing
        try eventually("the breaker half-opens", timeout: .seconds(3)) { client.breaker.state == .halfOpen }
        for _ in 0..<2 { _ = problem { _ = try client.call("GET", "/x") } }
        #expect(client.breaker.state == .open)
    }

    @Test("an upstream that does not answer in time fails within the deadline, not after")
    func deadline() throws {
        let upstream = try FlakyUpstream()
        upstream.mode = .slow
        let client = Upstream(name: "deadline", baseURL: "http://127.0.0.1:\(upstream.port)", timeout: .milliseconds(100), breaker: config)
        let start = ContinuousClock.now
        let failure = problem { _ = try client.call("GET", "/x") }
        #expect(ContinuousClock.now - start < .milliseconds(280))
        #expect(failure?.status == 503)
        #expect(failure?.detail.contains("timed out") == true)
    }

    @Test("an upstream with replicas (url|url) takes turns, and a replica whose port closed costs no call")
    func replicas() throws {
        let (a, b) = (try FlakyUpstream(), try FlakyUpstream())
        let closed = "http://127.0.0.1:\(try freePort())"
        let upstream = Upstream(name: "stock", baseURL: "http://127.0.0.1:\(a.port)|\(closed)|http://127.0.0.1:\(b.port)",
                                timeout: .seconds(2), breaker: config)
        for _ in 0..<9 { #expect(try upstream.call("GET", "/x").status == 200) }
        #expect(a.hits + b.hits == 9 && a.hits >= 3 && b.hits >= 3, "a \(a.hits), b \(b.hits)")
        #expect(upstream.breaker.state == .closed, "a closed replica is no failure")
    }
}
