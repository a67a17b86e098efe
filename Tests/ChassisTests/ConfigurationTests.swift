@testable import Chassis
import Kafka
import Testing

@Suite("Service configuration from the environment")
struct ConfigurationTests {
    @Test("defaults apply when nothing is set")
    func defaults() throws {
        let c = try ServiceConfiguration(service: "demo-ledger", defaultPort: 8090, environment: [:])
        #expect(c.port == 8090)
        #expect(c.kafkaBootstrapServers == "127.0.0.1:9092")
        #expect(c.databasePath == "data/demo-ledger.sqlite")
        #expect(c.kafkaProperties.isEmpty)
        #expect(c.logLevel == .info)
        #expect(c.tracing == nil, "no spans exported")
        #expect(c.topics == TopicSettings(partitions: 3, replicationFactor: nil, minInsyncReplicas: nil, retentionMs: -1))
    }

    @Test("values from the environment win and KAFKA_PROPERTIES is parsed")
    func overrides() throws {
        let c = try ServiceConfiguration(service: "s", defaultPort: 1, environment: [
            "PORT": "9000", "KAFKA_BOOTSTRAP_SERVERS": "k:9", "KAFKA_PROPERTIES": "linger.ms=1, client.rack = x=y", "DATABASE_PATH": "/tmp/x.db",
        ])
        #expect(c.port == 9000)
        #expect(c.kafkaBootstrapServers == "k:9")
        #expect(c.kafkaProperties == ["linger.ms": "1", "client.rack": "x=y"])
        #expect(c.databasePath == "/tmp/x.db")
        for (given, level) in [("debug", Logger.Level.debug), ("WARN", .warning), ("Error", .error)] {
            #expect(try ServiceConfiguration(service: "s", defaultPort: 1, environment: ["LOG_LEVEL": given]).logLevel == level)
        }
        let topics = try ServiceConfiguration(service: "s", defaultPort: 1, environment: [
            "KAFKA_TOPIC_REPLICATION_FACTOR": "3", "KAFKA_TOPIC_MIN_INSYNC_REPLICAS": "2", "KAFKA_TOPIC_RETENTION_MS": "604800000",
        ]).topics
        #expect(topics == TopicSettings(partitions: 3, replicationFactor: 3, minInsyncReplicas: 2, retentionMs: 604_800_000))
    }

    @Test("an invalid value is refused with a message naming the variable", arguments: [
        ("PORT", "80a", "PORT=80a"), ("PORT", "+80", "PORT=+80"), ("PORT", "70000", "PORT=70000"),
        ("KAFKA_PROPERTIES", "novalue", "KAFKA_PROPERTIES"),
        ("KAFKA_CONSUMER_PROPERTIES", "no.such.property=1", "KAFKA_CONSUMER_PROPERTIES: invalid Kafka property no.such.property=1"),
        ("KAFKA_PROPERTIES", "linger.ms=soon", "KAFKA_PROPERTIES: invalid Kafka property linger.ms=soon"), ("SHUTDOWN_GRACE_SECONDS", "0", "SHUTDOWN_GRACE_SECONDS=0"),
        ("KAFKA_TOPIC_RETENTION_MS", "-2", "KAFKA_TOPIC_RETENTION_MS=-2"), ("KAFKA_TOPIC_REPLICATION_FACTOR", "0", "KAFKA_TOPIC_REPLICATION_FACTOR=0"),
        ("CONSUMER_STALL_SECONDS", "soon", "CONSUMER_STALL_SECONDS=soon"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL=verbose is not one of debug, info, warning, error"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT=https://collector:4318 is not an http:// URL"),
    ])
    func invalid(name: String, value: String, mention: String) {
        #expect {
            _ = try ServiceConfiguration(service: "s", defaultPort: 1, environment: [name: value])
        } throws: { ($0 as? ConfigurationError)?.description.contains(mention) == true }
    }

    @Test("an upstream URL must be http://host:port")
    func upstreamURL() throws {
        let c = try ServiceConfiguration(service: "s", defaultPort: 1, environment: ["ISSUANCE_URL": "ftp://x"])
        #expect(throws: ConfigurationError.self) { try c.url("ISSUANCE_URL", default: "http://127.0.0.1:8084") }
        #expect(try c.url("OTHER_URL", default: "http://127.0.0.1:8084/") == "http://127.0.0.1:8084")
    }
}
