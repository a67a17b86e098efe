import Kafka

/// `eventctl describe GROUP`: where a group stands on each partition, and who reads it.
enum Describe {
    static let command = Command(
        words: ["describe"], synopsis: "GROUP [--json]",
        summary: "Show a consumer group's offsets, lag and members, one row per partition",
        details: """
            Columns: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID,
            with - where unknown (no committed offset, no member owns the partition, the broker does not
            say). A member that owns no partition gets a row of its own with - as topic. The total lag of
            the partitions with a committed offset follows the table. A warning goes to stderr when the
            group has no active members or is rebalancing.

              --json  print one JSON object {"group", "state", "members", "partitions", "totalLag"};
                      unknown values are left out
            """,
        options: ["--json": .flag], positionals: 1...1, run: run)

    struct Partition: Encodable {
        let topic: String
        let partition: Int32
        let currentOffset: Int64?
        let logEndOffset: Int64
        let lag: Int64?
        let consumerId: String?
        let host: String?
        let clientId: String?
    }

    struct Member: Encodable {
        let consumerId: String
        let host: String?
        let clientId: String?
        let partitions: [String]
    }

    struct Report: Encodable {
        let group: String
        let state: String
        let members: [Member]
        let partitions: [Partition]
        let totalLag: Int64
    }

    static func run(_ invocation: Invocation) throws {
        let cluster = invocation.cluster
        let name = invocation.positional(0)!
        let group = try cluster.group(name)
        let admin = try cluster.admin()
        let committed = Dictionary(try admin.committedOffsets(group: name, timeout: cluster.timeout).map { ($0.key, $0.offset) }) { a, _ in a }
        var owners: [TopicPartition: ConsumerGroupMember] = [:]
        for member in group.members { for part in member.assignment { owners[part.key] = member } }

        let keys = Set(committed.keys).union(owners.keys).sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        let partitions = try keys.map { part in
            let end = try admin.watermarks(part.topic, partition: part.partition, timeout: cluster.timeout).high
            let current = committed[part]
            let owner = owners[part]
            // Never below zero: a broker that under-reports its log end (Tansu does) must not show negative lag.
            return Partition(topic: part.topic, partition: part.partition, currentOffset: current, logEndOffset: end,
                             lag: current.map { max(0, end - $0) }, consumerId: owner?.consumerID,
                             host: known(owner?.host), clientId: known(owner?.clientID))
        }
        let members = group.members.map {
            Member(consumerId: $0.consumerID, host: known($0.host), clientId: known($0.clientID), partitions: $0.assignment.map(\.description))
        }
        let report = Report(group: name, state: group.state.rawValue, members: members, partitions: partitions,
                            totalLag: partitions.compactMap(\.lag).reduce(0, +))

        if invocation.arguments.flag("--json") { try Console.printJSON(report) } else { print(table(report)) }
        if group.members.isEmpty { Console.warn("consumer group '\(name)' has no active members") }
        if group.state.isRebalancing { Console.warn("consumer group '\(name)' is rebalancing (state \(group.state.rawValue))") }
    }

    private static func table(_ report: Report) -> String {
        var table = Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID")
        for p in report.partitions {
            table.add(report.group, p.topic, "\(p.partition)", text(p.currentOffset), "\(p.logEndOffset)", text(p.lag),
                      p.consumerId ?? "-", p.host ?? "-", p.clientId ?? "-")
        }
        for m in report.members where m.partitions.isEmpty {
            table.add(report.group, "-", "-", "-", "-", "-", m.consumerId, m.host ?? "-", m.clientId ?? "-")
        }
        return table.text + "\n\nTOTAL-LAG \(report.totalLag)"
    }

    private static func known(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }

    private static func text(_ number: Int64?) -> String { number.map { "\($0)" } ?? "-" }
}
