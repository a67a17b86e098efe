@testable import Chassis
import Kafka
import Testing

private struct ThingHappened: DomainEvent, Equatable {
    let thingId: Int
    let sagaId: String
    var aggregateID: String { "thing-\(thingId)" }
    var correlationID: String? { sagaId }
}

@Suite("CloudEvents envelope")
struct EnvelopeTests {
    private func consumed(_ headers: [KafkaHeader], _ value: [UInt8]) -> ConsumedMessage {
        ConsumedMessage(topic: "t", partition: 0, offset: 1, key: nil, value: value, headers: headers, timestamp: nil)
    }

    @Test("an event survives the trip through Kafka headers and JSON data")
    func roundTrip() throws {
        let envelope = try EventEnvelope(ThingHappened(thingId: 4, sagaId: "saga-9"), source: "demo-thing")
        #expect(envelope.type == "ThingHappened")
        #expect(envelope.subject == "thing-4")
        #expect(envelope.correlationID == "saga-9")
        #expect(String(decoding: envelope.data, as: UTF8.self) == #"{"sagaId":"saga-9","thingId":4}"#)
        let back = try EventEnvelope(consumed(envelope.headers, envelope.data))
        #expect(back.id == envelope.id)
        #expect(try back.decode(ThingHappened.self) == ThingHappened(thingId: 4, sagaId: "saga-9"))
        #expect(envelope.headers.text("content-type") == "application/json")
    }

    @Test("an outbox row's headers read back as written, escaped or not; anything else is malformed")
    func outboxHeaders() throws {
        for headers in [[], [KafkaHeader("ce_id", "1"), KafkaHeader("ce_type", "ThingHappened")],
                        [KafkaHeader("a\"b", "c\\d"), KafkaHeader("line", "1\n2"), KafkaHeader("ü", "ß,]")]] {
            #expect(try OutboxHeaders.headers(OutboxHeaders.text(headers)) == headers)
        }
        #expect(try OutboxHeaders.headers(#" [ ["a" , "b"] ] "#) == [KafkaHeader("a", "b")])
        for text in ["", "[", #"[["a"]]"#, #"[["a","b"]"#, #"[["a","b"]]x"#, #"{"a":"b"}"#, #"[["a",1]]"#] {
            #expect(throws: (any Error).self, "\(text)") { try OutboxHeaders.headers(text) }
        }
    }

    @Test("a record without CloudEvents headers violates the contract")
    func missingHeaders() {
        #expect(throws: ContractViolation.self) { try EventEnvelope(consumed([], [])) }
        #expect(throws: ContractViolation.self) {
            try EventEnvelope(consumed([KafkaHeader("ce_specversion", "1.0"), KafkaHeader("ce_type", "X")], []))
        }
    }

    @Test("data that does not fit the event type violates the contract")
    func badData() throws {
        let envelope = try EventEnvelope(ThingHappened(thingId: 4, sagaId: "s"), source: "x")
        let bad = try EventEnvelope(consumed(envelope.headers, Array(#"{"thingId":"four"}"#.utf8)))
        #expect(throws: ContractViolation.self) { try bad.decode(ThingHappened.self) }
    }
}
