/// Reads whole topics: every partition from its log start up to the log end it had when reading
/// began, so a busy topic still gives a finite answer (eventctl's trace and dead letters, the
/// console's saga view).
public struct TopicScan {
    private let admin: Admin
    private let reader: () throws -> Consumer
    private let timeout: Duration

    /// `reader` makes a consumer for assigned partitions (one that never joins a group or commits);
    /// `timeout` bounds each request, and how long reading may go on with no record arriving.
    public init(admin: Admin, reader: @escaping () throws -> Consumer, timeout: Duration) {
        self.admin = admin
        self.reader = reader
        self.timeout = timeout
    }

    public func readAll(_ topics: [String], partitionCounts: [String: Int32], _ visit: (ConsumedMessage) throws -> Void) throws {
        var ends: [TopicPartition: Int64] = [:]
        var starts: [TopicPartition] = []
        for topic in topics {
            for partition in 0..<(partitionCounts[topic] ?? 0) {
                let log = try admin.watermarks(topic, partition: partition, timeout: timeout)
                guard log.high > log.low else { continue }
                ends[TopicPartition(topic, partition)] = log.high
                starts.append(TopicPartition(topic, partition, offset: log.low))
            }
        }
        guard !starts.isEmpty else { return }
        let reader = try reader()
        defer { reader.close() }
        try reader.assign(starts)

        var lastRecord = ContinuousClock.now
        while !ends.isEmpty {
            guard let record = try reader.poll(timeout: .milliseconds(100)) else {
                guard ContinuousClock.now - lastRecord < timeout else { throw TopicScanStalled(waiting: ends.keys.map(\.description).sorted()) }
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

public struct TopicScanStalled: Error, CustomStringConvertible {
    /// The partitions that still had records to read.
    public let waiting: [String]
    public var description: String {
        "reading stalled: no record within the timeout while \(waiting.joined(separator: ", ")) still had records to read"
    }
}
