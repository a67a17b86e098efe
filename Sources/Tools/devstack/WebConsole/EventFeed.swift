import Chassis
import Foundation
import Kafka
import Synchronization

/// The system's events as they are published, dead letters included: a reader of its own on
/// every partition of the system's topics (assigned, never a group member, committing nothing),
/// keeping the last `capacity` in memory. It starts at the last few events of each partition, so
/// the page is not empty, and reads a topic created later from its start.
final class EventFeed: Sendable {
    struct Event: Encodable, Sendable {
        let seq: Int
        let type: String
        let subject: String
        let correlationID: String
        let time: String
        let source: String
        let topic: String
        let partition: Int32
        let offset: Int64
        /// Why it was dead-lettered, for a record of a dead-letter topic.
        let deadLetter: String?
    }

    static let capacity = 500
    static let history: Int64 = 20

    private let system: SystemManifest
    private let kafka: KafkaProperties
    private let buffer = Mutex<(events: [Event], next: Int)>(([], 1))
    private let trouble = Mutex<String?>(nil)

    init(system: SystemManifest, kafka: KafkaProperties) {
        self.system = system
        self.kafka = kafka
    }

    /// Says which run of the console numbered the events: a page that was open across a restart
    /// asks with an id of the run before, and gets every event this run has.
    let run = String(UInt32.random(in: .min ... .max), radix: 16)

    /// The events after `lastEventID` (`<run>-<seq>`), oldest first.
    func events(after lastEventID: String?) -> [Event] {
        let parts = lastEventID?.split(separator: "-") ?? []
        let after = parts.count == 2 && parts[0] == run ? Int(parts[1]) ?? 0 : 0
        return buffer.withLock { $0.events.filter { $0.seq > after } }
    }

    /// Why the feed cannot read now; nil while it can.
    var problem: String? { trouble.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in
            // Kept across failures: reading again resumes where it stopped, with no event twice.
            var positions: [TopicPartition: Int64] = [:]
            while true {
                do {
                    try read(&positions)
                } catch {
                    trouble.withLock { $0 = "cannot read the events: \(error)" }
                    Thread.sleep(forTimeInterval: 2)
                }
            }
        }
        thread.name = "console-feed"
        thread.start()
    }

    /// Reads until something fails; the caller starts again. `positions`: where each partition
    /// is read from next; empty at first, when each starts `history` records before its end.
    private func read(_ positions: inout [TopicPartition: Int64]) throws {
        let admin = try Admin(properties: kafka)
        let reader = try EventFeed.reader(kafka)
        defer { reader.close() }
        var first = positions.isEmpty
        var assigned = false
        var topicsChecked = ContinuousClock.now - .seconds(10)
        while true {
            if ContinuousClock.now - topicsChecked > .seconds(5) {
                let topics = try admin.topics(timeout: BrokerWatch.deadline).filter { $0.key.hasPrefix(system.name + ".") }
                let gone = positions.keys.filter { (topics[$0.topic] ?? 0) <= $0.partition }
                var changed = !assigned || !gone.isEmpty
                gone.forEach { positions[$0] = nil }
                for (topic, count) in topics {
                    for partition in 0..<count where positions[TopicPartition(topic, partition)] == nil {
                        let log = try admin.watermarks(topic, partition: partition, timeout: BrokerWatch.deadline)
                        positions[TopicPartition(topic, partition)] = first ? max(log.low, log.high - Self.history) : log.low
                        changed = true
                    }
                }
                if changed { try reader.assign(positions.map { TopicPartition($0.key.topic, $0.key.partition, offset: $0.value) }) }
                assigned = true
                first = false
                topicsChecked = .now
                trouble.withLock { $0 = nil }
            }
            guard let record = try reader.poll(timeout: .milliseconds(200), onError: { error in
                trouble.withLock { $0 = "the broker: \(error.message)" }
            }) else { continue }
            positions[record.topicPartition] = record.offset + 1
            append(record)
        }
    }

    /// A consumer of assigned partitions: it needs a group id, but never joins the group, and
    /// commits nothing. A topic created again is seen within seconds, as by the services.
    static func reader(_ kafka: KafkaProperties) throws -> Consumer {
        try Consumer(properties: kafka.merging(["group.id": "devstack-console", "enable.auto.commit": "false",
                                                "topic.metadata.refresh.interval.ms": "5000"]) { _, own in own })
    }

    private func append(_ record: ConsumedMessage) {
        let h = record.headers
        buffer.withLock { buffer in
            buffer.events.append(Event(seq: buffer.next, type: h.text("ce_type") ?? "?", subject: h.text("ce_subject") ?? "",
                                       correlationID: h.text("correlation_id") ?? "", time: h.text("ce_time") ?? "",
                                       source: h.text("ce_source") ?? "", topic: record.topic, partition: record.partition,
                                       offset: record.offset, deadLetter: h.text("dlq_error")))
            buffer.next += 1
            if buffer.events.count > Self.capacity { buffer.events.removeFirst(buffer.events.count - Self.capacity) }
        }
    }
}
