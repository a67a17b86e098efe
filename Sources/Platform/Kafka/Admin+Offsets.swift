import CRdKafka

extension Admin {
    /// For each partition, the first offset whose record timestamp is at or after `milliseconds`
    /// since the epoch, or `TopicPartition.end` when the partition has no record that new.
    public func offsets(atTimestamp milliseconds: Int64, of parts: [TopicPartition],
                        timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartition] {
        guard !parts.isEmpty else { return [] }
        // offsets_for_times reads the timestamp to look up from each element's offset field.
        let list = makePartitionList(parts.map { TopicPartition($0.topic, $0.partition, offset: milliseconds) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_for_times(handle, list, Int32(timeout.milliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "offsets for timestamp \(milliseconds)") }
        let found = partitions(of: list)
        if let (part, error) = found.first(where: { $0.1 != nil }), let error {
            throw KafkaError(code: error.code, message: "offsets for timestamp \(milliseconds), \(part): \(error.message)",
                             isRetriable: error.isRetriable)
        }
        return found.map(\.0)
    }
}
