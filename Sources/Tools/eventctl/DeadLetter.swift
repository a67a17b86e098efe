import Kafka

/// A record of a dead-letter topic `<topic>.dlq.<consumer-group>`: the original event (key,
/// value, headers) plus the `dlq_*` headers the failing consumer added.
struct DeadLetter {
    /// The first record of this event in the dead-letter topic.
    let record: ConsumedMessage
    /// How many records of the topic are this event.
    var copies = 1

    static let marker = ".dlq."

    /// The original topic and consumer group a dead-letter topic's name stands for.
    static func parse(topic: String) -> (original: String, group: String)? {
        guard let range = topic.range(of: marker), range.lowerBound != topic.startIndex, range.upperBound != topic.endIndex else { return nil }
        return (String(topic[..<range.lowerBound]), String(topic[range.upperBound...]))
    }

    /// The event's ce_id; a record without one is its own dead letter.
    var id: String { record.headers.text("ce_id").flatMap { $0.isEmpty ? nil : $0 } ?? record.position }

    /// The dead letters of `topic` in its order (partition by partition), one per event.
    static func readAll(_ topic: String, cluster: Cluster, topics: [String: Int32]) throws -> [DeadLetter] {
        _ = try cluster.partitions(of: topic, in: topics)
        var letters: [DeadLetter] = []
        var index: [String: Int] = [:]
        try TopicReader(cluster: cluster).readAll([topic], partitionCounts: topics) { record in
            let letter = DeadLetter(record: record)
            if let seen = index[letter.id] {
                letters[seen].copies += 1
            } else {
                index[letter.id] = letters.count
                letters.append(letter)
            }
        }
        return letters
    }

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
