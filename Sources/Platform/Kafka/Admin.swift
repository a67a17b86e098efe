import CRdKafka
import Glibc

/// A topic to create: name, partition count, replication factor and topic configs
/// (`retention.ms`, ...).
public struct TopicSpec: Sendable, Hashable {
    public let name: String
    public let partitions: Int32
    public let replicationFactor: Int32
    public let configs: [String: String]

    public init(_ name: String, partitions: Int32 = 3, replicationFactor: Int32 = 1, configs: [String: String] = [:]) {
        self.name = name; self.partitions = partitions; self.replicationFactor = replicationFactor; self.configs = configs
    }
}

/// Cluster administration over librdkafka's Admin API. Each call blocks until the broker
/// answers or `timeout` passes.
public final class Admin: @unchecked Sendable {
    let handle: OpaquePointer
    let queue: OpaquePointer

    public init(properties: KafkaProperties) throws(KafkaError) {
        try LibraryVersion.requireSupported()
        handle = try makeHandle(RD_KAFKA_PRODUCER, conf: try makeConf(properties))
        queue = rd_kafka_queue_new(handle)
    }

    deinit {
        rd_kafka_queue_destroy(queue)
        rd_kafka_destroy(handle)
    }

    /// Creates the topics that do not exist yet; existing ones are left as they are.
    public func createTopics(_ specs: [TopicSpec], timeout: Duration = .seconds(15)) throws(KafkaError) {
        guard !specs.isEmpty else { return }
        var errstr = [CChar](repeating: 0, count: 512)
        var newTopics = specs.map { spec in
            let topic = rd_kafka_NewTopic_new(spec.name, spec.partitions, spec.replicationFactor, &errstr, errstr.count)
            for (name, value) in spec.configs.sorted(by: { $0.key < $1.key }) { rd_kafka_NewTopic_set_config(topic, name, value) }
            return topic
        }
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        let options = adminOptions(RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, queue)

        let event = try awaitEvent(timeout: timeout, operation: "create topics")
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
        for i in 0..<count {
            let err = rd_kafka_topic_result_error(results![i])
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else {
                let name = String(cString: rd_kafka_topic_result_name(results![i]))
                throw KafkaError(err, context: "create topic \(name)")
            }
        }
    }

    /// Names of the topics the cluster has, with their partition counts.
    public func topics(timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int32] {
        try topicMetadata(handle, timeout: timeout).mapValues(\.partitions)
    }

    /// Creates the topics that do not exist yet with `settings`, fitted to the cluster's size.
    public func createTopics(_ names: [String], settings: TopicSettings, timeout: Duration = .seconds(15)) throws(KafkaError) {
        try createTopics(settings.specs(names, brokers: try brokerCount(timeout: timeout)), timeout: timeout)
    }

    /// Each topic's replication factor (its first partition's replica count).
    public func replicationFactors(timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int32] {
        try topicMetadata(handle, timeout: timeout).compactMapValues { $0.replicas }
    }

    /// How many brokers the cluster has.
    public func brokerCount(timeout: Duration = .seconds(10)) throws(KafkaError) -> Int {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, nil, &metadata, Int32(timeout.milliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(err, context: "metadata") }
        defer { rd_kafka_metadata_destroy(metadata) }
        return Int(metadata.pointee.broker_cnt)
    }

    /// A topic's configuration as the broker reports it (`retention.ms`, `min.insync.replicas`, ...).
    public func topicConfig(_ topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: String] {
        var resource: OpaquePointer? = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic)
        defer { rd_kafka_ConfigResource_destroy(resource) }
        let options = adminOptions(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_DescribeConfigs(handle, &resource, 1, options, queue)
        let event = try awaitEvent(timeout: timeout, operation: "describe configs of \(topic)")
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        guard let results = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count),
              count == 1, let result = results[0] else { return [:] }
        let err = rd_kafka_ConfigResource_error(result)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "describe configs of \(topic)") }
        var entryCount = 0
        let entries = rd_kafka_ConfigResource_configs(result, &entryCount)
        var configs: [String: String] = [:]
        for i in 0..<entryCount {
            guard let entry = entries?[i], let value = rd_kafka_ConfigEntry_value(entry) else { continue }
            configs[String(cString: rd_kafka_ConfigEntry_name(entry))] = String(cString: value)
        }
        return configs
    }

    /// Each topic's id, for the ones the cluster has. A topic deleted and created again (by a
    /// broker that lost its state, say) comes back under a new id.
    public func topicIDs(_ topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: String] {
        guard !topics.isEmpty else { return [:] }
        let names = topics.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let collection = names.map { UnsafePointer($0) }.withUnsafeBufferPointer {
            rd_kafka_TopicCollection_of_topic_names(UnsafeMutablePointer(mutating: $0.baseAddress), $0.count)
        }
        defer { rd_kafka_TopicCollection_destroy(collection) }
        let options = adminOptions(RD_KAFKA_ADMIN_OP_DESCRIBETOPICS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_DescribeTopics(handle, collection, options, queue)
        let event = try awaitEvent(timeout: timeout, operation: "describe topics")
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        let descriptions = rd_kafka_DescribeTopics_result_topics(rd_kafka_event_DescribeTopics_result(event), &count)
        var ids: [String: String] = [:]
        for i in 0..<count {
            guard let description = descriptions?[i], rd_kafka_TopicDescription_error(description) == nil,
                  let id = rd_kafka_TopicDescription_topic_id(description) else { continue }
            ids[String(cString: rd_kafka_TopicDescription_name(description))] = String(cString: rd_kafka_Uuid_base64str(id))
        }
        return ids
    }

    /// The low and high watermarks (first offset, next offset to be written) of one partition.
    public func watermarks(_ topic: String, partition: Int32, timeout: Duration = .seconds(10)) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, Int32(timeout.milliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "watermarks of \(topic)[\(partition)]") }
        return (low, high)
    }

    /// Options for an Admin request: the broker gives up after `timeout`.
    func adminOptions(_ operation: rd_kafka_admin_op_t, timeout: Duration) -> OpaquePointer {
        var errstr = [CChar](repeating: 0, count: 512)
        let options = rd_kafka_AdminOptions_new(handle, operation)!
        rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeout.milliseconds), &errstr, errstr.count)
        return options
    }

    /// Waits for the result event of an Admin request; throws its top-level error.
    func awaitEvent(timeout: Duration, operation: String) throws(KafkaError) -> OpaquePointer {
        guard let event = rd_kafka_queue_poll(queue, Int32(timeout.milliseconds) + 1000) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, message: "\(operation): no answer within \(timeout)", isRetriable: true)
        }
        let err = rd_kafka_event_error(event)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let message = String(cString: rd_kafka_event_error_string(event))
            rd_kafka_event_destroy(event)
            throw KafkaError(code: err.rawValue, message: "\(operation): \(message)", isRetriable: err == RD_KAFKA_RESP_ERR__TIMED_OUT)
        }
        return event
    }
}

/// Every topic the cluster has: its partition count, and its first partition's replica count.
private func topicMetadata(_ handle: OpaquePointer, timeout: Duration) throws(KafkaError) -> [String: (partitions: Int32, replicas: Int32?)] {
    var metadata: UnsafePointer<rd_kafka_metadata>?
    let err = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(timeout.milliseconds))
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(err, context: "metadata") }
    defer { rd_kafka_metadata_destroy(metadata) }
    var result: [String: (partitions: Int32, replicas: Int32?)] = [:]
    for i in 0..<Int(metadata.pointee.topic_cnt) {
        let t = metadata.pointee.topics[i]
        guard t.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
        result[String(cString: t.topic)] = (t.partition_cnt, t.partition_cnt > 0 ? t.partitions[0].replica_cnt : nil)
    }
    return result
}
