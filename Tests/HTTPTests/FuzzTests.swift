import HTTP
import TestSupport
import Testing

@Suite("Fuzzing")
struct FuzzTests {
    /// Statuses a fuzzed request may get: answers from the routes, 100 Continue, and every refusal
    /// the parser makes. 408 is not among them: each client finishes sending before it reads, so
    /// the server never has to wait for a deadline; and never a 500.
    private static let expectedStatuses: Set<Int> = [100, 200, 204, 400, 404, 405, 413, 414, 431, 501, 505]

    /// The status of the reply's first response, if it starts with a well-formed status line.
    private func firstStatus(_ reply: [UInt8]) -> Int? {
        guard reply.count >= 13, reply.starts(with: "HTTP/1.1 ".utf8), reply[12] == UInt8(ascii: " ") else { return nil }
        return Int(String(decoding: reply[9..<12], as: UTF8.self))
    }

    @Test("5000 random and mutated requests get only well-formed answers, and leave no connection or socket behind")
    func fuzz() throws {
        var configuration = HTTPServerConfiguration.loopback()
        configuration.maxBodyBytes = 64 * 1024
        try withServer(configuration) { server, port in
            let baseline = openSocketCount(port: port)
            #expect(baseline == 1, "the listener alone")
            var fuzzer = RequestFuzzer(seed: 0x5EED_2025)
            var statuses: [Int: Int] = [:]
            for index in 0..<5000 {
                let input = fuzzer.next()
                let connection = try RawConnection(port: port)
                connection.send(input)
                connection.finishSending()
                let reply = connection.readUntilClosed(timeout: .seconds(10))
                guard !reply.isEmpty else { continue }  // incomplete requests get no answer
                let status = firstStatus(reply)
                statuses[status ?? 0, default: 0] += 1
                if status.map(Self.expectedStatuses.contains) != true {
                    Issue.record("case \(index): \(String(decoding: reply.prefix(100), as: UTF8.self)) for \(input)")
                }
            }
            // Both sides of the parser were exercised, not just one.
            #expect(statuses[200, default: 0] > 200, "\(statuses)")
            #expect(statuses[400, default: 0] > 1000, "\(statuses)")

            do {
                let connection = try RawConnection(port: port)
                connection.send("GET /items/1 HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(connection.readResponse()?.status == 200)
            }
            #expect(eventually { server.openConnections == 0 })
            #expect(eventually { openSocketCount(port: port) == baseline })
        }
    }
}
