import Chassis
import Foundation
import HTTP
import Kafka

/// One saga's events (`correlation_id`) across the system's topics, dead letters among them, in
/// time order, each with the consumer groups that read its topic and whether each has committed
/// past it and when its service processed it: the `eventctl trace` answer, for the page. Reads the
/// topics from their start, at most `scanLimit` records and with every request bounded, and
/// never joins a group.
enum SagaTimeline {
    struct Entry {
        let record: ConsumedMessage
        var type: String { record.headers.text("ce_type") ?? "?" }
        var time: String { record.headers.text("ce_time") ?? "" }
        var source: String { record.headers.text("ce_source") ?? "" }
        var subject: String { record.headers.text("ce_subject") ?? "" }
        /// Why it was dead-lettered, for a record of a dead-letter topic.
        var deadLetter: String? { record.headers.text("dlq_error") }
        /// Each group reading its topic, what became of the event there, and when its service
        /// processed it (from its inbox), when it says.
        let consumers: [(group: String, status: Consumption, processedAt: String?)]
    }

    enum Consumption: String {
        /// The group has committed past it.
        case committed
        case pending
        /// The group put it on its dead-letter topic.
        case deadLettered = "dead-lettered"

        var mark: String {
            switch self {
            case .committed: "✓"
            case .pending: "…"
            case .deadLettered: "✗"
            }
        }
    }

    struct Answer {
        let entries: [Entry]
        let topics: [String]
    }

    static let scanLimit = 200_000
    static let timeLimit: Duration = .seconds(20)

    struct TooLong: Error, CustomStringConvertible {
        var description: String {
            "the system's topics hold more than \(SagaTimeline.scanLimit) records, or take longer than \(SagaTimeline.timeLimit) to read: use eventctl trace"
        }
    }

    static func read(_ id: String, system: SystemManifest, kafka: KafkaProperties, groups: [BrokerWatch.Group],
                     services: [ServiceWatch.State]) throws -> Answer {
        let admin = try Admin(properties: kafka)
        let topics = try admin.topics(timeout: BrokerWatch.deadline).filter { $0.key.hasPrefix(system.name + ".") }
        var records: [ConsumedMessage] = []
        var scanned = 0
        let deadline = ContinuousClock.now + timeLimit
        let reader = { try EventFeed.reader(kafka) }
        try TopicScan(admin: admin, reader: reader, timeout: .seconds(5)).readAll(topics.keys.sorted(), partitionCounts: topics) { record in
            scanned += 1
            guard scanned <= scanLimit, ContinuousClock.now < deadline else { throw TooLong() }
            if record.headers.text("correlation_id") == id { records.append(record) }
        }
        var committed: [String: [TopicPartition: Int64]] = [:]
        for group in groups {
            for part in group.partitions { committed[group.group, default: [:]][TopicPartition(part.topic, part.partition)] = part.committed }
        }
        // Each dead letter names the group that gave up on the event and where the event was.
        let deadLettered = Set(records.compactMap { record -> String? in
            let h = record.headers
            guard let group = h.text("dlq_consumer_group"), let topic = h.text("dlq_original_topic"),
                  let partition = h.text("dlq_original_partition"), let offset = h.text("dlq_original_offset") else { return nil }
            return "\(group) \(topic) \(partition) \(offset)"
        })
        let urls = Dictionary(services.map { ($0.context, $0.url) }) { a, _ in a }
        let client = HTTPClient()
        let entries = records.map { record in
            let readers = groups.filter { $0.topics.contains(record.topic) }
            return Entry(record: record, consumers: readers.map { group in
                let status: Consumption = deadLettered.contains("\(group.group) \(record.topic) \(record.partition) \(record.offset)")
                    ? .deadLettered
                    : (committed[group.group]?[record.topicPartition] ?? -1) > record.offset ? .committed : .pending
                let processedAt = status == .committed && ContinuousClock.now < deadline
                    ? urls[group.context].flatMap { processed(record, at: $0, client) } : nil
                return (group.group, status, processedAt)
            })
        }.sorted { ($0.time, $0.record.topic, $0.record.offset) < ($1.time, $1.record.topic, $1.record.offset) }
        return Answer(entries: entries, topics: topics.keys.sorted())
    }

    /// When the service at `url` processed `record`, from its inbox; nil when it does not say.
    private static func processed(_ record: ConsumedMessage, at url: String, _ client: HTTPClient) -> String? {
        guard let id = record.headers.text("ce_id"), let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-"])),
              let answer = try? client.send(method: "GET", url: "\(url)/inbox/\(escaped)", timeout: ServiceWatch.deadline),
              answer.status == 200 else { return nil }
        return try? JSONObject(body: answer.body).string("processedAt")
    }
}
