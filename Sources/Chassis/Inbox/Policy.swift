import Kafka

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
    let run: @Sendable (EventEnvelope, EventContext, UnitOfWork) throws -> Void

    init<E: DomainEvent>(_ type: E.Type, topic: String, _ handler: @escaping @Sendable (E, EventContext, UnitOfWork) throws -> Void) {
        self.topic = topic
        eventType = E.eventType
        run = { envelope, context, work in try handler(try envelope.decode(E.self), context, work) }
    }
}
