import HTTP
import JSON

/// One route of a context's HTTP API, as the system's OpenAPI document shows it.
public struct APIOperation: Sendable {
    public let method: String
    /// Its pattern, `/bookings/{id}`.
    public let path: String
    /// The body it reads; nil when it reads none.
    public let body: (any RequestBody.Type)?
    /// What it answers on success; nil for a route registered without saying (a test's, an
    /// operational one), which the document generator refuses under a gateway route.
    public let answer: RouteAnswer?
    /// On its way out: its successor is served beside it, and the release after the one that
    /// says so may change or remove it without breaking a client.
    public let deprecated: Bool
}

/// What a route answers on success: its statuses and its body's JSON Schema.
public struct RouteAnswer: Sendable {
    public let statuses: [Int]
    /// The schema's name among the document's components ("Booking").
    public let name: String
    /// nil when it has no body.
    public let schema: (@Sendable () throws -> JSONNode)?
    /// Whether it sends `Location`, as a `201 Created` of a new record does.
    public let locates: Bool

    /// One record with its HAL links (`Resource.item`).
    public static func item<Record>(_ resource: Resource<Record>) -> RouteAnswer {
        RouteAnswer(statuses: [200], name: "\(Record.self)", schema: { try resource.itemSchema() }, locates: false)
    }

    /// A new record: `201 Created` with `Location` (`Resource.created`).
    public static func created<Record>(_ resource: Resource<Record>) -> RouteAnswer {
        RouteAnswer(statuses: [201], name: "\(Record.self)", schema: { try resource.itemSchema() }, locates: true)
    }

    /// A new record as `created` answers it, or `200` and the record that was there already, as
    /// the command left it (a retried payment that finds its own, a confirmation of a
    /// reservation the order's event made first).
    public static func createdOrExisting<Record>(_ resource: Resource<Record>) -> RouteAnswer {
        RouteAnswer(statuses: [201, 200], name: "\(Record.self)", schema: { try resource.itemSchema() }, locates: true)
    }

    /// Every record under `_embedded` (`Resource.collection`).
    public static func collection<Record>(_ resource: Resource<Record>) -> RouteAnswer {
        RouteAnswer(statuses: [200], name: "\(Record.self)Collection", schema: { try resource.collectionSchema() }, locates: false)
    }

    /// `204 No Content`: the record is gone.
    public static let noContent = RouteAnswer(statuses: [204], name: "", schema: nil, locates: false)

    /// A plain JSON value of `type`, with any of `statuses`.
    public static func json<Value: Codable>(_ type: Value.Type, statuses: [Int] = [200]) -> RouteAnswer {
        RouteAnswer(statuses: statuses, name: "\(Value.self)", schema: { try DecodedSchema.of(Value.self) }, locates: false)
    }
}

extension Service {
    /// A route that reads a `Body`: the handler gets it read and validated (`RequestBody.read`).
    public func route<Body: RequestBody>(_ method: String, _ pattern: String, body: Body.Type, answers: RouteAnswer, deprecated: Bool = false,
                                         _ handler: @escaping @Sendable (HTTPRequest, Body) throws -> HTTPResponse) {
        register(APIOperation(method: method, path: pattern, body: body, answer: answers, deprecated: deprecated))
        serve(method, pattern) { request in try handler(request, try Body.read(request.body)) }
    }

    /// A route that reads no body.
    public func route(_ method: String, _ pattern: String, answers: RouteAnswer, deprecated: Bool = false, _ handler: @escaping HTTPHandler) {
        register(APIOperation(method: method, path: pattern, body: nil, answer: answers, deprecated: deprecated))
        serve(method, pattern, handler)
    }
}
