import HTTP
import JSON
import Synchronization

/// Spring Data REST's HAL shape, which the seeds' outputs show: every item carries `_links` with
/// `self` and its own relation, every collection `_links.self`, as absolute URLs built from the
/// request's host, so that links followed through the gateway stay on the gateway (it sends
/// `X-Forwarded-Host` and `-Proto`).
extension Resource {
    /// One record with its links; `message`, when given, says what the client should know (a
    /// pass created but not paid, and how to pay it).
    public func item(_ record: Record, for request: HTTPRequest, status: Int = 200, headers: HTTPHeaders = [:],
                     message: String? = nil) -> HTTPResponse {
        .json(Linked(record, links: links(of: record, request), message: message), status: status, headers: headers)
    }

    /// `201 Created`, `Location: /bookings/7`, and the record with its links.
    public func created(_ record: Record, for request: HTTPRequest, headers: HTTPHeaders = [:], message: String? = nil) -> HTTPResponse {
        var headers = headers
        headers["Location"] = "/\(path)/\(record.id)"
        return item(record, for: request, status: 201, headers: headers, message: message)
    }

    /// `{"_embedded":{"bookings":[…]},"_links":{"self":…}}`.
    public func collection(_ records: [Record], for request: HTTPRequest) -> HTTPResponse {
        let items = records.map { Linked($0, links: links(of: $0, request)) }
        return .json(Collection(embedded: [path: items], links: ["self": Link(href: Self.origin(of: request) + "/" + path)]))
    }

    private func links(of record: Record, _ request: HTTPRequest) -> [String: Link] {
        let link = Link(href: "\(Self.origin(of: request))/\(path)/\(record.id)")
        return ["self": link, rel: link]
    }

    /// `http://<host>` as the client addressed it: the forwarded host and scheme when a proxy
    /// says them (the first proxy's, when a chain of them did), else the `Host` header.
    static func origin(of request: HTTPRequest) -> String {
        func first(_ header: String) -> String? {
            request.headers[header]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        return "\(first("X-Forwarded-Proto") ?? "http")://\(first("X-Forwarded-Host") ?? request.headers["Host"] ?? "localhost")"
    }
}

struct Link: Codable, Sendable, Equatable {
    let href: String
}

/// A record's own fields — a field that is nil as `null`, as Spring Data REST shows it (a view's
/// status before its event arrives) — then a `message` when there is one, and `_links`.
private struct Linked<Record: Encodable>: Encodable {
    let record: Record
    let links: [String: Link]
    let message: String?

    init(_ record: Record, links: [String: Link], message: String? = nil) {
        self.record = record
        self.links = links
        self.message = message
    }

    /// Every optional field as `null` first; the record's own encoding then replaces those that
    /// have a value (a key encoded twice keeps its last value, in JSONCodec as in JSONEncoder).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for name in OptionalFields.names(of: record) { try container.encodeNil(forKey: Key(name)) }
        try record.encode(to: encoder)
        try container.encodeIfPresent(message, forKey: Key("message"))
        try container.encode(links, forKey: Key("_links"))
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

/// The names of a record type's optional properties (its JSON keys: records keep the synthesized
/// coding keys), found by reflection once per type rather than on every answer.
private enum OptionalFields {
    private static let known = Mutex<[ObjectIdentifier: [String]]>([:])

    static func names<Record>(of record: Record) -> [String] {
        if let names = known.withLock({ $0[ObjectIdentifier(Record.self)] }) { return names }
        let names = Mirror(reflecting: record).children.compactMap { field in
            Mirror(reflecting: field.value).displayStyle == .optional ? field.label : nil
        }
        known.withLock { $0[ObjectIdentifier(Record.self)] = names }
        return names
    }
}

private struct Collection<Item: Encodable>: Encodable {
    let embedded: [String: [Item]]
    let links: [String: Link]

    enum CodingKeys: String, CodingKey {
        case embedded = "_embedded", links = "_links"
    }
}

/// The HAL shapes above as JSON Schema, for the OpenAPI document.
extension Resource {
    /// `item`'s body: every field of the record, an optional one as `null` when it has no value,
    /// then `message` when there is one, and `_links` with `self` and the record's relation.
    func itemSchema() throws -> JSONNode {
        let record = try DecodedSchema.of(Record.self)
        guard case .object(let fields)? = record["properties"] else { preconditionFailure("\(Record.self) must decode a JSON object") }
        let required = Set((record["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        var properties = JSONMembers()
        for name in fields.distinctKeys { properties.append(name, required.contains(name) ? fields[name]! : Self.nullable(fields[name]!)) }
        properties.append("message", Self.schema(["type": .string("string")]))
        properties.append("_links", Self.object(["self": Self.link, rel: Self.link]))
        return Self.schema([
            "type": .string("object"), "properties": .object(properties),
            "required": .array((fields.distinctKeys + ["_links"]).map(JSONNode.string)),
        ])
    }

    /// `collection`'s body: the items under `_embedded.<path>`, and `_links.self`.
    func collectionSchema() throws -> JSONNode {
        Self.object([
            "_embedded": Self.object([path: Self.schema(["type": .string("array"), "items": try itemSchema()])]),
            "_links": Self.object(["self": Self.link]),
        ])
    }

    private static var link: JSONNode { object(["href": schema(["type": .string("string")])]) }

    /// An object with `members`, each required.
    private static func object(_ members: KeyValuePairs<String, JSONNode>) -> JSONNode {
        schema([
            "type": .string("object"), "properties": .object(JSONMembers(members)),
            "required": .array(members.map { JSONNode.string($0.key) }),
        ])
    }

    private static func schema(_ members: KeyValuePairs<String, JSONNode>) -> JSONNode { .object(JSONMembers(members)) }

    /// `schema`, or `null`.
    private static func nullable(_ schema: JSONNode) -> JSONNode {
        guard case .object(let members) = schema, case .string(let type)? = members["type"] else { return schema }
        var nullable = JSONMembers()
        for key in members.distinctKeys {
            switch (key, members[key]!) {
            case ("type", _): nullable.append(key, .array([.string(type), .string("null")]))
            case ("enum", .array(let values)): nullable.append(key, .array(values + [.null]))
            case (_, let value): nullable.append(key, value)
            }
        }
        return .object(nullable)
    }
}
