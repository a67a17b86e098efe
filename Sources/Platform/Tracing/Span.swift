import Foundation

/// One timed piece of work in a trace: a request served, a call made, an event published or
/// processed. Exported as OTLP when its tracer exports.
public struct Span: Sendable {
    /// OTLP's `SpanKind`.
    public enum Kind: Int, Sendable {
        case `internal` = 1, server, client, producer, consumer
    }

    public enum Attribute: Sendable, Equatable {
        case string(String)
        case int(Int)
    }

    /// Its own ids: the context its children and the messages it sends carry.
    public let context: TraceContext
    public let parentSpanID: String?
    /// Few distinct values (`POST /bookings/{id}`, `publish ticketing.booking`), never an id.
    public var name: String
    public let kind: Kind
    public let startNanos: UInt64
    public internal(set) var endNanos: UInt64 = 0
    public var attributes: [String: Attribute]
    /// Why it failed; nil for a span that did its work.
    public var failure: String?

    init(name: String, kind: Kind, parent: TraceContext?, attributes: [String: Attribute]) {
        context = parent?.child() ?? .root()
        parentSpanID = parent?.spanID
        self.name = name
        self.kind = kind
        self.attributes = attributes
        startNanos = Self.now()
    }

    static func now() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000_000_000) }
}
