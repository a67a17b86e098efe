import Testing
import TestSupport

/// The benchmarks are programs (bench/run runs them in release for BENCHMARKS.md); here a tiny
/// run of each shows that they still build, drive the system and measure what they say.
@Suite("Benchmarks: a tiny run of each completes", .serialized)
struct BenchmarkSmokeTests {
    @Test("bench-saga times sagas to Issuable through the gateway, messages across raw Kafka hops, and a service's start")
    func sagaAndChain() throws {
        let stack = try TicketingStack("bench-smoke")
        defer { stack.stop() }

        let saga = try runTool("bench-saga", ["saga", "--gateway", stack.gateway.baseURL, "--rate", "10", "--seconds", "2", "--sample", "2"],
                               timeout: .seconds(120))
        #expect(saga.status == 0, "\(saga)")
        #expect(saga.stdout.hasPrefix("count=10 ") && saga.stdout.contains("bookings=20 failures=0"), "\(saga)")

        let chain = try runTool("bench-saga", ["chain", "--broker", stack.broker.bootstrapServers, "--hops", "3", "--rate", "10", "--seconds", "2"],
                                timeout: .seconds(120))
        #expect(chain.status == 0 && chain.stdout.hasPrefix("count=20 "), "\(chain)")

        let footprint = try runTool("bench-saga", ["footprint", "--executable", try ProjectPaths.executable("ticketing-show"),
                                                   "--broker", stack.broker.bootstrapServers], timeout: .seconds(60))
        #expect(footprint.status == 0 && footprint.stdout.hasPrefix("ready_ms=") && footprint.stdout.contains(" rss_idle_mb="), "\(footprint)")
    }
}
