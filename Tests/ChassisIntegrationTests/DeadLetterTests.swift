import Chassis
import Foundation
import Kafka
import Testing
import TestSupport

@Suite("Poison messages", .serialized)
struct DeadLetterTests {
    @Test("poison messages land in the dead-letter topic with their error, odd but valid ones are processed, and the partition moves on")
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
        var wrongVersion = try ledgerEvent(entryId: 10)
        wrongVersion.headers = wrongVersion.headers.map { $0.name == "ce_specversion" ? KafkaHeader("ce_specversion", "0.3") : $0 }
        var missingField = try ledgerEvent(entryId: 11)
        missingField.value = Array(#"{"entryId":11,"account":"a"}"#.utf8)
        var unknownType = try ledgerEvent(entryId: 12)
        unknownType.headers = unknownType.headers.map { $0.name == "ce_type" ? KafkaHeader("ce_type", "SomethingElse") : $0 }
        var hugeHeader = try ledgerEvent(entryId: 8)
        hugeHeader.headers.append(KafkaHeader("x-junk", String(repeating: "j", count: 100_000)))
        var oversized = try ledgerEvent(entryId: 9)
        oversized.value = Array(#"{"entryId":9,"account":"acct-9","amount":9,"padding":"\#(String(repeating: "p", count: 500_000))"}"#.utf8)
        for message in [badJSON, noHeaders, wrongVersion, missingField, unknownType, hugeHeader, oversized, good] {
            try producer.sendAndWait(message)
        }

        try eventually("the valid events after the poison ones take effect, in order") { try ledger.effects().map(\.entryId) == [8, 9, 7] }

        let dlq = "demo.ledger.dlq.demo.ledger"
        let reader = try Consumer(properties: broker.properties(["group.id": "dlq-reader"].merging(TestBroker.fastGroupProperties) { a, _ in a }))
        try reader.subscribe([dlq])
        var dead: [ConsumedMessage] = []
        try eventually("the four poison messages are in \(dlq)") {
            if let m = try reader.poll(timeout: .milliseconds(200)) { dead.append(m) }
            return dead.count == 4
        }
        // Different keys land on different partitions of the dead-letter topic: match by content, not order.
        let undecodable = try #require(dead.first { $0.value == badJSON.value })
        let headerless = try #require(dead.first { $0.value == noHeaders.value })
        #expect(undecodable.headers.text("dlq_error")?.contains("does not decode as EntryRecorded") == true)
        #expect(headerless.headers.text("dlq_error")?.contains("ce_specversion") == true)
        #expect(undecodable.headers.text("ce_id") == good.headers.text("ce_id"), "original headers are kept")
        #expect(try #require(dead.first { $0.headers.text("ce_id") == wrongVersion.headers.text("ce_id") })
            .headers.text("dlq_error")?.contains("ce_specversion is not 1.0") == true)
        #expect(try #require(dead.first { $0.value == missingField.value }).headers.text("dlq_error")?.contains("amount") == true)
        #expect(dead.map { $0.headers.text("dlq_original_topic") } == Array(repeating: "demo.ledger", count: 4))
        #expect(try reader.poll(timeout: .seconds(1)) == nil, "the unknown type is skipped, not dead-lettered")
        reader.close()
        ledger.stop()
    }
}

@Suite("Policy failures", .serialized)
struct PolicyFailureTests {
    /// The test adds a constraint to the service's own database while the service runs:
    /// effects for the account "poison" break it, as a real schema might.
    static func poisonAccount(_ database: TestDatabase) throws {
        switch database.engine {
        case .sqlite:
            try database.execute("""
                CREATE TRIGGER poison BEFORE INSERT ON effects WHEN NEW.account = 'poison'
                BEGIN SELECT RAISE(ABORT, 'effects refuse the poison account'); END
                """)
        case .postgresql:
            try database.execute("ALTER TABLE effects ADD CONSTRAINT effects_refuse_the_poison_account CHECK (account <> 'poison')")
        }
    }

    @Test("a policy that breaks a constraint dead-letters its event, and the service goes on with the others",
          arguments: StorageEngine.allCases)
    func constraintViolationIsDeadLettered(engine: StorageEngine) throws {
        let dir = try ProjectPaths.temporaryDirectory("poison-policy")
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("demo.ledger", partitions: 3), TopicSpec("demo.ledger.dlq.demo.ledger", partitions: 1)])
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir,
                                        database: try .new(engine, name: "ledger", in: dir))
        try ledger.start()
        try ledger.waitForPartitions()
        try Self.poisonAccount(ledger.database)
        let declared = String(decoding: try ledger.get("/metrics").body, as: UTF8.self)
        for series in ["outbox_publish_failures_total 0", #"consumer_retries_total{topic="demo.ledger"} 0"#,
                       #"consumer_events_total{outcome="dead_lettered",topic="demo.ledger"} 0"#] {
            #expect(declared.contains("\n\(series)\n"), "declared at zero before it happens: \(series)\n\(declared)")
        }

        // The poison in the middle: re-driven below, it falls inside a batch of records (SQLite).
        var healthy: [Int] = []
        for i in 0..<60 { healthy.append(try ledger.recordEntry(account: "acc\(i % 12)", amount: i)) }
        let poisoned = try ledger.recordEntry(account: "poison", amount: 1)
        for i in 60..<120 { healthy.append(try ledger.recordEntry(account: "acc\(i % 12)", amount: i)) }
        try eventually("every other entry takes effect") { Set(try ledger.effects().map(\.entryId)) == Set(healthy) }
        try eventually("the poisoned event is dead-lettered once") {
            try ledger.metric(#"consumer_events_total{outcome="dead_lettered",topic="demo.ledger"}"#) == 1
        }
        #expect(try ledger.metric("consumer_retries_total{topic=\"demo.ledger\"}") == 0, "a constraint violation is never retried")

        let letters = try records(on: "demo.ledger.dlq.demo.ledger", at: broker.bootstrapServers, atLeast: 1)
        #expect(letters.count == 1)
        #expect(letters.first?.headers.text("dlq_error")?.contains("poison") == true)
        #expect(letters.first.map { String(decoding: $0.value, as: UTF8.self).contains(#""entryId":\#(poisoned)"#) } == true)
        #expect(try ledger.get("/readyz").status == 200)

        // Re-driven past it (stopped, offsets to the start, started), the event fails again but
        // is not dead-lettered again: one event, one dead letter.
        #expect(ledger.stop() == 0)
        let admin = try Admin(properties: broker.properties())
        try admin.alterCommittedOffsets(group: "demo.ledger", (0..<3).map { TopicPartition("demo.ledger", $0, offset: 0) })
        try ledger.start()
        try eventually("the re-read poisoned event is recognised as dead-lettered before") {
            try ledger.metric(#"consumer_events_total{outcome="dead_lettered_before",topic="demo.ledger"}"#) == 1
        }
        try eventually("every other re-read event is a duplicate") {
            try ledger.metric(#"consumer_events_total{outcome="duplicate",topic="demo.ledger"}"#) == 120
        }
        #expect(try ledger.effects().map(\.entryId).sorted() == healthy.sorted(), "no effect twice, none lost")
        #expect(try records(on: "demo.ledger.dlq.demo.ledger", at: broker.bootstrapServers, atLeast: 1).count == 1)
        #expect(ledger.stop() == 0)
    }

    @Test("a dead-letter producer that turned fatal is replaced and the dead letter is published once")
    func fatalDeadLetterProducerIsReplaced() throws {
        let cluster = try MockCluster()
        for topic in ["demo.ledger", "demo.ledger.dlq.demo.ledger"] { try cluster.createTopic(topic, partitions: 1) }
        let dir = try ProjectPaths.temporaryDirectory("poison-fatal")
        // The policy waits 2 s before its insert: time to arm the fault between publish and dead letter.
        let ledger = try ServiceProcess("demo-ledger", bootstrapServers: cluster.bootstrapServers, directory: dir,
                                        environment: ["DEMO_PROCESSING_DELAY_MS": "2000"])
        try ledger.start()
        try Self.poisonAccount(ledger.database)

        try ledger.recordEntry(account: "poison", amount: 1)
        try eventually("the entry is published") { try ledger.metric("outbox_published_total") == 1 }
        cluster.failNextProduceRequests([.outOfOrderSequence])
        try eventually("the poisoned event is dead-lettered", timeout: .seconds(30)) {
            try ledger.metric(#"consumer_events_total{outcome="dead_lettered",topic="demo.ledger"}"#) == 1
        }
        #expect(ledger.log.contains("cannot publish dead letter"), "the first attempt failed:\n\(ledger.log)")
        let letters = try records(on: "demo.ledger.dlq.demo.ledger", at: cluster.bootstrapServers, atLeast: 1)
        #expect(letters.count == 1)
        #expect(ledger.stop() == 0)
    }
}

/// Every record on partition 0 of `topic`, read until `count` are there and no more come.
func records(on topic: String, at bootstrap: String, atLeast count: Int) throws -> [ConsumedMessage] {
    let consumer = try Consumer(properties: ["bootstrap.servers": bootstrap, "group.id": "reader-\(UUID())"])
    defer { consumer.close() }
    try consumer.assign([TopicPartition(topic, 0, offset: 0)])
    var records: [ConsumedMessage] = []
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if let message = try consumer.poll(timeout: .milliseconds(500)) {
            records.append(message)
        } else if records.count >= count {
            break
        }
    }
    return records
}

