import Kafka

/// A record of a dead-letter topic `<topic>.dlq.<consumer-group>`: the original event (key,
/// value, headers) plus the `dlq_*` headers the failing consumer added.
struct DeadLetter {
    let record: ConsumedMessage

    static let marker = ".dlq."

    /// The original topic and consumer group a dead-letter topic's name stands for.
    static func parse(topic: String) -> (original: String, group: String)? {
        guard let range = topic.range(of: marker), range.lowerBound != topic.startIndex, range.upperBound != topic.endIndex else { return nil }
        return (String(topic[..<range.lowerBound]), String(topic[range.upperBound...]))
    }

    var id: String { record.header("ce_id") }

    /// Where the event goes back to: its header, else the dead-letter topic's name.
    var originalTopic: String {
        record.headers.text("dlq_original_topic") ?? DeadLetter.parse(topic: record.topic)?.original ?? "-"
    }

    var originalPosition: String {
        "\(originalTopic):\(record.header("dlq_original_partition")):\(record.header("dlq_original_offset"))"
    }

    /// The event as first published, marked as a replay of this dead letter. Keeping `ce_id` is
    /// what lets consumers that already handled it skip it (their inbox has it).
    var replay: OutgoingMessage {
        let kept = record.headers.filter { !$0.name.hasPrefix("dlq_") && $0.name != "replayed_from" }
        return OutgoingMessage(topic: originalTopic, key: record.key, value: record.value,
                               headers: kept + [KafkaHeader("replayed_from", record.position)])
    }
}
