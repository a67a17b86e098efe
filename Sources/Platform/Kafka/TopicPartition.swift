import CRdKafka

/// A partition of a topic, with an offset where one applies.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32
    public var offset: Int64

    public init(_ topic: String, _ partition: Int32, offset: Int64 = TopicPartition.invalidOffset) {
        self.topic = topic; self.partition = partition; self.offset = offset
    }

    public static let invalidOffset = Int64(RD_KAFKA_OFFSET_INVALID)
    public static let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
    public static let end = Int64(RD_KAFKA_OFFSET_END)

    public var description: String { "\(topic)[\(partition)]" }
}

/// Copies a C partition list into Swift values (and per-partition errors).
func partitions(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [(TopicPartition, KafkaError?)] {
    guard let list else { return [] }
    return (0..<Int(list.pointee.cnt)).map { i in
        let e = list.pointee.elems[i]
        let error = e.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(e.err)
        return (TopicPartition(String(cString: e.topic), e.partition, offset: e.offset), error)
    }
}

/// Builds a C partition list; the caller destroys it.
func makePartitionList(_ parts: [TopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
    let list = rd_kafka_topic_partition_list_new(Int32(parts.count))!
    for p in parts {
        rd_kafka_topic_partition_list_add(list, p.topic, p.partition).pointee.offset = p.offset
    }
    return list
}
