import CRdKafka

/// librdkafka's mock cluster: fake brokers on loopback ports inside this process, which any
/// client (another process too) reaches through `bootstrapServers`, with faults on demand. For
/// tests that need a broker to misbehave at an exact moment.
public final class MockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    public let bootstrapServers: String
    /// The brokers' ids: 1 to the number of brokers.
    public let brokerIDs: ClosedRange<Int32>

    public init(brokers: Int32 = 1) throws(KafkaError) {
        precondition(brokers >= 1, "a mock cluster needs a broker")
        brokerIDs = 1...brokers
        try LibraryVersion.requireSupported()
        // The cluster lives on a client handle of its own; that client is never used.
        // Warnings off: it would say it has no bootstrap.servers.
        owner = try makeHandle(RD_KAFKA_PRODUCER, conf: try makeConf(["log_level": "3"]))
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL.rawValue, message: "cannot start a mock cluster")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "mock topic \(name)") }
    }

    /// Makes `broker` the leader of the partition (the mock picks leaders at random).
    public func setLeader(of topic: String, partition: Int32, to broker: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "mock leader of \(topic) [\(partition)]") }
    }

    /// A broker error code, for `failNextProduceRequests`.
    public struct ErrorCode: Sendable {
        let value: rd_kafka_resp_err_t
        /// Makes an idempotent producer's session unusable: a fatal error.
        public static let outOfOrderSequence = ErrorCode(value: RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER)
    }

    /// The next `errors.count` Produce requests, from any client, are answered with these errors in turn.
    public func failNextProduceRequests(_ errors: [ErrorCode]) {
        rd_kafka_mock_push_request_errors_array(cluster, 0 /* Produce */, errors.count, errors.map(\.value))
    }

    /// Closes the broker's connections and refuses new ones until `setUp`. Its partitions keep
    /// it as their leader (and its groups as their coordinator): they are unreachable meanwhile.
    public func setDown(broker: Int32 = 1) { rd_kafka_mock_broker_set_down(cluster, broker) }
    public func setUp(broker: Int32 = 1) { rd_kafka_mock_broker_set_up(cluster, broker) }
}
