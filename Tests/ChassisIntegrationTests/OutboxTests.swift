import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Transactional outbox", .serialized)
struct OutboxTests {
    @Test("events recorded while the broker is down are delivered, in order, once it is back", arguments: StorageEngine.allCases)
    func brokerOutage(engine: StorageEngine) throws {
        let dir = try ProjectPaths.temporaryDirectory("outbox-outage")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir,
                                        database: try .new(engine, name: "ledger", in: dir))
        try ledger.start()
        for i in 1...3 { try ledger.recordEntry(account: "acc", amount: i) }
        try eventually("the first 3 entries take effect") { try ledger.effects().count == 3 }

        broker.stop()
        // Kafka being down never fails a request: the outbox keeps the events.
        var recorded: [Int] = []
        for i in 1...20 { recorded.append(try ledger.recordEntry(account: "acc", amount: i)) }
        #expect(try ledger.metric("outbox_backlog") >= 0)

        // Tansu keeps its log in memory: the broker comes back empty, on the same address.
        try broker.start()
        try eventually("all 23 entries take effect after the broker is back", timeout: .seconds(90)) {
            try ledger.effects().count >= 23
        }
        let effects = try ledger.effects()
        #expect(duplicates(effects).isEmpty)
        let order = effects.map(\.entryId).filter { recorded.contains($0) }
        #expect(order == recorded, "one account's events keep their order")
        #expect(ledger.stop() == 0)
    }

    @Test("SIGTERM finishes accepted requests and publishes every outbox row before exiting 0", arguments: StorageEngine.allCases)
    func gracefulShutdown(engine: StorageEngine) throws {
        let dir = try ProjectPaths.temporaryDirectory("outbox-sigterm")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir,
                                        database: try .new(engine, name: "ledger", in: dir))
        try ledger.start()
        try ledger.waitForPartitions()

        // Requests race the SIGTERM: every one that got its 201 must reach Kafka.
        let accepted = LockedList<Int>()
        let group = DispatchGroup()
        for worker in 0..<4 {
            DispatchQueue.global().async(group: group) {
                for i in 0..<50 {
                    guard let id = try? ledger.recordEntry(account: "w\(worker)", amount: i) else { return }
                    accepted.append(id)
                }
            }
        }
        try eventually("some requests accepted") { accepted.count >= 20 }
        let status = ledger.stop()
        group.wait()
        #expect(status == 0)
        #expect(accepted.count >= 20)

        let rows = try ledger.database.count("SELECT COUNT(*) AS n FROM outbox")
        #expect(rows == 0, "the outbox was drained before exit")

        // The events are on the topic: the restarted service's policy sees every accepted entry.
        try ledger.start()
        try eventually("every accepted entry took effect", timeout: .seconds(60)) {
            Set(try ledger.effects().map(\.entryId)).isSuperset(of: accepted.values)
        }
        #expect(duplicates(try ledger.effects()).isEmpty)
        ledger.stop()
    }

    /// Kubernetes kills a pod that outlives its grace period: the whole shutdown (HTTP drain,
    /// consumer close, outbox drain) must fit in SHUTDOWN_GRACE_SECONDS, even with no broker to
    /// commit to or publish to.
    @Test("SIGTERM with the broker gone exits within the one shutdown budget, and the unsent event is published after restart")
    func shutdownBudgetWithoutBroker() throws {
        let dir = try ProjectPaths.temporaryDirectory("shutdown-budget")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir, environment: ["SHUTDOWN_GRACE_SECONDS": "6"])
        try ledger.start()
        try ledger.waitForPartitions()
        broker.stop()
        let pending = try ledger.recordEntry(account: "acc", amount: 1)   // waits in the outbox

        let started = ContinuousClock.now
        let status = ledger.stop()
        let took = ContinuousClock.now - started
        #expect(status == 0)
        #expect(took < .seconds(7.5), "SIGTERM to exit took \(took) with a budget of 6 s:\n\(ledger.log.suffix(2000))")
        #expect(try ledger.database.count("SELECT COUNT(*) AS n FROM outbox") == 1, "kept for the next start")

        try broker.start()
        try ledger.start()
        try eventually("the kept event is published and takes effect after the restart", timeout: .seconds(60)) {
            try ledger.effects().map(\.entryId).contains(pending)
        }
        ledger.stop()
    }

    @Test("an event kept in the outbox across a restart continues the trace of the request that recorded it")
    func traceAcrossRestart() throws {
        let collector = try TraceCollector()
        defer { collector.stop() }
        let dir = try ProjectPaths.temporaryDirectory("outbox-trace")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir,
                                        environment: collector.environment.merging(["SHUTDOWN_GRACE_SECONDS": "4"]) { _, own in own })
        try ledger.start()
        try ledger.waitForPartitions()
        broker.stop()
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        let recorded = try HTTPClient().send(method: "POST", url: ledger.baseURL + "/entries", headers: [
            "Content-Type": "application/json", "traceparent": "00-\(trace)-00f067aa0ba902b7-01",
        ], body: Array(#"{"account":"acc","amount":1}"#.utf8), timeout: .seconds(10))
        #expect(recorded.status == 201)
        #expect(ledger.stop() == 0)
        #expect(try ledger.database.count("SELECT COUNT(*) AS n FROM outbox") == 1, "kept for the next start")

        try broker.start()
        try ledger.start()
        try eventually("the kept event is processed after the restart, in the request's trace", timeout: .seconds(60)) {
            collector.spans.contains { $0.traceID == trace && $0.kind == 5 }
        }
        let spans = collector.spans.filter { $0.traceID == trace }
        let request = try #require(spans.first { $0.kind == 2 })
        let process = try #require(spans.first { $0.kind == 5 })
        let publish = try #require(spans.first { $0.spanID == process.parentSpanID }, "the publish the policy run hangs from")
        #expect(request.parentSpanID == "00f067aa0ba902b7" && request.name == "POST /entries")
        #expect(publish.parentSpanID == request.spanID, "published by the next process, as a child of the request")
        #expect(publish.kind == 4 && publish.statusCode != 2)
        ledger.stop()
    }
}

final class LockedList<T: Sendable>: @unchecked Sendable {
    private var items: [T] = []
    private let lock = NSLock()
    func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return items }
    var count: Int { values.count }
}

/// Runs a COUNT query with the sqlite3 command-line tool, outside the service process.
