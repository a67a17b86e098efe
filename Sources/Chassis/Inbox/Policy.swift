import Kafka
import Storage

/// What a policy knows about the event it reacts to, beyond the event itself.
public struct EventContext: Sendable {
    public let envelope: EventEnvelope
    public let topic: String
    public let partition: Int32
    public let offset: Int64
}

/// "When `E` arrives on `topic`, run this in the same transaction as the inbox insert."
struct Policy: Sendable {
    let topic: String
    let eventType: String
    /// What the handler decodes: the consumer's side of the contract.
    let decodes: any DomainEvent.Type
    let run: @Sendable (EventEnvelope, EventContext, UnitOfWork) throws -> Void

    init<E: DomainEvent>(_ type: E.Type, topic: String, _ handler: @escaping @Sendable (E, EventContext, UnitOfWork) throws -> Void) {
        self.topic = topic
        eventType = E.eventType
        decodes = E.self
        run = { envelope, context, work in try handler(try envelope.decode(E.self), context, work) }
    }
}

extension Policy {
    /// Runs this policy on `envelope` in one write transaction with the inbox insert for
    /// `group`: false, and nothing run, when the group has processed this event id before.
    func process(_ envelope: EventEnvelope, _ context: EventContext, group: String, database: Database,
                 publisher: Publisher) throws -> Bool {
        try database.write { c in try apply(envelope, context, group: group, on: c, publisher: publisher) }
    }

    /// The same within the caller's write transaction on `c`.
    func apply(_ envelope: EventEnvelope, _ context: EventContext, group: String, on c: Connection,
               publisher: Publisher) throws -> Bool {
        let inserted = try c.execute("""
            INSERT INTO inbox (consumer_group, event_id, event_type, topic, processed_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, .text(group), .text(envelope.id), .text(envelope.type), .text(context.topic), .text(EventEnvelope.now()))
        guard inserted == 1 else { return false }
        let saga = envelope.correlationID.isEmpty ? nil : envelope.correlationID
        try run(envelope, context, UnitOfWork(db: c, publisher: publisher, saga: saga))
        return true
    }
}
