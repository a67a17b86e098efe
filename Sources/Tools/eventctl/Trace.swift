import Foundation
import Kafka

/// `eventctl trace CORRELATION-ID`: one saga's events across the system's topics, in time order.
enum Trace {
    static let command = Command(
        words: ["trace"], synopsis: "CORRELATION-ID [--system SYSTEM] [--topic TOPIC...]",
        summary: "Show every event of one saga (booking, cart, order, ...) across the topics, in time order",
        details: """
            Reads every topic except dead-letter and internal ones and prints the records whose
            correlation_id header is CORRELATION-ID: TIME TYPE SOURCE KEY TOPIC PARTITION OFFSET, ordered by
            ce_time (the Kafka timestamp where a record has none). Exits 1 when no event matches.

              --system SYSTEM  only the topics of one system, SYSTEM.<context> (e.g. ticketing)
              --topic TOPIC    only TOPIC; repeatable
            """,
        options: ["--system": .value, "--topic": .value], positionals: 1...1, run: run)

    static func run(_ invocation: Invocation) throws {
        let id = invocation.positional(0)!
        let cluster = invocation.cluster
        let topics = try cluster.topics()
        let scanned = try scope(invocation.arguments, topics: topics, cluster: cluster)

        var events: [ConsumedMessage] = []
        try TopicReader(cluster: cluster).readAll(scanned, partitionCounts: topics) { record in
            if record.headers.text("correlation_id") == id { events.append(record) }
        }
        guard !events.isEmpty else {
            throw Failure.failed("no event with correlation_id '\(id)' in \(scanned.count) topic(s): \(scanned.joined(separator: ", "))")
        }
        events.sort { a, b in
            (a.time ?? .distantPast, a.topic, a.partition, a.offset) < (b.time ?? .distantPast, b.topic, b.partition, b.offset)
        }
        var table = Table("TIME", "TYPE", "SOURCE", "KEY", "TOPIC", "PARTITION", "OFFSET")
        for e in events {
            table.add(e.timeText, e.header("ce_type"), e.header("ce_source"), e.keyText, e.topic, "\(e.partition)", "\(e.offset)")
        }
        print(table.text)
    }

    private static func scope(_ arguments: Arguments, topics: [String: Int32], cluster: Cluster) throws -> [String] {
        let named = arguments.values("--topic")
        for name in named { _ = try cluster.partitions(of: name, in: topics) }
        let system = try arguments.value("--system")
        let candidates = named.isEmpty
            ? topics.keys.filter { DeadLetter.parse(topic: $0) == nil && !$0.hasPrefix("__") }
            : named
        let scanned = Set(candidates.filter { system == nil || $0.hasPrefix(system! + ".") }).sorted()
        guard !scanned.isEmpty else { throw Failure.failed("no topic to search\(system.map { " for system '\($0)'" } ?? "")") }
        return scanned
    }
}
