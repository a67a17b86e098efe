import CRdKafka

/// librdkafka properties (`bootstrap.servers`, `group.id`, ...) as plain strings.
public typealias KafkaProperties = [String: String]

/// What every client has unless its properties say otherwise.
/// - KIP-714's metrics push is off: we have no use for it, and with a broker that offers it
///   (Tansu does) librdkafka 2.8.0 waits up to a second at destroy for the push to end, so a
///   service's start (whose admin client checks the topics) took 1 s instead of 50 ms one time in two.
/// - A request unanswered for 10 s ends its connection, and is sent again on a new one (librdkafka
///   waits 60 s). A request lost on a connection that stays open (a network partition that
///   drops packets, a half-open connection) stalled its partitions for a minute: when chaos's
///   leader-down fault stops a broker of the mock cluster, consumers' fetches in flight to it
///   were never answered ("Timed out FetchRequest in flight (after 60427ms)"), and the system took
///   46 s to settle after a 4 s outage; 14 s with this.
extension KafkaProperties {
    public static let clientDefaults: KafkaProperties = ["enable.metrics.push": "false", "socket.timeout.ms": "10000"]
}

/// Builds an `rd_kafka_conf_t`. The caller owns it until `rd_kafka_new` succeeds.
func makeConf(_ properties: KafkaProperties) throws(KafkaError) -> OpaquePointer {
    let conf = rd_kafka_conf_new()!
    var errstr = [CChar](repeating: 0, count: 512)
    for (key, value) in KafkaProperties.clientDefaults.merging(properties, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
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
