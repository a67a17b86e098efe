import Foundation
import HTTP
import Synchronization
import Testing
import TestSupport

@Suite("Gateway replicas", .serialized)
struct ReplicaTests {
    private final class Flag: Sendable {
        let atomic = Atomic<Bool>(true)
    }

    /// Answers /readyz as `isReady` says, and everything else with its own name.
    private final class Replica: Sendable {
        let name: String
        private let flag = Flag()
        let upstream: RecordingUpstream
        init(_ name: String) throws {
            self.name = name
            let flag = flag
            upstream = try RecordingUpstream { request in
                if request.path == "/readyz" { return flag.atomic.load(ordering: .relaxed) ? .json(["status": "UP"]) : .json(["status": "DOWN"], status: 503) }
                return .text(name)
            }
        }
        func setReady(_ ready: Bool) { flag.atomic.store(ready, ordering: .relaxed) }
        var served: Int { upstream.requests.filter { $0.path != "/readyz" }.count }
    }

    @Test("requests are spread over the replicas of a route, round-robin")
    func roundRobin() throws {
        let (a, b) = (try Replica("a"), try Replica("b"))
        let gateway = try GatewayProcess(routes: "/things=\(a.upstream.url)|\(b.upstream.url)")
        let answers = try (0..<10).map { _ in try gateway.send("GET", "/things/1").text }
        #expect(answers.filter { $0 == "a" }.count == 5 && answers.filter { $0 == "b" }.count == 5, "\(answers)")
    }

    @Test("a replica that fails /readyz gets no requests until it passes again")
    func notReady() throws {
        let (a, b) = (try Replica("a"), try Replica("b"))
        let gateway = try GatewayProcess(routes: "/things=\(a.upstream.url)|\(b.upstream.url)", environment: ["READINESS_INTERVAL_MS": "100"])
        a.setReady(false)
        try eventually("the gateway has asked a's /readyz since it failed") { a.upstream.requests.filter { $0.path == "/readyz" }.count >= 3 }
        let before = a.served
        let answers = try (0..<10).map { _ in try gateway.send("GET", "/things/1").text }
        #expect(answers == Array(repeating: "b", count: 10))
        #expect(a.served == before)
        a.setReady(true)
        try eventually("a gets requests again") {
            _ = try gateway.send("GET", "/things/1")
            return a.served > before
        }
    }

    @Test("a replica whose port closed costs no request: the gateway, which sent nothing, tries the next one")
    func closedReplica() throws {
        let b = try Replica("b")
        let closed = "http://127.0.0.1:\(try freePort())"
        // A long interval: the gateway still believes the closed one ready.
        let gateway = try GatewayProcess(routes: "/things=\(closed)|\(b.upstream.url)", environment: ["READINESS_INTERVAL_MS": "60000"])
        let statuses = try (0..<10).map { _ in try gateway.send("POST", "/things", body: "{}").status }
        #expect(statuses == Array(repeating: 200, count: 10))
        #expect(b.served == 10)
    }

    @Test("with every replica gone the answer is the 502 of the last one tried")
    func allGone() throws {
        let (one, two) = ("http://127.0.0.1:\(try freePort())", "http://127.0.0.1:\(try freePort())")
        let gateway = try GatewayProcess(routes: "/things=\(one)|\(two)")
        let response = try gateway.send("GET", "/things")
        #expect(response.status == 502)
        #expect((response.json["detail"] as? String)?.hasSuffix("(/things) cannot be reached") == true)
    }
}
