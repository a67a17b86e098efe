import Chassis
import Demo
import Foundation
import Kafka
import Testing
import TestSupport

@Suite("Consumer groups and the inbox", .serialized)
struct ConsumerGroupTests {
    @Test("consumer lag shows in /metrics while a slow policy falls behind, and returns to 0")
    func lagInMetrics() throws {
        let dir = try ProjectPaths.temporaryDirectory("lag")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir, environment: ["DEMO_PROCESSING_DELAY_MS": "300"])
        try ledger.start()
        try ledger.waitForPartitions()
        // Published straight to the topic, far faster than the policy's 300 ms each. Entries
        // posted to the ledger would not do: each waits for the write lock that the slow policy
        // holds, so they kept pace with it and the lag was often 0 whenever it was sampled. Each
        // event is sent alone, so it is its own batch: Tansu reports the log end as the last
        // batch's base offset + 1.
        let producer = try Producer(properties: broker.properties())
        for id in 1...20 { try producer.sendAndWait(try ledgerEvent(entryId: id)) }
        try eventually("lag is reported while the policy falls behind") {
            try ledger.metric(#"consumer_lag{topic="demo.ledger"}"#) > 0
        }
        try eventually("every entry takes effect", timeout: .seconds(60)) { try ledger.effects().count == 20 }
        try eventually("lag returns to 0") { try ledger.metric(#"consumer_lag{topic="demo.ledger"}"#) == 0 }
        #expect(ledger.stop() == 0)
    }

    @Test("replicas split the partitions and every event takes effect once, even when one is SIGKILLed mid-stream",
          arguments: [(StorageEngine.sqlite, 2), (.postgresql, 2), (.postgresql, 3)])
    func scaleOutWithKill(engine: StorageEngine, replicas: Int) throws {
        let dir = try ProjectPaths.temporaryDirectory("scale-out")
        let broker = try TestBroker()
        // Replicas share their storage (one SQLite file, or one PostgreSQL database), so they share the inbox.
        let shared = try TestDatabase.new(engine, name: "ledger", in: dir)
        let names = ["a", "b", "c"].prefix(replicas)
        let ledgers = try names.map { instance in
            try ServiceProcess("demo-ledger", name: "ledger-\(instance)", broker: broker, directory: dir, database: shared,
                               environment: ["DEMO_PROCESSING_DELAY_MS": "20", "INSTANCE_NAME": instance])
        }
        for ledger in ledgers { try ledger.start() }
        try eventually("every replica holds partitions at once", timeout: .seconds(60)) {
            try ledgers.allSatisfy { try $0.metric("consumer_assigned_partitions") > 0 }
        }
        let (a, b) = (ledgers[0], ledgers[1])

        var ids: [Int] = []
        for i in 0..<150 { ids.append(try a.recordEntry(account: "acct-\(i % 30)", amount: i)) }
        try eventually("every replica processes events") {
            Set(try a.effects().map(\.instance)).count == replicas
        }
        b.kill9()
        try b.start()
        try eventually("all 150 entries took effect", timeout: .seconds(120)) {
            Set(try a.effects().map(\.entryId)) == Set(ids)
        }
        let effects = try a.effects()
        #expect(duplicates(effects).isEmpty, "no event took effect twice")
        #expect(effects.count == 150)
        #expect(Set(effects.map(\.instance)) == Set(names), "the partitions were split between the replicas")
        for ledger in ledgers { ledger.stop() }
    }

    @Test("a consumer that was stopped receives, on restart, every event published while it was away, none twice",
          arguments: StorageEngine.allCases)
    func replayAfterOutage(engine: StorageEngine) throws {
        let dir = try ProjectPaths.temporaryDirectory("replay")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir,
                                        database: try .new(engine, name: "ledger", in: dir))
        try ledger.start()
        for i in 0..<5 { try ledger.recordEntry(account: "x\(i)", amount: i) }
        try eventually("the first events take effect") { try ledger.effects().count == 5 }
        #expect(ledger.stop() == 0)

        // Another publisher goes on while the ledger is away.
        let producer = try Producer(properties: broker.properties())
        let away = Array(1000..<1020)
        for id in away { try producer.sendAndWait(try ledgerEvent(entryId: id)) }

        try ledger.start()
        try eventually("the restarted consumer catches up", timeout: .seconds(60)) {
            Set(try ledger.effects().map(\.entryId)).isSuperset(of: away)
        }
        #expect(try ledger.effects().count == 25)
        #expect(duplicates(try ledger.effects()).isEmpty)
        // Offsets were committed on shutdown: nothing processed before came back, not even as a skipped duplicate.
        #expect(try ledger.metric("consumer_events_total{outcome=\"duplicate\",topic=\"demo.ledger\"}") == 0)
        ledger.stop()
    }
}

/// An EntryRecorded record as another instance of the ledger would publish it.
func ledgerEvent(entryId: Int) throws -> OutgoingMessage {
    let envelope = try EventEnvelope(EntryRecorded(entryId: entryId, account: "acct-\(entryId)", amount: entryId), source: "demo-ledger")
    return OutgoingMessage(topic: "demo.ledger", key: Array(envelope.subject.utf8), value: envelope.data, headers: envelope.headers)
}
