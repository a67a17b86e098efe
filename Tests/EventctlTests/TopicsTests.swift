import Foundation
import Kafka
import Testing
import TestSupport

@Suite("eventctl topics against a real broker", .serialized)
struct TopicsTests {
    @Test("topics shows partitions, replication, min.insync.replicas and retention as the broker reports them")
    func topics() throws {
        let broker = try TestBroker()
        try Admin(properties: broker.properties()).createTopics(["shop.cart", "shop.cart.dlq.shop.pay"], settings: TopicSettings(partitions: 2))
        try broker.createTopics([TopicSpec("shop.legacy", partitions: 1, configs: ["retention.ms": "604800000"])])

        let table = try eventctl(["topics"], broker: broker.bootstrapServers)
        #expect(table.status == 0, "\(table)")
        #expect(table.stdout.hasPrefix("TOPIC       "), "\(table.stdout)")
        #expect(table.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true) } == [
            ["shop.cart", "2", "1", "1", "-1"], ["shop.cart.dlq.shop.pay", "2", "1", "1", "-1"], ["shop.legacy", "1", "1", "-", "604800000"],
        ], "\(table.stdout)")

        let json = try eventctl(["topics", "shop.cart", "--json"], broker: broker.bootstrapServers)
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 1 && rows?.first?["retentionMs"] as? String == "-1" && rows?.first?["minInsyncReplicas"] as? String == "1",
                "\(json.stdout)")

        let unknown = try eventctl(["topics", "shop.nothing"], broker: broker.bootstrapServers)
        #expect(unknown.status == 1 && unknown.stderr.contains("no topic shop.nothing"), "\(unknown)")
    }
}
