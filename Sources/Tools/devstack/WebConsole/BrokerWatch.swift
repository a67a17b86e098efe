import Chassis
import Foundation
import Kafka
import Synchronization

/// The system's consumer groups as the broker has them, every two seconds: which topics each
/// reads (the arrows of the map) and, per partition, its committed offset, the log end and the
/// lag. Read with the admin API only: the console joins no group and commits nothing.
final class BrokerWatch: Sendable {
    struct Partition: Encodable, Sendable {
        let topic: String
        let partition: Int32
        let committed: Int64?
        let end: Int64
        let lag: Int64?
    }

    struct Group: Encodable, Sendable {
        /// `<system>.<context>`, as the service names its group.
        let group: String
        let context: String
        let state: String
        let members: Int
        let topics: [String]
        let partitions: [Partition]
    }

    struct Snapshot: Encodable, Sendable {
        var groups: [Group] = []
        /// Why the broker could not be asked, as the page says it; nil when it answered.
        var problem: String?
    }

    private let system: SystemManifest
    private let kafka: KafkaProperties
    private let state = Mutex(Snapshot(problem: "asking the broker…"))
    static let deadline: Duration = .seconds(2)

    init(system: SystemManifest, kafka: KafkaProperties) {
        self.system = system
        self.kafka = kafka
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in
            var admin: Admin?
            while true {
                do {
                    if admin == nil { admin = try Admin(properties: kafka) }
                    let groups = try read(admin!)
                    state.withLock { $0 = Snapshot(groups: groups, problem: nil) }
                } catch {
                    admin = nil
                    let servers = kafka["bootstrap.servers"] ?? "?"
                    // No offsets from before shown as if they were now's.
                    state.withLock { $0 = Snapshot(groups: [], problem: "the broker at \(servers) does not answer: \(error)") }
                }
                Thread.sleep(forTimeInterval: 2)
            }
        }
        thread.name = "console-broker"
        thread.start()
    }

    private func read(_ admin: Admin) throws -> [Group] {
        let names = system.contexts.map(\.topic)
        let described = Dictionary(try admin.describeConsumerGroups(names, timeout: Self.deadline).map { ($0.name, $0) }) { a, _ in a }
        return try system.contexts.map { context in
            let description = described[context.topic]
            let committed = try admin.committedOffsets(group: context.topic, timeout: Self.deadline)
            let assigned = description?.members.flatMap(\.assignment) ?? []
            let partitions = Set((assigned + committed).map { TopicPartition($0.topic, $0.partition) })
            let offsets = Dictionary(committed.map { (TopicPartition($0.topic, $0.partition), $0.offset) }) { a, _ in a }
            let rows = try partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.map { part in
                let end = try admin.watermarks(part.topic, partition: part.partition, timeout: Self.deadline).high
                let done = offsets[part]
                return Partition(topic: part.topic, partition: part.partition, committed: done, end: end, lag: done.map { max(0, end - $0) })
            }
            return Group(group: context.topic, context: context.name, state: description?.state.rawValue ?? "Unknown",
                         members: description?.members.count ?? 0, topics: Array(Set(rows.map(\.topic))).sorted(), partitions: rows)
        }
    }
}
