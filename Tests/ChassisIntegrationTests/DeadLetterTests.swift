import Chassis
import Foundation
import Kafka
import Testing
import TestSupport

@Suite("Poison messages", .serialized)
struct DeadLetterTests {
    @Test("a poison message lands in the dead-letter topic with its error and the partition moves on")
    func poisonMessage() throws {
        let dir = try ProjectPaths.temporaryDirectory("poison")
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("demo.ledger", partitions: 1)])
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir)
        try ledger.start()

        let producer = try Producer(properties: broker.properties())
        let good = try ledgerEvent(entryId: 7)
        var badJSON = good
        badJSON.value = Array("{\"entryId\": \"not a number\"".utf8)
        let noHeaders = OutgoingMessage(topic: "demo.ledger", key: nil, value: Array("hello".utf8))
        try producer.sendAndWait(badJSON)
        try producer.sendAndWait(noHeaders)
        try producer.sendAndWait(good)

        try eventually("the good event after the poison ones takes effect") { try ledger.effects().map(\.entryId) == [7] }

        let dlq = "demo.ledger.dlq.demo.ledger"
        let reader = try Consumer(properties: broker.properties(["group.id": "dlq-reader"].merging(TestBroker.fastGroupProperties) { a, _ in a }))
        try reader.subscribe([dlq])
        var dead: [ConsumedMessage] = []
        try eventually("both poison messages are in \(dlq)") {
            if let m = try reader.poll(timeout: .milliseconds(200)) { dead.append(m) }
            return dead.count == 2
        }
        // Different keys land on different partitions of the dead-letter topic: match by content, not order.
        let undecodable = try #require(dead.first { $0.value == badJSON.value })
        let headerless = try #require(dead.first { $0.value == noHeaders.value })
        #expect(undecodable.headers.text("dlq_error")?.contains("does not decode as EntryRecorded") == true)
        #expect(headerless.headers.text("dlq_error")?.contains("ce_specversion") == true)
        #expect(undecodable.headers.text("ce_id") == good.headers.text("ce_id"), "original headers are kept")
        #expect(dead.map { $0.headers.text("dlq_original_topic") } == ["demo.ledger", "demo.ledger"])
        reader.close()
        ledger.stop()
    }
}
