import HTTP
import Testing
import TestSupport

/// `probe`, the image's health check: what docker-compose's `healthcheck` runs in a container.
@Suite("probe")
struct ProbeTests {
    @Test("exits 0 on a 2xx answer, 1 on any other answer or none, 2 on a usage mistake")
    func exitCodes() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            request.path == "/readyz" ? .text("ready") : .text("starting", status: 503)
        }
        let port = try server.start()
        defer { _ = server.shutdown(gracePeriod: .seconds(1)) }
        let closed = try freePort()

        #expect(try runTool("probe", ["http://127.0.0.1:\(port)/readyz"]).status == 0)
        let refused = try runTool("probe", ["http://127.0.0.1:\(port)/healthz"])
        #expect(refused.status == 1 && refused.stderr.contains("answered 503"), "\(refused)")
        #expect(try runTool("probe", ["http://127.0.0.1:\(closed)/readyz"]).status == 1)
        #expect(try runTool("probe", []).status == 2)
        #expect(try runTool("probe", ["127.0.0.1:\(port)"]).status == 2)
    }
}
