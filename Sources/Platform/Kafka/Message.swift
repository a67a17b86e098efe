import CRdKafka

/// One Kafka record header. Values are bytes; most of ours are UTF-8 text.
public struct KafkaHeader: Sendable, Equatable {
    public let name: String
    public let value: [UInt8]

    public init(_ name: String, _ value: [UInt8]) { self.name = name; self.value = value }
    public init(_ name: String, _ text: String) { self.init(name, Array(text.utf8)) }

    public var text: String { String(decoding: value, as: UTF8.self) }
}

extension Array where Element == KafkaHeader {
    /// The text of the last header with this name (Kafka allows repeats; the last wins).
    public func text(_ name: String) -> String? { last(where: { $0.name == name })?.text }
}

/// A record to publish.
public struct OutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// A fixed partition, or nil to let the key choose it.
    public var partition: Int32?

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic; self.key = key; self.value = value; self.headers = headers; self.partition = partition
    }
}

/// A record read from Kafka, copied out of librdkafka's buffers.
public struct ConsumedMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]
    public let headers: [KafkaHeader]
    /// Milliseconds since the epoch, when the broker or producer set one.
    public let timestamp: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
                headers: [KafkaHeader], timestamp: Int64?) {
        self.topic = topic; self.partition = partition; self.offset = offset
        self.key = key; self.value = value; self.headers = headers; self.timestamp = timestamp
    }

    init(copying m: UnsafeMutablePointer<rd_kafka_message_t>) {
        let msg = m.pointee
        topic = String(cString: rd_kafka_topic_name(msg.rkt))
        partition = msg.partition
        offset = msg.offset
        key = msg.key.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.key_len)) }
        value = msg.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.len)) } ?? []
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(m, &type)
        timestamp = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
        headers = ConsumedMessage.headers(of: m)
    }

    private static func headers(of m: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var hdrs: OpaquePointer?
        guard rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(hdrs, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            result.append(KafkaHeader(String(cString: name!), bytes))
            index += 1
        }
        return result
    }
}

extension ConsumedMessage {
    /// Its partition, without an offset.
    public var topicPartition: TopicPartition { TopicPartition(topic, partition) }
}
