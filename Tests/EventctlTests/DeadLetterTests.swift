import Foundation
import Kafka
import Testing
import TestSupport

@Suite("eventctl dlq against a real broker", .serialized)
struct DeadLetterTests {
    static let original = "ticketing.booking"
    static let deadLetters = "ticketing.booking.dlq.ticketing.pay"

    /// An original topic with one event, and a dead-letter topic with two events that failed in
    /// ticketing.pay, the first of them twice (a re-drive by a consumer that dead-lettered it
    /// again); returns their ce_ids.
    private func brokerWithDeadLetters() throws -> (TestBroker, [String]) {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec(Self.original, partitions: 1), TopicSpec(Self.deadLetters, partitions: 1)])
        try publish(broker, Self.original, type: "BookingPlaced", key: "b-0")
        let letters = [("b-1", "seat count must be positive"), ("b-2", "missing bookingId")]
        var ids: [String] = []
        for (index, letter) in (letters + [letters[0]]).enumerated() {
            let id = try publish(broker, Self.deadLetters, type: "BookingPlaced", source: "booking", correlation: letter.0, key: letter.0,
                                 data: "{\"bookingId\":\"\(letter.0)\"}", extraHeaders: [
                                     KafkaHeader("dlq_error", letter.1), KafkaHeader("dlq_original_topic", Self.original),
                                     KafkaHeader("dlq_original_partition", "0"), KafkaHeader("dlq_original_offset", "\(index % 2 + 1)"),
                                     KafkaHeader("dlq_consumer_group", "ticketing.pay"), KafkaHeader("dlq_failed_at", "2026-11-21T10:00:0\(index)Z"),
                                 ], id: index == 2 ? ids[0] : UUID().uuidString.lowercased())
            if index < 2 { ids.append(id) }
        }
        return (broker, ids)
    }

    private func records(_ broker: TestBroker, _ topic: String, from offset: Int64, count: Int) throws -> [ConsumedMessage] {
        let reader = try Consumer(properties: groupProperties(broker, "dlq-tests-reader"))
        try reader.assign([TopicPartition(topic, 0, offset: offset)])
        var found: [ConsumedMessage] = []
        try eventually("\(count) records read from \(topic)") {
            if let record = try reader.poll(timeout: .milliseconds(200)) { found.append(record) }
            return found.count == count
        }
        reader.close()
        return found
    }

    private func logEnd(_ broker: TestBroker, _ topic: String) throws -> Int64 {
        try Admin(properties: broker.properties()).watermarks(topic, partition: 0).high
    }

    @Test("dlq list shows the dead-letter topics, and for one topic each dead letter with its error and origin")
    func list() throws {
        let (broker, ids) = try brokerWithDeadLetters()
        let topics = try eventctl(["dlq", "list"], broker: broker.bootstrapServers)
        #expect(topics.status == 0, "\(topics)")
        #expect(topics.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } == [
            [Self.deadLetters, Self.original, "ticketing.pay", "3"],
        ])

        let letters = try eventctl(["dlq", "list", Self.deadLetters], broker: broker.bootstrapServers)
        #expect(letters.status == 0, "\(letters)")
        let rows = letters.rows.map { $0.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(rows == [
            ["0", "0", ids[0], "BookingPlaced", "ticketing.booking:0:1", "2026-11-21T10:00:00Z", "2", "seat count must be positive"],
            ["0", "1", ids[1], "BookingPlaced", "ticketing.booking:0:2", "2026-11-21T10:00:01Z", "1", "missing bookingId"],
        ], "one row per ce_id, its copies counted")

        let notDeadLetters = try eventctl(["dlq", "list", Self.original], broker: broker.bootstrapServers)
        #expect(notDeadLetters.status == 2)
        #expect(notDeadLetters.stderrLines.count == 1)
        let unknown = try eventctl(["dlq", "list", "ticketing.show.dlq.ticketing.pay"], broker: broker.bootstrapServers)
        #expect(unknown.status == 1)
        #expect(unknown.stderrLines == ["eventctl: topic 'ticketing.show.dlq.ticketing.pay' does not exist"])
    }

    @Test("dlq replay --id re-publishes that event with its key, value and headers, minus dlq_* and plus replayed_from, only with --execute")
    func replayOne() throws {
        let (broker, ids) = try brokerWithDeadLetters()
        let dry = try eventctl(["dlq", "replay", Self.deadLetters, "--id", ids[1]], broker: broker.bootstrapServers)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } == [
            ["0", "1", ids[1], "BookingPlaced", Self.original],
        ])
        #expect(dry.stderr.contains("dry run: nothing published"))
        #expect(try logEnd(broker, Self.original) == 1)

        let run = try eventctl(["dlq", "replay", Self.deadLetters, "--id", ids[1], "--execute"], broker: broker.bootstrapServers)
        #expect(run.status == 0, "\(run)")
        #expect(try logEnd(broker, Self.original) == 2)
        let letter = try records(broker, Self.deadLetters, from: 1, count: 1)[0]
        let replayed = try records(broker, Self.original, from: 1, count: 1)[0]
        #expect(replayed.key == Array("b-2".utf8))
        #expect(replayed.value == letter.value)
        #expect(replayed.headers == letter.headers.filter { !$0.name.hasPrefix("dlq_") } + [KafkaHeader("replayed_from", "\(Self.deadLetters):0:1")])
        #expect(replayed.headers.text("ce_id") == ids[1])

        let missing = try eventctl(["dlq", "replay", Self.deadLetters, "--id", "no-such-id", "--execute"], broker: broker.bootstrapServers)
        #expect(missing.status == 1)
        #expect(missing.stderrLines == ["eventctl: no dead letter with ce_id no-such-id in \(Self.deadLetters); nothing replayed"])
        #expect(try logEnd(broker, Self.original) == 2)
    }

    @Test("dlq replay --all re-publishes every dead letter in order, one record per ce_id; an empty topic is nothing matched")
    func replayAll() throws {
        let (broker, ids) = try brokerWithDeadLetters()
        let run = try eventctl(["dlq", "replay", Self.deadLetters, "--all", "--execute"], broker: broker.bootstrapServers)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderrLines == ["replayed 2 dead letter(s) from \(Self.deadLetters)"])
        let replayed = try records(broker, Self.original, from: 1, count: 2)
        #expect(replayed.map { $0.headers.text("ce_id") } == ids)
        #expect(replayed.map { $0.headers.text("replayed_from") } == ["\(Self.deadLetters):0:0", "\(Self.deadLetters):0:1"])

        let usage = try eventctl(["dlq", "replay", Self.deadLetters, "--execute"], broker: broker.bootstrapServers)
        #expect(usage.status == 2)
        #expect(try logEnd(broker, Self.original) == 3, "the copy of the first dead letter is not replayed")

        let empty = "ticketing.show.dlq.ticketing.pay"
        try broker.createTopics([TopicSpec(empty, partitions: 1)])
        let nothing = try eventctl(["dlq", "replay", empty, "--all", "--execute"], broker: broker.bootstrapServers)
        #expect(nothing.status == 1, "\(nothing)")
        #expect(nothing.stderrLines == ["eventctl: no dead letters in \(empty); nothing replayed"])
    }
}
