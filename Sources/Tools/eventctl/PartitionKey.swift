import Kafka

extension TopicPartition {
    /// The partition alone, for dictionary keys: `TopicPartition` equality includes the offset.
    var key: TopicPartition { TopicPartition(topic, partition) }
}

