import HTTP
import JSON
import Synchronization

/// A command's body as a type: its fields are what the route reads, and what the system's
/// OpenAPI document says the operation takes (`DecodedSchema` learns them, as it learns events).
///
///     struct PlaceBooking: RequestBody {
///         let showId: Int, qty: Int
///         let showName: String?
///         func validate() throws(Problem) { guard qty > 0 else { throw .badRequest("…") } }
///     }
public protocol RequestBody: Decodable, Sendable {
    /// What the fields' types cannot say: a range, the one status a POST may set.
    func validate() throws(Problem)
    /// Fields a client may not send at all, even as null (what a PATCH cannot change): a 400.
    static var refusedFields: [String] { get }
    /// Said after "field 'x' cannot be changed; ": what to do instead.
    static var refusedAdvice: String { get }
}

extension RequestBody {
    public func validate() throws(Problem) {}
    public static var refusedFields: [String] { [] }
    public static var refusedAdvice: String { "it is not the client's to set" }

    /// `body` read with `JSONObject`'s leniency and its 400s, which name the field: a number may
    /// arrive as a string (`qty=10` from HTTPie), null is absent, a field the type does not know is
    /// ignored (as Spring does), and a string outside an enumeration is refused with the ones it takes.
    public static func read(_ body: [UInt8]) throws -> Self {
        let object = try JSONObject(body: body)
        for field in refusedFields where object.contains(field) {
            throw Problem.badRequest("field '\(field)' cannot be changed; \(refusedAdvice)")
        }
        var normalized = JSONMembers()
        for field in try RequestFields.of(Self.self) {
            guard let value = try field.value(in: object) else {
                if field.required { throw Problem.badRequest("field '\(field.key)' is required") }
                continue
            }
            normalized.append(field.key, value)
        }
        let command = try JSONCodec.decode(Self.self, from: .object(normalized))
        try command.validate()
        return command
    }
}

/// A body's top-level fields as its type decodes them, learnt once per type.
struct RequestFields: Sendable {
    let key: String
    let shape: Shape
    let required: Bool

    private static let known = Mutex<[ObjectIdentifier: [RequestFields]]>([:])

    static func of<Body: RequestBody>(_ type: Body.Type) throws -> [RequestFields] {
        if let fields = known.withLock({ $0[ObjectIdentifier(type)] }) { return fields }
        guard case .object(let members) = try Shape.record(type, path: []).shape else {
            preconditionFailure("\(type) must decode a JSON object")
        }
        let fields = members.map { RequestFields(key: $0.key, shape: $0.shape, required: $0.required) }
        known.withLock { $0[ObjectIdentifier(type)] = fields }
        return fields
    }

    /// The field's value as the strict decoder wants it, or nil when it is absent or null.
    func value(in object: JSONObject) throws -> JSONNode? {
        switch shape {
        case .integer: return try object.optionalInt(key).map { .number(String($0)) }
        case .number: return try object.optionalDouble(key).map { .number("\($0)") }
        case .string: return try object.optionalString(key).map(JSONNode.string)
        case .enumeration(let values):
            guard let text = try object.optionalString(key) else { return nil }
            guard values.contains(text) else {
                throw Problem.badRequest("field '\(key)' must be \(values.map { "'\($0)'" }.joined(separator: " or ")), not '\(text)'")
            }
            return .string(text)
        case .boolean, .anything, .array, .object, .map:
            // Read strictly: `Router` names the field of a value of the wrong type.
            return object.node(key)
        }
    }
}
