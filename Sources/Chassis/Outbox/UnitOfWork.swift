import Foundation
import Kafka
import Storage

/// One `BEGIN IMMEDIATE` transaction of a service: the aggregate's changes and the events they
/// publish commit together or not at all (the transactional outbox).
public struct UnitOfWork {
    /// The transaction's connection, for the aggregate's own tables.
    public let db: Connection
    let source: String
    let topic: String
    /// The saga this work continues: the consumed event's correlation id in a policy.
    let saga: String?

    /// Appends `event` to the outbox, to be published on this service's topic after commit.
    public func publish<E: DomainEvent>(_ event: E) throws {
        try publish(event, to: topic)
    }

    /// Appends `event` to the outbox for another topic (rarely needed: topics belong to publishers).
    public func publish<E: DomainEvent>(_ event: E, to topic: String) throws {
        let envelope = try EventEnvelope(event, source: source, saga: saga)
        let headers = try JSONEncoder().encode(envelope.headers.map { [$0.name, $0.text] })
        // Rows must commit in `seq` order: the relay reads past the highest `seq` it has seen.
        try db.serialize(on: "outbox")
        try db.execute("INSERT INTO outbox (topic, message_key, headers, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                       .text(topic), .text(envelope.subject), .text(String(decoding: headers, as: UTF8.self)),
                       .blob(envelope.data), .text(envelope.time))
    }
}

extension OutgoingMessage {
    /// The record an outbox row (`SELECT topic, message_key, headers, payload`) is published as.
    package init(outboxRow row: Row) throws {
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(try row.string("headers").utf8))
        self.init(topic: try row.string("topic"), key: Array(try row.string("message_key").utf8),
                  value: try row.blob("payload"), headers: pairs.map { KafkaHeader($0[0], $0[1]) })
    }
}
