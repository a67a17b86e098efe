import Foundation
import Kafka

/// Where `--to-datetime`/`--by-duration` puts each partition: the first record whose timestamp is
/// at or after the time, or the log end when there is none. The broker's offsets-for-times answer
/// is checked against the records themselves, because a wrong answer is dangerous: Tansu answers
/// offset 0 for a time after the newest record, which would replay the whole log. Assumes
/// timestamps grow along the log, as they do for records our services publish.
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
        let reader = try cluster.reader()
        defer { reader.close() }
        var answers: [TopicPartition: Answer] = [:]
        for part in parts {
            let log = try admin.watermarks(part.topic, partition: part.partition, timeout: cluster.timeout)
            let records = Records(cluster: cluster, reader: reader, topic: part.topic, partition: part.partition, end: log.high)
            let found = try firstOffset(atOrAfter: time, in: log, records)
            // No record that new: Kafka answers -1, meaning the log end.
            let said = told.isEmpty ? found : broker[part.key].flatMap { $0 < 0 ? nil : $0 } ?? log.high
            let correction = said == found ? nil : """
                the broker answered offset \(said) for \(date.ISO8601Format()), but the records say \(found) \
                (\(try describe(said, records, log))); planned \(found)
                """
            answers[part.key] = Answer(offset: found, correction: correction)
        }
        return answers
    }

    /// Binary search on "the next record at or after x is at or after the time": true at the
    /// newest record (checked first), monotonic when timestamps grow along the log.
    private func firstOffset(atOrAfter time: Int64, in log: (low: Int64, high: Int64), _ records: Records) throws -> Int64 {
        guard log.high > log.low, let newest = try records.first(atOrAfter: log.high - 1), newest.time >= time else { return log.high }
        var low = log.low, high = newest.offset
        while low < high {
            let middle = low + (high - low) / 2
            if let record = try records.first(atOrAfter: middle), record.time >= time { high = middle } else { low = middle + 1 }
        }
        return try records.first(atOrAfter: low)?.offset ?? log.high
    }

    private func describe(_ offset: Int64, _ records: Records, _ log: (low: Int64, high: Int64)) throws -> String {
        guard offset < log.high, let record = try records.first(atOrAfter: offset) else { return "it is the log end" }
        return "the record there is from \(Date(timeIntervalSince1970: Double(record.time) / 1000).ISO8601Format())"
    }
}

/// Single records of one partition, read by offset.
private struct Records {
    let cluster: Cluster
    let reader: Consumer
    let topic: String
    let partition: Int32
    let end: Int64

    /// The first record at or after `offset` (compaction and transaction markers leave gaps),
    /// nil when there is none before the log end.
    func first(atOrAfter offset: Int64) throws -> (offset: Int64, time: Int64)? {
        guard offset < end else { return nil }
        try reader.assign([TopicPartition(topic, partition, offset: offset)])
        let deadline = ContinuousClock.now + cluster.timeout
        while ContinuousClock.now < deadline {
            guard let record = try reader.poll(timeout: .milliseconds(100)),
                  record.topic == topic, record.partition == partition, record.offset >= offset else { continue }
            guard let time = record.timestamp else {
                throw Failure.failed("\(topic)[\(partition)] offset \(record.offset) has no timestamp: cannot plan by time")
            }
            return (record.offset, time)
        }
        throw Failure.failed("no record read from \(topic)[\(partition)] at offset \(offset) within \(cluster.timeout)")
    }
}
