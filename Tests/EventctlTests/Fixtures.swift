import Foundation
import Kafka
import Synchronization
import TestSupport

/// Publishes one CloudEvent on its own (one record per batch keeps Tansu's log end exact) and
/// returns its ce_id.
@discardableResult
func publish(_ broker: TestBroker, _ topic: String, type: String = "Tested", source: String = "tests", correlation: String = "c-1",
             key: String = "k-1", data: String = "{}", time: String = EventTime.now(), partition: Int32? = nil,
             extraHeaders: [KafkaHeader] = [], id: String = UUID().uuidString.lowercased()) throws -> String {
    let headers = [
        KafkaHeader("ce_specversion", "1.0"), KafkaHeader("ce_id", id), KafkaHeader("ce_type", type), KafkaHeader("ce_source", source),
        KafkaHeader("ce_time", time), KafkaHeader("ce_subject", key), KafkaHeader("correlation_id", correlation),
        KafkaHeader("content-type", "application/json"),
    ] + extraHeaders
    try Producer(properties: broker.properties()).sendAndWait(
        OutgoingMessage(topic: topic, key: Array(key.utf8), value: Array(data.utf8), headers: headers, partition: partition))
    return id
}

enum EventTime {
    static func now() -> String { Date.now.ISO8601Format(.init(includingFractionalSeconds: true)) }
}

func groupProperties(_ broker: TestBroker, _ group: String) -> KafkaProperties {
    broker.properties(TestBroker.fastGroupProperties.merging(["group.id": group]) { _, new in new })
}

/// Consumes `count` records as a member of `group`, marks them done, commits and leaves.
@discardableResult
func consume(_ broker: TestBroker, group: String, topics: [String], count: Int) throws -> [ConsumedMessage] {
    let consumer = try Consumer(properties: groupProperties(broker, group))
    try consumer.subscribe(topics)
    var records: [ConsumedMessage] = []
    try eventually("\(count) records consumed by \(group)") {
        if let record = try consumer.poll(timeout: .milliseconds(200)) {
            records.append(record)
            try consumer.store(record)
        }
        return records.count == count
    }
    try consumer.commit()
    consumer.close()
    return records
}

/// The group's committed offsets as "topic:partition" → offset, read directly from the broker.
func committed(_ broker: TestBroker, group: String) throws -> [String: Int64] {
    let offsets = try Admin(properties: broker.properties()).committedOffsets(group: group)
    return Dictionary(uniqueKeysWithValues: offsets.map { ("\($0.topic):\($0.partition)", $0.offset) })
}

/// A group member that stays in the group (polling on its own thread) until `leave`. It first
/// consumes and commits `committing` records: Tansu lists only groups that have committed.
final class ActiveMember: Sendable {
    private let consumer: Consumer
    private let stopping = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    init(_ broker: TestBroker, group: String, topics: [String], committing: Int = 0) throws {
        consumer = try Consumer(properties: groupProperties(broker, group))
        try consumer.subscribe(topics)
        var consumed = 0
        try eventually("\(group) member assigned and \(committing) records consumed") {
            if let record = try consumer.poll(timeout: .milliseconds(200)) {
                try consumer.store(record)
                consumed += 1
            }
            return !consumer.assignment.isEmpty && consumed >= committing
        }
        try consumer.commit()
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) { _ = try? consumer.poll(timeout: .milliseconds(100)) }
            consumer.close()
            stopped.store(true, ordering: .releasing)
        }
        thread.start()
    }

    func leave() throws {
        stopping.store(true, ordering: .releasing)
        try eventually("member left") { stopped.load(ordering: .acquiring) }
    }
}
