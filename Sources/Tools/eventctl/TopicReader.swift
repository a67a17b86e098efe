import Kafka

/// Reads whole topics: every partition from its log start up to the log end it had when reading
/// began, so a busy topic still gives a finite answer.
struct TopicReader {
    let cluster: Cluster

    func readAll(_ topics: [String], partitionCounts: [String: Int32], _ visit: (ConsumedMessage) throws -> Void) throws {
        let admin = try cluster.admin()
        var ends: [TopicPartition: Int64] = [:]
        var starts: [TopicPartition] = []
        for topic in topics {
            for partition in 0..<(partitionCounts[topic] ?? 0) {
                let log = try admin.watermarks(topic, partition: partition, timeout: cluster.timeout)
                guard log.high > log.low else { continue }
                ends[TopicPartition(topic, partition)] = log.high
                starts.append(TopicPartition(topic, partition, offset: log.low))
            }
        }
        guard !starts.isEmpty else { return }
        let reader = try cluster.reader()
        defer { reader.close() }
        try reader.assign(starts)

        var lastRecord = ContinuousClock.now
        while !ends.isEmpty {
            guard let record = try reader.poll(timeout: .milliseconds(100)) else {
                guard ContinuousClock.now - lastRecord < cluster.timeout else {
                    let waiting = ends.keys.map(\.description).sorted().joined(separator: ", ")
                    throw Failure.failed("reading stalled: no record within the timeout while \(waiting) still had records to read")
                }
                continue
            }
            lastRecord = ContinuousClock.now
            try visit(record)
            if let end = ends[record.topicPartition], record.offset + 1 >= end { ends[record.topicPartition] = nil }
        }
        // Tansu reports a log end inside the last batch when a producer batched several records:
        // the rest of that batch was fetched with it, so take what is already here.
        let drainUntil = ContinuousClock.now + .milliseconds(300)
        while ContinuousClock.now < drainUntil, let record = try reader.poll(timeout: .milliseconds(100)) { try visit(record) }
    }
}
