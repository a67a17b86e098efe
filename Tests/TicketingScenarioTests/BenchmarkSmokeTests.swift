import Foundation
import Testing
import TestSupport

/// The benchmarks are programs (bench/run runs them in release for BENCHMARKS.md); here a short
/// run of each shows that they still build, drive the system and measure what they say.
@Suite("Benchmarks: a short run of each completes", .serialized)
struct BenchmarkSmokeTests {
    /// One run of a benchmark script on this build's executables, as it is, without setting up or building.
    private static func script(_ path: String, _ environment: [String: String], timeout: Duration = .seconds(120)) throws -> CommandRun {
        try CommandRun(ProjectPaths.root.appendingPathComponent(path).path, [],
                       environment: environment.merging(["BENCH_BIN": ProjectPaths.products.path, "BENCH_RUNS": "1"]) { given, _ in given },
                       timeout: timeout)
    }

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
        #expect(footprint.status == 0 && footprint.stdout.hasPrefix("ready_ms=") && footprint.stdout.contains(" rss_idle_mb=")
                && footprint.stdout.contains(" private_idle_mb="), "\(footprint)")
    }

    @Test("bench-saga consume times a service applying waiting events and relaying its own, against kcat and bare librdkafka")
    func consume() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let run = try runTool("bench-saga", ["consume", "--executable", try ProjectPaths.executable("ticketing-show"),
                                             "--broker", broker.bootstrapServers, "--events", "20000"], timeout: .seconds(180))
        #expect(run.status == 0, "\(run)")
        let figures = run.stdout.split(separator: " ").compactMap { field -> (Substring, Double)? in
            let parts = field.split(separator: "=")
            guard parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
            return (parts[0], value)
        }
        #expect(figures.map(\.0) == ["shows", "partitions", "replicas", "consumed_per_s", "relayed_per_s", "rss_peak_mb",
                                     "kcat_read_per_s", "raw_read_per_s", "raw_produced_per_s"], "\(run)")
        #expect(figures.allSatisfy { $0.1 > 0 }, "\(run)")
    }

    @Test("bench/scale.sh measures replicas in one group sharing a database, on SQLite and on PostgreSQL")
    func scale() throws {
        let run = try Self.script("bench/scale.sh", ["BENCH_SCALE_EVENTS": "200", "BENCH_SCALE_REPLICAS": "2"], timeout: .seconds(180))
        #expect(run.status == 0, "\(run)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| replicas") }
        #expect(rows.count == 1, "\(run)")
        let cells = rows.first?.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        #expect(cells.count == 5 && cells[0] == "2" && (Double(cells[1].prefix { $0 != " " }) ?? 0) > 0
                && (Double(cells[3].prefix { $0 != " " }) ?? 0) > 0, "\(run)")
    }

    @Test("bench/http.sh measures the show service, the gateway and nginx on the same bytes, with no failed request")
    func http() throws {
        let run = try Self.script("bench/http.sh", ["BENCH_HTTP_SECONDS": "1"])
        #expect(run.status == 0, "\(run)")
        let rows = run.rows.dropFirst()  // the Markdown separator
        #expect(rows.count == 3, "\(run)")
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count == 4 && (Double(cells[1].prefix { $0 != " " }) ?? 0) > 0 && cells[3] == "0", "\(row)")
        }
    }

    @Test("bench/storage.sh measures writes on SQLite and on PostgreSQL")
    func storage() throws {
        let run = try Self.script("bench/storage.sh", ["BENCH_STORAGE_SECONDS": "1"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("SQLite      POST /entries: ") && run.stdout.contains("ratio PostgreSQL / SQLite: "), "\(run)")
    }
}
