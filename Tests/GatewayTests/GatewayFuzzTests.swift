import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Gateway fuzzing", .serialized)
struct GatewayFuzzTests {
    /// What the gateway may answer a fuzzed request: the service's answers, and every refusal the
    /// parser or the gateway makes. Never a 5xx: a 502 would mean it forwarded something the
    /// service framed differently, a 500 a crash in a handler.
    private static let expectedStatuses: Set<Int> = [100, 200, 400, 404, 405, 413, 414, 431, 501, 505]

    private func descriptors(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test("2000 random and mutated requests get only well-formed answers, no 5xx, and the gateway keeps no socket")
    func fuzz() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/items=\(upstream.url),/echo=\(upstream.url),/no-content=\(upstream.url)")
        let baseline = descriptors(of: gateway.process.pid)
        var fuzzer = RequestFuzzer(seed: 0x6A7E_2026)
        var statuses: [Int: Int] = [:]
        for index in 0..<2000 {
            let input = fuzzer.next()
            let connection = try RawConnection(port: gateway.port)
            connection.send(input)
            connection.finishSending()
            let reply = connection.readUntilClosed(timeout: .seconds(10))
            guard !reply.isEmpty else { continue }   // incomplete requests get no answer
            let status = reply.count >= 12 && reply.starts(with: "HTTP/1.1 ".utf8) ? Int(String(decoding: reply[9..<12], as: UTF8.self)) : nil
            statuses[status ?? 0, default: 0] += 1
            if status.map(Self.expectedStatuses.contains) != true {
                Issue.record("case \(index): \(String(decoding: reply.prefix(200), as: UTF8.self)) for \(String(decoding: input, as: UTF8.self))")
            }
        }
        #expect(statuses[200, default: 0] > 30, "\(statuses)")
        #expect(statuses[400, default: 0] > 400, "\(statuses)")
        #expect(gateway.process.isRunning)
        #expect(try gateway.send("GET", "/items/1").status == 200)
        // Kept connections to the service may stay open (at most 64); none to clients.
        try eventually("the gateway holds at most its 64 kept upstream connections beyond the \(baseline) descriptors it started with",
                       timeout: .seconds(10)) { descriptors(of: gateway.process.pid) <= baseline + 64 }
    }
}
