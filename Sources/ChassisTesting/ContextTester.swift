import Chassis
import Foundation
import HTTP
import Kafka
import Storage

/// One bounded context running in this process on an in-memory database: requests go through
/// its router without sockets, events are delivered to its policies as its consumer would
/// (inbox included, so a redelivery is a duplicate), and what it published is read back from its
/// outbox as typed events. No broker, no ports, no processes: a business rule's test takes
/// milliseconds.
///
///     let booking = try ContextTester(BookingContext.self)
///     try booking.deliver(ShowRegistered(id: 1, showName: "Cats", totalCount: 10, remainCount: 10))
///     let answer = try booking.request("POST", "/bookings", ["showId": 1, "qty": 2, "amount": 100])
///     #expect(answer.status == 201)
///     #expect(try booking.published(BookingPlaced.self).map(\.qty) == [2])
public final class ContextTester {
    public let service: Service
    private var deliveries: Int64 = 0

    /// `environment` adds configuration (`BOOKING_CONFIRMATION_TIMEOUT_SECONDS`, an upstream's URL).
    public init<Context: BoundedContext>(_ context: Context.Type, environment: [String: String] = [:]) throws {
        service = try Service(context, arguments: [], environment: environment.merging(["DATABASE_PATH": ":memory:"]) { _, memory in memory })
        try service.migrate()
        try context.install(on: service)
    }

    // MARK: HTTP

    /// Sends a request through the service's router; `json` becomes the body (values as given,
    /// so `"10"` and `10` are both possible).
    public func request(_ method: String, _ path: String, _ json: [String: Any]? = nil, headers: HTTPHeaders = [:]) throws -> Answer {
        guard let json else { return request(method, path, body: [], headers: headers) }
        return request(method, path, body: Array(try JSONSerialization.data(withJSONObject: json)), headers: headers)
    }

    /// Sends a request whose body is exactly `body` (JSON unless `headers` say otherwise).
    public func request(_ method: String, _ path: String, body: [UInt8], headers: HTTPHeaders = [:]) -> Answer {
        var headers = headers
        if headers["Host"] == nil { headers["Host"] = "tester" }
        if !body.isEmpty, headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        return Answer(service.handle(HTTPRequest(method: method, target: path, headers: headers, body: body)))
    }

    // MARK: Events

    /// Delivers `event` as if published by its context on `topic` (by default the topic its
    /// policy for this type reads): a fresh event id each time, unless `id` repeats one; in
    /// saga `saga` when given.
    @discardableResult
    public func deliver<E: DomainEvent>(_ event: E, from topic: String? = nil, id: String? = nil, saga: String? = nil,
                                        time: Date = .now) throws -> Service.Delivery {
        deliveries += 1
        var envelope = try EventEnvelope(event, source: "tester", saga: saga)
        envelope = EventEnvelope(id: id ?? envelope.id, type: envelope.type, source: envelope.source,
                                 time: time.ISO8601Format(.init(includingFractionalSeconds: true)), subject: envelope.subject,
                                 correlationID: envelope.correlationID, data: envelope.data)
        let topics = service.subscribedTopics(for: E.eventType)
        guard let topic = topic ?? topics.first else { return .ignored }   // no policy reads it
        guard topics.count <= 1 || topics.contains(topic) else {
            throw TesterError("\(service.name) reads \(E.eventType) from \(topics): say which")
        }
        return try service.deliver(envelope, from: topic, offset: deliveries)
    }

    /// Delivers the same envelope twice, as a consumer does after a crash between commit and
    /// offset store: the second is a duplicate and changes nothing.
    public func deliverTwice<E: DomainEvent>(_ event: E, from topic: String? = nil) throws -> [Service.Delivery] {
        let id = UUID().uuidString.lowercased()
        return [try deliver(event, from: topic, id: id), try deliver(event, from: topic, id: id)]
    }

    /// Every event of type `E` this context has published so far, oldest first.
    public func published<E: DomainEvent>(_ type: E.Type) throws -> [E] {
        try outbox().filter { $0.type == E.eventType }.map { try $0.decode(E.self) }
    }

    /// Every event it published, as envelopes, oldest first.
    public func outbox() throws -> [EventEnvelope] {
        try outboxRecords().map(\.envelope)
    }

    /// The outbox rows after `seq`, oldest first: each event with the topic it goes to.
    public func outboxRecords(after seq: Int64 = 0) throws -> [(seq: Int64, topic: String, envelope: EventEnvelope)] {
        try service.database.read { c in
            try c.query("SELECT seq, topic, message_key, headers, payload FROM outbox WHERE seq > ? ORDER BY seq", .integer(seq)).map { row in
                // As the relay publishes it and a consumer reads it.
                let message = try OutgoingMessage(outboxRow: row)
                let envelope = try EventEnvelope(headers: message.headers, data: message.value)
                return (try row.int64("seq"), message.topic, envelope)
            }
        }
    }

    /// Runs every background job once (saga deadlines, deferred calls).
    public func runJobs() throws { try service.runJobsOnce() }

    /// Changes the context's own tables, as a crash half-way or an operator would.
    public func execute(_ sql: String, _ parameters: SQLValue...) throws {
        _ = try service.database.write { c in try c.execute(sql, parameters) }
    }

    /// Reads the context's own tables.
    public func query(_ sql: String, _ parameters: SQLValue...) throws -> [Row] {
        try service.database.read { c in try c.query(sql, parameters) }
    }
}

/// An HTTP answer, with its JSON at hand.
public struct Answer: CustomStringConvertible {
    public let response: HTTPResponse
    public init(_ response: HTTPResponse) { self.response = response }

    public var status: Int { response.status }
    public var text: String { String(decoding: response.body, as: UTF8.self) }
    public var description: String { "\(status) \(text)" }

    /// The body as `T`.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    /// The body as a JSON object (`[:]` when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    /// A problem's `detail`.
    public var detail: String { json["detail"] as? String ?? "" }
}
