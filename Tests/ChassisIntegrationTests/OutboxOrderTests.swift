import Foundation
import Kafka
import Testing
import TestSupport

@Suite("Outbox order across broker faults", .serialized)
struct OutboxOrderTests {
    /// librdkafka times out a queued message after `message.timeout.ms` but may still write the
    /// ones behind it; resending the timed-out row afterwards would put it after them.
    @Test("one key's events reach the topic in outbox order after an outage longer than the producer's message timeout")
    func orderAcrossLongOutage() throws {
        let cluster = try MockCluster()
        try cluster.createTopic("demo.ledger", partitions: 1)
        try cluster.createTopic("demo.ledger.dlq.demo.ledger", partitions: 1)
        let dir = try ProjectPaths.temporaryDirectory("outbox-order")
        // A short timeout a user might set: the relay must not let it break the order.
        let ledger = try ServiceProcess("demo-ledger", bootstrapServers: cluster.bootstrapServers, directory: dir,
                                        environment: ["KAFKA_PROPERTIES": "message.timeout.ms=2000,reconnect.backoff.ms=50,reconnect.backoff.max.ms=200"])
        try ledger.start()
        let first = try ledger.recordEntry(account: "acc", amount: 1)
        try eventually("the first entry is published") { try ledger.metric("outbox_published_total") >= 1 }

        cluster.setDown()
        let second = try ledger.recordEntry(account: "acc", amount: 2)
        Thread.sleep(forTimeInterval: 1)
        let third = try ledger.recordEntry(account: "acc", amount: 3)
        Thread.sleep(forTimeInterval: 1.3)   // the second entry's message has outlived message.timeout.ms
        cluster.setUp()

        try eventually("every entry is published", timeout: .seconds(30)) { try ledger.metric("outbox_backlog") == 0 && ledger.metric("outbox_published_total") >= 3 }
        let published = try entryIDs(on: "demo.ledger", at: cluster.bootstrapServers, atLeast: 3)
        var seen: [Int] = []
        for id in published where !seen.contains(id) { seen.append(id) }   // a resent duplicate is harmless
        #expect(seen == [first, second, third], "topic order: \(published)")
        #expect(ledger.stop() == 0)
    }
}

/// The `entryId` of every record on partition 0 of `topic`, in log order.
func entryIDs(on topic: String, at bootstrap: String, atLeast count: Int) throws -> [Int] {
    try records(on: topic, at: bootstrap, atLeast: count).compactMap { message in
        (try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any])?["entryId"] as? Int
    }
}
