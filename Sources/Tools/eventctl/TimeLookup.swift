import Foundation
import Kafka

/// Where `--to-datetime`/`--by-duration` puts each partition: the first record whose timestamp is
/// at or after the time, or the log end when there is none. The broker's offsets-for-times answer
/// is checked against the records before it is used, because a wrong answer is dangerous: Tansu
/// answers offset 0 for a time after the newest record, which would replay the whole log. Only an
/// answer that fails the check is replaced, by a search that assumes timestamps grow along the
/// log (as they do for records our services publish).
struct TimeLookup {
    let cluster: Cluster
    let admin: Admin

    /// One partition's planned offset, and why the broker's answer was not taken.
    struct Answer {
        let offset: Int64
        let correction: String?
    }

    func offsets(at date: Date, of parts: [TopicPartition]) throws -> [TopicPartition: Answer] {
        let time = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        // A time still to come has no record yet; Tansu would answer with the log start.
        let told = date <= Date() ? try admin.offsets(atTimestamp: time, of: parts, timeout: cluster.timeout) : []
        let broker = Dictionary(told.map { ($0.key, $0.offset) }) { a, _ in a }
        let reader = try cluster.reader(properties: ["enable.partition.eof": "true"])
        defer { reader.close() }
        var answers: [TopicPartition: Answer] = [:]
        for part in parts {
            let log = try admin.watermarks(part.topic, partition: part.partition, timeout: cluster.timeout)
            let records = Records(cluster: cluster, reader: reader, topic: part.topic, partition: part.partition, end: log.high)
            // No record that new: Kafka answers -1, meaning the log end.
            let said = told.isEmpty ? log.high : broker[part.key].flatMap { $0 < 0 ? nil : $0 } ?? log.high
            if try records.isFirst(said, atOrAfter: time, log: log) {
                answers[part.key] = Answer(offset: said, correction: nil)
                continue
            }
            let found = try records.search(atOrAfter: time, log: log)
            let seen = try records.first(atOrAfter: said).map { "the record there is from \(Self.text($0.time))" } ?? "it is the log end"
            answers[part.key] = Answer(offset: found, correction: """
                the broker answered offset \(said) for \(date.ISO8601Format()), but \(seen); \
                planned \(found), found from the records' timestamps
                """)
        }
        return answers
    }

    private static func text(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).ISO8601Format(.init(includingFractionalSeconds: true))
    }
}

/// Single records of one partition, read by offset.
private struct Records {
    let cluster: Cluster
    let reader: Consumer
    let topic: String
    let partition: Int32
    let end: Int64

    /// Whether `offset` is where the time starts: a record at or after the time (an earlier
    /// answer would re-read more than asked), or the log end with every record older.
    func isFirst(_ offset: Int64, atOrAfter time: Int64, log: (low: Int64, high: Int64)) throws -> Bool {
        guard offset >= log.low, offset <= log.high else { return false }
        guard offset < log.high else { return try newest(before: log).map { $0.time < time } ?? true }
        return try first(atOrAfter: offset).map { $0.time >= time } ?? true
    }

    /// Binary search on "the next record at or after x is at or after the time".
    func search(atOrAfter time: Int64, log: (low: Int64, high: Int64)) throws -> Int64 {
        guard let newest = try newest(before: log), newest.time >= time else { return log.high }
        var low = log.low, high = newest.offset
        while low < high {
            let middle = low + (high - low) / 2
            if let record = try first(atOrAfter: middle), record.time >= time { high = middle } else { low = middle + 1 }
        }
        return try first(atOrAfter: low)?.offset ?? log.high
    }

    /// The last record before the log end. The last offsets may hold no record a reader sees (a
    /// transaction's commit marker), so it looks back a little further each time.
    private func newest(before log: (low: Int64, high: Int64)) throws -> (offset: Int64, time: Int64)? {
        var back: Int64 = 1
        while log.high - back >= log.low {
            if let record = try first(atOrAfter: log.high - back) { return record }
            back *= 4
        }
        return nil
    }

    /// The first record at or after `offset` (compaction and transaction markers leave gaps),
    /// nil when there is none before the end of the partition.
    func first(atOrAfter offset: Int64) throws -> (offset: Int64, time: Int64)? {
        guard offset < end else { return nil }
        try reader.assign([TopicPartition(topic, partition, offset: offset)])
        var atEnd = false
        let deadline = ContinuousClock.now + cluster.timeout
        while ContinuousClock.now < deadline && !atEnd {
            let record = try reader.poll(timeout: .milliseconds(100)) { error in
                if error.isPartitionEnd { atEnd = true }
            }
            guard let record, record.topic == topic, record.partition == partition, record.offset >= offset else { continue }
            guard let time = record.timestamp else {
                throw Failure.failed("\(topic)[\(partition)] offset \(record.offset) has no timestamp: cannot plan by time")
            }
            return (record.offset, time)
        }
        guard atEnd else { throw Failure.failed("no record read from \(topic)[\(partition)] at offset \(offset) within \(cluster.timeout)") }
        return nil
    }
}
