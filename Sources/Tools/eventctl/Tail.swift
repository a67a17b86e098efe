import Foundation
import Kafka
import Synchronization

/// Set by SIGINT or SIGTERM while tailing: Ctrl-C ends the tail normally (exit 0).
private let interrupted = Atomic<Bool>(false)

/// `eventctl tail TOPIC`: follows a topic and prints each event's envelope and data.
enum Tail {
    static let command = Command(
        words: ["tail"], synopsis: "TOPIC [--from-beginning] [--max-messages N]",
        summary: "Follow a topic and print each event's envelope (headers) and data",
        details: """
            Starts at the end of every partition and prints records as they arrive, until Ctrl-C (exit 0). Each
            record: a line with topic, partition, offset, key and time, then its headers (the CloudEvents
            envelope), then its data.

              --from-beginning  start at the log start instead
              --max-messages N  stop after N records
            """,
        options: ["--from-beginning": .flag, "--max-messages": .value], positionals: 1...1, run: run)

    static func run(_ invocation: Invocation) throws {
        let topic = invocation.positional(0)!
        let limit = try invocation.arguments.value("--max-messages").map { text throws(Failure) in
            guard let n = Int(text), n > 0 else { throw .usage("--max-messages needs a number > 0, got '\(text)'") }
            return n
        }
        let fromStart = invocation.arguments.flag("--from-beginning")
        let cluster = invocation.cluster
        let partitions = try cluster.partitions(of: topic, in: cluster.topics())
        let admin = try cluster.admin()
        // Concrete offsets rather than librdkafka's logical "end": once the note below is printed,
        // every record produced after it is shown.
        let starts = try partitions.map { partition in
            let log = try admin.watermarks(topic, partition: partition, timeout: cluster.timeout)
            return TopicPartition(topic, partition, offset: fromStart ? log.low : log.high)
        }
        let reader = try cluster.reader()
        defer { reader.close() }
        try reader.assign(starts)
        // Before the note, so that a Ctrl-C as soon as it shows ends the tail normally.
        signal(SIGINT) { _ in interrupted.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in interrupted.store(true, ordering: .relaxed) }
        Console.note("following \(topic) (\(partitions.count) partitions) from the \(fromStart ? "beginning" : "end"); Ctrl-C stops")

        var shown = 0
        var lastProblem = ""
        while shown < limit ?? .max && !interrupted.load(ordering: .relaxed) {
            guard let record = try reader.poll(timeout: .milliseconds(500), onError: { error in
                // A broker that stays away repeats the same error: say it once.
                if error.message != lastProblem { Console.warn(cluster.explain(error)) }
                lastProblem = error.message
            }) else { continue }
            lastProblem = ""
            print(text(record))
            fflush(nil)
            shown += 1
        }
    }

    static func text(_ record: ConsumedMessage) -> String {
        let head = "--- \(record.topic) partition \(record.partition) offset \(record.offset) key \(record.keyText) time \(record.timeText)"
        let envelope = record.headers.map { "\($0.name): \($0.text)" }
        let data = record.value.isEmpty ? "(no data)" : String(decoding: record.value, as: UTF8.self)
        return ([head] + envelope + [data]).joined(separator: "\n")
    }
}
