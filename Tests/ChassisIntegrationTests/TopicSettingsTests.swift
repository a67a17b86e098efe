import Foundation
import Kafka
import Testing
import TestSupport

@Suite("Topic settings", .serialized)
struct TopicSettingsTests {
    @Test("replication follows the cluster's size: 1 and 1 on one broker, 3 and 2 on three or more, unless configured")
    func replicationFollowsTheCluster() {
        let defaults = TopicSettings()
        #expect(defaults.specs(["t"], brokers: 1).map { [$0.replicationFactor] } == [[1]])
        #expect(defaults.specs(["t"], brokers: 1).first?.configs == ["min.insync.replicas": "1", "retention.ms": "-1"])
        #expect(defaults.specs(["t"], brokers: 5).first?.replicationFactor == 3)
        #expect(defaults.specs(["t"], brokers: 5).first?.configs["min.insync.replicas"] == "2")
        let configured = TopicSettings(partitions: 6, replicationFactor: 2, minInsyncReplicas: 2, retentionMs: 86_400_000)
        let spec = configured.specs(["t"], brokers: 5).first
        #expect(spec?.partitions == 6 && spec?.replicationFactor == 2)
        #expect(spec?.configs == ["min.insync.replicas": "2", "retention.ms": "86400000"])
    }

    @Test("a service creates its topics and dead-letter topics with unlimited retention, as the broker then reports")
    func serviceCreatesTopicsWithRetention() throws {
        let dir = try ProjectPaths.temporaryDirectory("topic-settings")
        let broker = try TestBroker()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir, environment: ["KAFKA_TOPIC_PARTITIONS": "2"])
        try ledger.start()
        let admin = try Admin(properties: broker.properties())
        for topic in ["demo.ledger", "demo.ledger.dlq.demo.ledger"] {
            let config = try admin.topicConfig(topic)
            #expect(config["retention.ms"] == "-1", "\(topic): \(config)")
            #expect(config["min.insync.replicas"] == "1", "\(topic): \(config)")
        }
        #expect(try admin.topics()["demo.ledger"] == 2)
        ledger.stop()
    }
}
