import CRdKafka

/// librdkafka properties (`bootstrap.servers`, `group.id`, ...) as plain strings.
public typealias KafkaProperties = [String: String]

/// Builds an `rd_kafka_conf_t`. The caller owns it until `rd_kafka_new` succeeds.
func makeConf(_ properties: KafkaProperties) throws(KafkaError) -> OpaquePointer {
    let conf = rd_kafka_conf_new()!
    var errstr = [CChar](repeating: 0, count: 512)
    for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
        if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                             message: "invalid Kafka property \(key)=\(value): \(text(of: errstr))")
        }
    }
    return conf
}

/// Creates a client handle; frees `conf` if librdkafka refuses it (it owns it only on success).
func makeHandle(_ type: rd_kafka_type_t, conf: OpaquePointer) throws(KafkaError) -> OpaquePointer {
    var errstr = [CChar](repeating: 0, count: 512)
    guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
        rd_kafka_conf_destroy(conf)
        throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                         message: "cannot create Kafka client: \(text(of: errstr))")
    }
    return handle
}

/// The text librdkafka wrote into an error buffer.
func text(of buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

extension KafkaProperties {
    /// Throws when librdkafka does not know a property or refuses its value, without making a
    /// client: a configuration mistake found at start, not at the first connection.
    public func validate() throws(KafkaError) {
        rd_kafka_conf_destroy(try makeConf(self))
    }
}
