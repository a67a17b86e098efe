import HTTP
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
