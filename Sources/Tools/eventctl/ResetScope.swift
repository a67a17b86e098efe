import Kafka

extension ResetOffsets {
    /// Which partitions a reset touches: `--topic` (whole topics or `TOPIC:0,2`), `--all-topics`,
    /// or the lines of `--from-file`.
    enum Scope {
        case topics([(name: String, partitions: [Int32]?)])
        case allTopics
        case file([TopicPartition])

        init(_ arguments: Arguments, target: ResetTarget) throws(Failure) {
            let topics = arguments.values("--topic")
            let all = arguments.flag("--all-topics")
            if case .file(let offsets) = target {
                guard topics.isEmpty && !all else { throw .usage("--from-file takes its partitions from the file: drop --topic/--all-topics") }
                self = .file(offsets)
                return
            }
            guard topics.isEmpty != !all else { throw .usage("choose a scope: --topic TOPIC[:PARTITIONS] (repeatable) or --all-topics") }
            self = all ? .allTopics : .topics(try topics.map(Scope.parse))
        }

        /// The partitions, checked against the cluster; a file's carry their planned offsets.
        func partitions(committed: [TopicPartition], topics: [String: Int32], cluster: Cluster) throws(Failure) -> [TopicPartition] {
            var parts: [TopicPartition] = []
            switch self {
            case .topics(let wanted):
                for (name, only) in wanted {
                    let existing = try cluster.partitions(of: name, in: topics)
                    for partition in only ?? existing {
                        guard existing.contains(partition) else { throw .failed("topic '\(name)' has no partition \(partition)") }
                        parts.append(TopicPartition(name, partition))
                    }
                }
            case .allTopics:
                let names = Set(committed.map(\.topic)).sorted()
                guard !names.isEmpty else { throw .failed("the group has no committed offsets: name the topics with --topic") }
                for name in names { parts += try cluster.partitions(of: name, in: topics).map { TopicPartition(name, $0) } }
            case .file(let offsets):
                for part in offsets {
                    guard try cluster.partitions(of: part.topic, in: topics).contains(part.partition) else {
                        throw .failed("topic '\(part.topic)' has no partition \(part.partition)")
                    }
                }
                parts = offsets
            }
            // Named twice (`--topic t --topic t:0`) is still one partition.
            var seen: Set<TopicPartition> = []
            return parts.filter { seen.insert($0.key).inserted }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }

        /// `TOPIC` or `TOPIC:0,2` (topic names cannot contain a colon).
        private static func parse(_ text: String) throws(Failure) -> (name: String, partitions: [Int32]?) {
            guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
            let list = text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
            let partitions = list.compactMap { Int32($0) }.filter { $0 >= 0 }
            guard colon != text.startIndex, partitions.count == list.count, !partitions.isEmpty else {
                throw .usage("malformed --topic '\(text)': expected TOPIC or TOPIC:0,2")
            }
            return (String(text[..<colon]), partitions)
        }
    }
}
