import Kafka

/// `eventctl topics`: each topic's partitions, replication and retention, as the broker reports them.
enum Topics {
    static let command = Command(
        words: ["topics"], synopsis: "[TOPIC...] [--json]",
        summary: "List topics with their partitions, replication factor, min.insync.replicas and retention",
        details: """
            Columns: TOPIC PARTITIONS REPLICAS MIN-INSYNC RETENTION-MS (-1: kept forever), for the topics
            named, else every topic but Kafka's internal ones. The services create theirs with unlimited
            retention and, on three or more brokers, 3 replicas of which 2 must be in sync.

              --json  print a JSON array of {"topic", "partitions", "replicas", "minInsyncReplicas", "retentionMs"}
            """,
        options: ["--json": .flag], positionals: 0...1000, run: run)

    struct Row: Encodable {
        let topic: String
        let partitions: Int32
        let replicas: Int32
        let minInsyncReplicas: String
        let retentionMs: String
    }

    static func run(_ invocation: Invocation) throws {
        let cluster = invocation.cluster
        let admin = try cluster.admin()
        let partitions = try cluster.topics()
        let named = invocation.arguments.positionals
        if let unknown = named.first(where: { partitions[$0] == nil }) { throw Failure.failed("no topic \(unknown)") }
        let replicas = try admin.replicationFactors(timeout: cluster.timeout)
        let rows = try (named.isEmpty ? partitions.keys.filter { !$0.hasPrefix("__") }.sorted() : named).map { topic in
            let config = try admin.topicConfig(topic, timeout: cluster.timeout)
            return Row(topic: topic, partitions: partitions[topic] ?? 0, replicas: replicas[topic] ?? 0,
                       minInsyncReplicas: config["min.insync.replicas"] ?? "-", retentionMs: config["retention.ms"] ?? "-")
        }
        if invocation.arguments.flag("--json") { return try Console.printJSON(rows) }
        guard !rows.isEmpty else { return Console.note("no topics") }
        var table = Table("TOPIC", "PARTITIONS", "REPLICAS", "MIN-INSYNC", "RETENTION-MS")
        for row in rows { table.add(row.topic, "\(row.partitions)", "\(row.replicas)", row.minInsyncReplicas, row.retentionMs) }
        print(table.text)
    }
}
