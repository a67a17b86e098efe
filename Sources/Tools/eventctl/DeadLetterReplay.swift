import Kafka

/// `eventctl dlq replay TOPIC`: re-publishes dead letters to their original topic once the cause
/// is fixed.
enum DeadLetterReplay {
    static let command = Command(
        words: ["dlq", "replay"], synopsis: "TOPIC (--id CE-ID... | --all) [--execute]",
        summary: "Re-publish dead letters to their original topic, headers kept and a replay marker added",
        details: """
            Prints the plan (PARTITION OFFSET CE-ID TYPE TARGET); nothing is published unless --execute is
            given. Each replay has the original key, value and headers (without the dlq_* ones) and the
            header replayed_from=<dlq topic>:<partition>:<offset>. Records are published one at a time, in
            the dead-letter topic's order, each confirmed by the broker before the next. One ce_id is one dead
            letter: copies of an event are replayed once. Nothing to replay (an empty topic, an unknown
            --id) exits 1 with nothing published.

              --id CE-ID   the dead letter whose ce_id header is CE-ID; repeatable
              --all        every dead letter of TOPIC
              --dry-run    only show the plan (the default)
              --execute    publish
            """,
        options: ["--id": .value, "--all": .flag, "--execute": .flag, "--dry-run": .flag], positionals: 1...1, run: run)

    static func run(_ invocation: Invocation) throws {
        let arguments = invocation.arguments
        let topic = invocation.positional(0)!
        let ids = arguments.values("--id")
        guard ids.isEmpty == arguments.flag("--all") else { throw Failure.usage("choose the dead letters: --id CE-ID (repeatable) or --all") }
        guard DeadLetter.parse(topic: topic) != nil else {
            throw Failure.usage("'\(topic)' is not a dead-letter topic (<topic>.dlq.<consumer-group>); eventctl dlq list shows them")
        }
        let execute = arguments.flag("--execute")
        guard !(execute && arguments.flag("--dry-run")) else { throw Failure.usage("--execute and --dry-run contradict each other") }

        let cluster = invocation.cluster
        let topics = try cluster.topics()
        let letters = try DeadLetter.readAll(topic, cluster: cluster, topics: topics).filter { ids.isEmpty || ids.contains($0.id) }
        let missing = ids.filter { id in !letters.contains { $0.id == id } }
        guard missing.isEmpty else { throw Failure.failed("no dead letter with ce_id \(missing.joined(separator: ", ")) in \(topic); nothing replayed") }
        guard !letters.isEmpty else { throw Failure.failed("no dead letters in \(topic); nothing replayed") }

        var table = Table("PARTITION", "OFFSET", "CE-ID", "TYPE", "TARGET")
        for letter in letters {
            table.add("\(letter.record.partition)", "\(letter.record.offset)", letter.id, letter.record.header("ce_type"), letter.originalTopic)
        }
        print(table.text)
        guard execute else { return Console.note("dry run: nothing published; add --execute to replay these \(letters.count) dead letter(s)") }

        if let target = Set(letters.map(\.originalTopic)).first(where: { topics[$0] == nil }) {
            throw Failure.failed("original topic '\(target)' does not exist; nothing replayed")
        }
        let producer = try cluster.producer()
        for (done, letter) in letters.enumerated() {
            do {
                try producer.sendAndWait(letter.replay)
            } catch {
                throw Failure.failed("replayed \(done) of \(letters.count); \(letter.record.position) failed: \(cluster.explain(error))")
            }
        }
        Console.note("replayed \(letters.count) dead letter(s) from \(topic)")
    }
}
