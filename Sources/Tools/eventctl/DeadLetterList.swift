import Kafka

/// `eventctl dlq list [TOPIC]`: the dead-letter topics, or the dead letters of one.
enum DeadLetterList {
    static let command = Command(
        words: ["dlq", "list"], synopsis: "[TOPIC]",
        summary: "Show the dead-letter topics, or the dead letters of one with their errors",
        details: """
            Without TOPIC: every dead-letter topic (<topic>.dlq.<consumer-group>) with its original topic,
            consumer group and number of records (copies of one event included).
            With TOPIC: one row per dead letter: PARTITION OFFSET CE-ID TYPE ORIGINAL (topic:partition:offset)
            FAILED-AT COPIES ERROR. One ce_id is one dead letter: records of the same event (a consumer
            re-driven past it by an older version, say) show as its COPIES, at the first one's place.
            """,
        options: [:], positionals: 0...1, run: run)

    static func run(_ invocation: Invocation) throws {
        let cluster = invocation.cluster
        let topics = try cluster.topics()
        guard let topic = invocation.positional(0) else { return try listTopics(topics, cluster) }
        guard DeadLetter.parse(topic: topic) != nil else {
            throw Failure.usage("'\(topic)' is not a dead-letter topic (<topic>.dlq.<consumer-group>); eventctl dlq list shows them")
        }
        let letters = try DeadLetter.readAll(topic, cluster: cluster, topics: topics)
        guard !letters.isEmpty else { return Console.note("no dead letters in \(topic)") }
        var table = Table("PARTITION", "OFFSET", "CE-ID", "TYPE", "ORIGINAL", "FAILED-AT", "COPIES", "ERROR")
        for letter in letters {
            let record = letter.record
            table.add("\(record.partition)", "\(record.offset)", letter.id, record.header("ce_type"), letter.originalPosition,
                      record.header("dlq_failed_at"), "\(letter.copies)", record.header("dlq_error"))
        }
        print(table.text)
    }

    private static func listTopics(_ topics: [String: Int32], _ cluster: Cluster) throws {
        let admin = try cluster.admin()
        var table = Table("TOPIC", "ORIGINAL-TOPIC", "CONSUMER-GROUP", "RECORDS")
        for name in topics.keys.sorted() {
            guard let (original, group) = DeadLetter.parse(topic: name) else { continue }
            var records: Int64 = 0
            for partition in 0..<topics[name]! {
                let log = try admin.watermarks(name, partition: partition, timeout: cluster.timeout)
                records += log.high - log.low
            }
            table.add(name, original, group, "\(records)")
        }
        guard !table.isEmpty else { return Console.note("no dead-letter topics") }
        print(table.text)
    }
}
