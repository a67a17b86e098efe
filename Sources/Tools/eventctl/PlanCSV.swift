import Foundation
import Kafka

/// A reset plan as CSV, in kafka-consumer-groups.sh's `--export` format: `TOPIC,PARTITION,OFFSET`
/// lines, no header, so plans move between the two tools.
enum PlanCSV {
    static func text(_ offsets: [TopicPartition]) -> String {
        offsets.map { "\($0.topic),\($0.partition),\($0.offset)\n" }.joined()
    }

    /// Reads a plan; any bad line fails the whole file, so a half-read plan is never applied.
    static func read(_ path: String) throws(Failure) -> [TopicPartition] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .usage("cannot read plan file \(path)") }
        var offsets: [TopicPartition] = []
        var seen: Set<TopicPartition> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, !fields[0].isEmpty, let partition = Int32(fields[1]), partition >= 0,
                  let offset = Int64(fields[2]), offset >= 0 else {
                throw .usage("\(path):\(index + 1): expected TOPIC,PARTITION,OFFSET with numbers >= 0, got '\(trimmed)'")
            }
            let part = TopicPartition(fields[0], partition, offset: offset)
            guard seen.insert(part.key).inserted else { throw .usage("\(path):\(index + 1): \(part.key) appears twice") }
            offsets.append(part)
        }
        guard !offsets.isEmpty else { throw .usage("plan file \(path) has no TOPIC,PARTITION,OFFSET lines") }
        return offsets
    }
}
