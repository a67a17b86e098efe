import JSON
import Kafka
import Storage
import Tracing

/// One `BEGIN IMMEDIATE` transaction of a service: the aggregate's changes and the events they
/// publish commit together or not at all (the transactional outbox).
public struct UnitOfWork {
    /// The transaction's connection, for the aggregate's own tables.
    public let db: Connection
    let publisher: Publisher
    /// The saga this work continues: the consumed event's correlation id in a policy.
    let saga: String?
    /// Set once it appends an event.
    let published = PublishedFlag()

    /// Appends `event` to the outbox, to be published on this service's topic after commit.
    /// An event its context does not declare (`BoundedContext.publishes`) is refused, and the
    /// transaction with it: the published language would not say it exists. (A request fails
    /// with a 500; a policy's event goes to the dead-letter topic rather than crash-looping.)
    public func publish<E: DomainEvent>(_ event: E) throws {
        try append(try envelope(event))
    }

    /// Publishes one fact in two versions of the published language, with one CloudEvents id:
    /// `old`, then `event`, its successor (README, "Contracts": an incompatible change). A
    /// consumer that reads both applies the fact once, whichever it reads first, in any replay,
    /// because its inbox knows the id; one that reads either applies it once too. Both must be
    /// about one aggregate, so that they share a partition.
    public func publish<New: DomainEvent, Old: DomainEvent>(_ event: New, alongside old: Old) throws {
        guard event.aggregateID == old.aggregateID else {
            throw ContractViolation("\(New.eventType) and \(Old.eventType) of one fact are about aggregates \(event.aggregateID) and \(old.aggregateID)")
        }
        let first = try envelope(old)
        try append(first)
        try append(try envelope(event, id: first.id))
    }

    private func envelope<E: DomainEvent>(_ event: E, id: String = TimeOrderedUUID.next()) throws -> EventEnvelope {
        guard publisher.eventTypes.contains(E.eventType) else {
            throw ContractViolation("\(publisher.source) publishes \(E.eventType), which its context's `publishes` does not declare")
        }
        return try EventEnvelope(event, source: publisher.source, saga: saga, id: id)
    }

    /// With the trace of the work that published it (a request, a policy run), so that whoever
    /// reads it continues that trace, even when it is published after a restart.
    private func append(_ envelope: EventEnvelope) throws {
        // Rows must commit in `seq` order: the relay reads past the highest `seq` it has seen.
        try db.serialize(on: "outbox")
        let headers = envelope.headers + (TraceContext.current?.kafkaHeaders ?? [])
        published.value = true
        try db.execute("INSERT INTO outbox (topic, message_key, headers, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                       .text(publisher.topic), .text(envelope.subject), .text(OutboxHeaders.text(headers)),
                       .blob(envelope.data), .text(envelope.time))
    }
}

/// Whether a unit of work published anything; it lives on one thread, as its transaction.
final class PublishedFlag: @unchecked Sendable {
    var value = false
}

/// Who publishes through a unit of work: a service's CloudEvents source (`ticketing-booking`), its
/// topic (`ticketing.booking`: topics belong to publishers) and the event types its context declares.
struct Publisher: Sendable {
    let source: String
    let topic: String
    let eventTypes: Set<String>
}

extension OutgoingMessage {
    /// The record an outbox row (`SELECT topic, message_key, headers, payload`) is published as.
    package init(outboxRow row: Row) throws {
        self.init(topic: try row.string("topic"), key: Array(try row.string("message_key").utf8),
                  value: try row.blob("payload"), headers: try OutboxHeaders.headers(try row.string("headers")))
    }
}

/// An outbox row's `headers`: `[["ce_id","…"],…]`, each header a name and its text, in order.
/// Written and read by hand: through Codable they cost more than the rest of the row.
enum OutboxHeaders {
    static func text(_ headers: [KafkaHeader]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(512)
        for (index, header) in headers.enumerated() {
            out += (index == 0 ? "[" : ",[").utf8
            JSONText.appendString(header.name, to: &out)
            out.append(UInt8(ascii: ","))
            JSONText.appendString(header.text, to: &out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func headers(_ text: String) throws(DatabaseError) -> [KafkaHeader] {
        if let headers = withoutEscapes(text) { return headers }
        guard case .array(let pairs)? = try? JSONNode(parsing: text.utf8) else { throw malformed }
        return try pairs.map { pair throws(DatabaseError) in
            guard case .array(let parts) = pair, parts.count == 2, case .string(let name) = parts[0], case .string(let value) = parts[1] else {
                throw malformed
            }
            return KafkaHeader(name, value)
        }
    }

    /// What `text` writes when no header needs an escape (the relay reads one row per event):
    /// split at the quotes, with no JSON tree in between. nil for anything else, which `headers`
    /// reads as JSON.
    private static func withoutEscapes(_ text: String) -> [KafkaHeader]? {
        var text = text
        return text.withUTF8 { bytes -> [KafkaHeader]? in
            var i = 0
            func take(_ byte: UInt8) -> Bool {
                guard i < bytes.count, bytes[i] == byte else { return false }
                i += 1
                return true
            }
            func string() -> UnsafeBufferPointer<UInt8>? {
                guard take(UInt8(ascii: "\"")) else { return nil }
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    guard bytes[i] >= 0x20, bytes[i] != UInt8(ascii: "\\") else { return nil }
                    i += 1
                }
                guard i < bytes.count else { return nil }
                defer { i += 1 }
                return UnsafeBufferPointer(rebasing: bytes[start..<i])
            }
            guard take(UInt8(ascii: "[")) else { return nil }
            var headers: [KafkaHeader] = []
            if take(UInt8(ascii: "]")) { return i == bytes.count ? headers : nil }
            repeat {
                guard take(UInt8(ascii: "[")), let name = string(), take(UInt8(ascii: ",")), let value = string(),
                      take(UInt8(ascii: "]")) else { return nil }
                headers.append(KafkaHeader(String(decoding: name, as: UTF8.self), Array(value)))
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) && i == bytes.count ? headers : nil
        }
    }

    private static let malformed = DatabaseError.mismatch("an outbox row's headers are not a JSON array of [name, text] pairs")
}
