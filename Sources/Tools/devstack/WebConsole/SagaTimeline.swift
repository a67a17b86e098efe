import Chassis
import Foundation
import Kafka

/// One saga's events (`correlation_id`) across the system's topics, dead letters among them, in
/// time order, each with the consumer groups that read its topic and whether each has committed
/// past it: the `eventctl trace` answer, for the page. Reads the topics from their start, at most
/// `scanLimit` records and with every request bounded, and never joins a group.
enum SagaTimeline {
    struct Entry {
        let record: ConsumedMessage
        var type: String { record.headers.text("ce_type") ?? "?" }
        var time: String { record.headers.text("ce_time") ?? "" }
        var source: String { record.headers.text("ce_source") ?? "" }
        var subject: String { record.headers.text("ce_subject") ?? "" }
        /// Why it was dead-lettered, for a record of a dead-letter topic.
        var deadLetter: String? { record.headers.text("dlq_error") }
        /// Each group reading its topic, and whether it has committed past it.
        let consumers: [(group: String, done: Bool)]
    }

    struct Answer {
        let entries: [Entry]
        let topics: [String]
    }

    static let scanLimit = 200_000

    struct TooMany: Error, CustomStringConvertible {
        var description: String { "the system's topics hold more than \(SagaTimeline.scanLimit) records: use eventctl trace" }
    }

    static func read(_ id: String, system: SystemManifest, kafka: KafkaProperties, groups: [BrokerWatch.Group]) throws -> Answer {
        let admin = try Admin(properties: kafka)
        let topics = try admin.topics(timeout: BrokerWatch.deadline).filter { $0.key.hasPrefix(system.name + ".") }
        var records: [ConsumedMessage] = []
        var scanned = 0
        let reader = { try Consumer(properties: kafka.merging(["group.id": "devstack-console", "enable.auto.commit": "false"]) { _, own in own }) }
        try TopicScan(admin: admin, reader: reader, timeout: .seconds(5)).readAll(topics.keys.sorted(), partitionCounts: topics) { record in
            scanned += 1
            guard scanned <= scanLimit else { throw TooMany() }
            if record.headers.text("correlation_id") == id { records.append(record) }
        }
        var committed: [String: [TopicPartition: Int64]] = [:]
        for group in groups {
            for part in group.partitions { committed[group.group, default: [:]][TopicPartition(part.topic, part.partition)] = part.committed }
        }
        let entries = records.map { record in
            let readers = groups.filter { $0.topics.contains(record.topic) }
            return Entry(record: record, consumers: readers.map { group in
                (group.group, (committed[group.group]?[record.topicPartition] ?? -1) > record.offset)
            })
        }.sorted { ($0.time, $0.record.topic, $0.record.offset) < ($1.time, $1.record.topic, $1.record.offset) }
        return Answer(entries: entries, topics: topics.keys.sorted())
    }
}
