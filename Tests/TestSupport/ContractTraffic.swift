import Chassis
import Foundation
import Kafka

/// Every record a test left on its system's topics, checked against the committed AsyncAPI
/// document: what a consumer deployed from the documents would be given.
public enum ContractTraffic {
    public struct Report: Sendable {
        /// How many records were read, dead letters included.
        public var records = 0
        /// Each way a record breaks the document, or a partition that could not be read.
        public var problems: [String] = []
        /// Each record on a dead-letter topic, with why its consumer refused it.
        public var deadLetters: [String] = []
    }

    /// Reads every topic of `system` on `broker` from its first record to its last.
    public static func check(_ system: SystemManifest, on broker: TestBroker, timeout: Duration = .seconds(30)) throws -> Report {
        let contract = try EventContract(contentsOf: ProjectPaths.root.appendingPathComponent(EventContract.path(of: system.name)))
        let admin = try Admin(properties: broker.properties())
        var ends: [TopicPartition: Int64] = [:]   // the offset of each partition's last record
        var starts: [TopicPartition] = []
        for (topic, partitions) in try admin.topics() where topic.hasPrefix("\(system.name).") {
            for partition in 0..<partitions {
                let (low, high) = try admin.watermarks(topic, partition: partition)
                guard high > low else { continue }
                ends[TopicPartition(topic, partition)] = high - 1
                starts.append(TopicPartition(topic, partition, offset: low >= 0 ? low : TopicPartition.beginning))
            }
        }
        var report = Report()
        guard !starts.isEmpty else { return report }
        let consumer = try Consumer(properties: broker.properties([
            "group.id": "contract-traffic-\(UUID().uuidString)", "enable.auto.commit": "false",
        ]))
        defer { consumer.close() }
        try consumer.assign(starts)
        let deadline = ContinuousClock.now + timeout
        while !ends.isEmpty && ContinuousClock.now < deadline {
            guard let message = try consumer.poll(timeout: .milliseconds(200)) else { continue }
            let partition = TopicPartition(message.topic, message.partition)
            guard let end = ends[partition], message.offset <= end else { continue }
            report.records += 1
            let place = "(offset \(message.offset) of partition \(message.partition))"
            if contract.isDeadLetterChannel(message.topic) {
                report.deadLetters.append("\(message.topic): \(message.headers.text("dlq_error") ?? "no dlq_error") \(place)")
            }
            report.problems += contract.problems(topic: message.topic, headers: message.headers, value: message.value).map { "\($0) \(place)" }
            if message.offset == end { ends[partition] = nil }
        }
        report.problems += ends.keys.map { "\($0) was not read to its end within \(timeout)" }
        return report
    }
}
