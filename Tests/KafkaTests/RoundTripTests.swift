import Foundation
import Kafka
import Testing
import TestSupport

@Suite("Kafka producer and consumer against a real broker", .serialized)
struct RoundTripTests {
    @Test("the loaded librdkafka is the one scripts/setup builds, at least 2.8.0")
    func libraryVersion() throws {
        try LibraryVersion.requireSupported()
        let parts = LibraryVersion.loaded.split(separator: ".").compactMap { Int($0) }
        #expect(parts.lexicographicallyPrecedes([2, 8, 0]) == false, "loaded \(LibraryVersion.loaded)")
    }

    @Test("a client that has talked to the broker is destroyed at once, not after a second of metrics push")
    func quickDestroy() throws {
        let broker = try TestBroker()
        for _ in 1...6 {
            var admin: Admin? = try Admin(properties: broker.properties())
            _ = try admin!.topics()
            let started = ContinuousClock.now
            admin = nil
            #expect(ContinuousClock.now - started < .milliseconds(500), "librdkafka waited for the end of a KIP-714 metrics push")
        }
    }

    @Test("a produced message comes back to a group consumer with key, value and headers")
    func roundTrip() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("rt.events", partitions: 3)])
        let producer = try Producer(properties: broker.properties())
        try producer.sendAndWait(OutgoingMessage(topic: "rt.events", key: Array("k1".utf8), value: Array("{\"a\":1}".utf8),
                                                 headers: [KafkaHeader("ce_type", "Tested")]))

        let consumer = try Consumer(properties: broker.properties(["group.id": "rt.group"].merging(TestBroker.fastGroupProperties) { a, _ in a }))
        try consumer.subscribe(["rt.events"])
        var received: ConsumedMessage?
        try eventually("the message is consumed") {
            received = try consumer.poll(timeout: .milliseconds(200))
            return received != nil
        }
        #expect(received?.key == Array("k1".utf8))
        #expect(received?.value == Array("{\"a\":1}".utf8))
        #expect(received?.headers.text("ce_type") == "Tested")
        try consumer.store(received!)
        try consumer.commit()
        consumer.close()
    }

    @Test("a restarted group member resumes after its stored offset, not from the start")
    func resumesFromStoredOffset() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("resume.events", partitions: 1)])
        let producer = try Producer(properties: broker.properties())
        for i in 0..<10 {
            try producer.sendAndWait(OutgoingMessage(topic: "resume.events", key: nil, value: Array("\(i)".utf8)))
        }
        let props = broker.properties(["group.id": "resume.group"].merging(TestBroker.fastGroupProperties) { a, _ in a })

        func consume(_ count: Int, storing: Int) throws -> [String] {
            let consumer = try Consumer(properties: props)
            try consumer.subscribe(["resume.events"])
            var values: [String] = []
            try eventually("\(count) messages consumed") {
                if let m = try consumer.poll(timeout: .milliseconds(200)) {
                    values.append(String(decoding: m.value, as: UTF8.self))
                    if values.count <= storing { try consumer.store(m) }
                }
                return values.count == count
            }
            consumer.close()
            return values
        }
        // First member reads 6 but finishes (stores) only 4: the next member must get 4...9.
        #expect(try consume(6, storing: 4) == ["0", "1", "2", "3", "4", "5"])
        #expect(try consume(6, storing: 6) == ["4", "5", "6", "7", "8", "9"])
    }

    /// What a member does once the broker lost its state: the offsets committed since (librdkafka
    /// commits the old log's positions on unassign) must not make it skip the new log's records.
    @Test("after resubscribeFromBeginning the next assignment reads from the start, whatever the group committed",
          arguments: ["range", "cooperative-sticky"])
    func resubscribeFromBeginning(strategy: String) throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("again.events", partitions: 1)])
        let producer = try Producer(properties: broker.properties())
        for i in 0..<5 {
            try producer.sendAndWait(OutgoingMessage(topic: "again.events", key: nil, value: Array("\(i)".utf8)))
        }
        let consumer = try Consumer(properties: broker.properties(["group.id": "again.\(strategy)", "partition.assignment.strategy": strategy].merging(TestBroker.fastGroupProperties) { a, _ in a }))
        defer { consumer.close() }
        try consumer.subscribe(["again.events"])
        func read(_ count: Int) throws -> [String] {
            var values: [String] = []
            try eventually("\(count) messages consumed") {
                if let m = try consumer.poll(timeout: .milliseconds(200)) {
                    values.append(String(decoding: m.value, as: UTF8.self))
                    try consumer.store(m)
                }
                return values.count == count
            }
            return values
        }
        #expect(try read(5) == ["0", "1", "2", "3", "4"])
        try consumer.commit()

        try consumer.resubscribeFromBeginning()
        #expect(try read(5) == ["0", "1", "2", "3", "4"], "the committed offset 5 is not where it resumes")
    }
}
