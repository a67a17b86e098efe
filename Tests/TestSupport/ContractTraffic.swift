import Chassis
import Foundation
import Kafka

/// Every record a test left on its system's topics, checked against the committed AsyncAPI
/// document: what a consumer deployed from the documents would be given.
public enum ContractTraffic {
    /// Reads every topic of `system` on `broker` from its first record to its last and returns
    /// how many records were read and each way one breaks the document (or could not be read).
    public static func check(_ system: SystemManifest, on broker: TestBroker, timeout: Duration = .seconds(30)) throws -> (records: Int, problems: [String]) {
        let contract = try EventContract(contentsOf: ProjectPaths.root.appendingPathComponent("contracts/\(system.name)/asyncapi.json"))
        let admin = try Admin(properties: broker.properties())
        var ends: [TopicPartition: Int64] = [:]   // the offset of each partition's last record
        var starts: [TopicPartition] = []
        for (topic, partitions) in try admin.topics() where topic.hasPrefix("\(system.name).") {
            for partition in 0..<partitions {
                let (low, high) = try admin.watermarks(topic, partition: partition)
                guard high > low else { continue }
                ends[TopicPartition(topic, partition)] = high - 1
                starts.append(TopicPartition(topic, partition, offset: low))
            }
        }
        guard !starts.isEmpty else { return (0, []) }
        let consumer = try Consumer(properties: broker.properties([
            "group.id": "contract-traffic-\(UUID().uuidString)", "enable.auto.commit": "false",
        ]))
        defer { consumer.close() }
        try consumer.assign(starts)
        var records = 0, problems: [String] = []
        let deadline = ContinuousClock.now + timeout
        while !ends.isEmpty && ContinuousClock.now < deadline {
            guard let message = try consumer.poll(timeout: .milliseconds(200)) else { continue }
            let partition = TopicPartition(message.topic, message.partition)
            guard let end = ends[partition], message.offset <= end else { continue }
            records += 1
            problems += contract.problems(topic: message.topic, headers: message.headers, value: message.value)
                .map { "\($0) (offset \(message.offset) of partition \(message.partition))" }
            if message.offset == end { ends[partition] = nil }
        }
        problems += ends.keys.map { "\($0) was not read to its end within \(timeout)" }
        return (records, problems)
    }
}
