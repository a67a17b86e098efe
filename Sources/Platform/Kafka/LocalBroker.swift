/// Consumer settings for the local broker that devstack and the benchmarks run (Tansu), which
/// differs from Apache Kafka in two ways that cost seconds. It holds a new group's first
/// JoinGroup for about half the session timeout (23 s at librdkafka's default 45 s, 5 s at 10 s),
/// and its JoinGroup wait grows with `max.poll.interval.ms`: short ones keep a (re)started
/// service's join to seconds. It also answers a fetch only when its wait is over, even if records
/// arrived meanwhile (Apache Kafka answers at once), so every hop of a saga would sit out the
/// whole wait (500 ms by default): 5 ms costs an empty fetch every 5 ms, fine on one machine, and
/// is why these are the local broker's settings, not the services' defaults.
public enum LocalBroker {
    public static let consumerProperties: KafkaProperties = [
        "session.timeout.ms": "10000", "max.poll.interval.ms": "10000", "heartbeat.interval.ms": "1000", "fetch.wait.max.ms": "5",
    ]

}

extension KafkaProperties {
    /// As `KAFKA_PROPERTIES` and `KAFKA_CONSUMER_PROPERTIES` take them: `key=value,key=value`.
    public var commaSeparated: String {
        sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
