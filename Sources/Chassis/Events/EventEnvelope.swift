import Foundation
import JSON
import Kafka

/// CloudEvents 1.0 in Kafka's binary mode: attributes in `ce_*` headers, the event's JSON as value.
public struct EventEnvelope: Sendable {
    public let id: String
    public let type: String
    public let source: String
    public let time: String
    public let subject: String
    public let correlationID: String
    public let data: [UInt8]

    public init(id: String = TimeOrderedUUID.next(), type: String, source: String,
                time: String = EventEnvelope.now(), subject: String, correlationID: String, data: [UInt8]) {
        self.id = id; self.type = type; self.source = source; self.time = time
        self.subject = subject; self.correlationID = correlationID; self.data = data
    }

    /// Wraps a domain event for publishing from `source` (the publishing service), in the saga
    /// the event names, else `saga` (the one being continued), else its aggregate's own.
    public init<E: DomainEvent>(_ event: E, source: String, saga: String? = nil, id: String = TimeOrderedUUID.next()) throws {
        self.init(id: id, type: E.eventType, source: source, subject: event.aggregateID,
                  correlationID: event.correlationID ?? saga ?? event.aggregateID, data: try JSONCodec.encode(event))
    }

    /// Reads the envelope of a consumed record; a record without the required attributes
    /// violates the contract.
    public init(_ message: ConsumedMessage) throws(ContractViolation) {
        try self.init(headers: message.headers, data: message.value)
    }

    /// Reads the envelope from a record's headers and value, as a consumer sees them.
    public init(headers h: [KafkaHeader], data: [UInt8]) throws(ContractViolation) {
        func required(_ name: String) throws(ContractViolation) -> String {
            guard let v = h.text(name), !v.isEmpty else { throw ContractViolation("missing header \(name)") }
            return v
        }
        guard h.text("ce_specversion") == "1.0" else { throw ContractViolation("ce_specversion is not 1.0") }
        self.init(id: try required("ce_id"), type: try required("ce_type"), source: try required("ce_source"),
                  time: h.text("ce_time") ?? "", subject: h.text("ce_subject") ?? "",
                  correlationID: h.text("correlation_id") ?? h.text("ce_subject") ?? "", data: data)
    }

    public var headers: [KafkaHeader] {
        [KafkaHeader("ce_specversion", "1.0"), KafkaHeader("ce_id", id), KafkaHeader("ce_type", type),
         KafkaHeader("ce_source", source), KafkaHeader("ce_time", time), KafkaHeader("ce_subject", subject),
         KafkaHeader("correlation_id", correlationID), KafkaHeader("content-type", "application/json")]
    }

    /// Decodes the data as `E`; data that does not fit violates the contract.
    public func decode<E: DomainEvent>(_ type: E.Type) throws(ContractViolation) -> E {
        do {
            return try JSONCodec.decode(E.self, from: data)
        } catch {
            throw ContractViolation("\(self.type) \(id) does not decode as \(E.self): \(error)")
        }
    }

    /// RFC 3339 time in UTC with milliseconds, as CloudEvents' `time` wants.
    public static func now() -> String { Date.now.ISO8601Format(.init(includingFractionalSeconds: true)) }
}
