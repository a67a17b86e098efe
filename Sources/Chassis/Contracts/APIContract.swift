import HTTP
import JSON

/// A system's committed OpenAPI document (`contracts/<system>/openapi.json`), read to check
/// exchanges as a client sees them: the operation must be in it, the answer one it describes (a
/// success status it gives, with its body's schema, or else a problem), and a request that
/// succeeded one its request body's schema allows, read as the services read it.
public struct APIContract: ContractDocument {
    let document: JSONNode

    public static let fileName = "openapi.json"

    /// Every operation: its path template, method (lowercase) and object, in document order.
    public let operations: [(path: String, method: String, operation: JSONNode)]

    public init(_ document: JSONNode) {
        self.document = document
        guard case .object(let paths)? = document["paths"] else {
            operations = []
            return
        }
        operations = paths.distinctKeys.flatMap { path -> [(path: String, method: String, operation: JSONNode)] in
            guard case .object(let methods)? = paths[path] else { return [] }
            return methods.distinctKeys.map { (path, $0, methods[$0]!) }
        }
    }

    /// The operation that serves `method` `path`: the template it matches (`/bookings/7` is
    /// `/bookings/{id}`), a literal segment before a parameter (`/ticketIssuances/cancellations`
    /// is not `/ticketIssuances/{id}`), as the router matches them.
    public func operation(_ method: String, _ path: String) -> JSONNode? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        func parameter(_ part: Substring) -> Bool { part.hasPrefix("{") && part.hasSuffix("}") }
        let matches = operations.filter { operation in
            let parts = operation.path.split(separator: "/", omittingEmptySubsequences: false)
            return operation.method == method.lowercased() && parts.count == segments.count && zip(parts, segments).allSatisfy { part, segment in
                part == segment || (parameter(part) && !segment.isEmpty)
            }
        }
        return matches.min { a, b in
            a.path.split(separator: "/").map(parameter).lexicographicallyPrecedes(b.path.split(separator: "/").map(parameter)) { !$0 && $1 }
        }?.operation
    }

    /// The JSON body's schema of a request body or a response, its reference followed; nil when it has none.
    public func bodySchema(_ part: JSONNode) -> JSONNode? {
        guard let schema = part["content"]?["application/json"]?["schema"] else { return nil }
        guard let pointer = schema["$ref"]?.stringValue, pointer.hasPrefix("#/components/schemas/") else { return schema }
        return document["components"]?["schemas"]?[String(pointer.dropFirst("#/components/schemas/".count))]
    }

    /// Each way an exchange breaks the document: `request` the body sent to `method` `path`, the
    /// rest its answer. Empty when it conforms.
    public func problems(_ method: String, _ path: String, request: [UInt8], status: Int, headers: HTTPHeaders, body: [UInt8]) -> [String] {
        let operation = operation(method, path)
        let contentType = headers["Content-Type"] ?? ""
        if let response = operation?["responses"]?[String(status)] {
            var problems: [String] = []
            if case .object(let documented)? = response["headers"] {
                problems += documented.distinctKeys.filter { headers[$0] == nil }.map { "no \($0) header" }
            }
            if let reads = operation?["requestBody"].flatMap(bodySchema) {
                problems += (try? JSONNode(parsing: request)).map { SchemaValidation.problems(Self.asRead($0, by: reads), against: reads) }
                    .map { $0.map { "the request \($0)" } } ?? ["a request body that is not JSON, accepted"]
            }
            guard let schema = bodySchema(response) else { return problems + (body.isEmpty ? [] : ["a body where the document gives none"]) }
            return problems + Self.problems(body, contentType: contentType, is: "application/json", against: schema)
        }
        guard status >= 400 else {
            return [operation == nil ? "no such operation in the document" : "a success status the document does not give"]
        }
        let problem = document["components"]?["schemas"]?["Problem"] ?? .object(JSONMembers())
        var problems = Self.problems(body, contentType: contentType, is: "application/problem+json", against: problem)
        if problems.isEmpty, let said = (try? JSONNode(parsing: body))?["status"], said != .number(String(status)) {
            problems.append("a problem whose status \(said.canonicalText) is not the answer's")
        }
        return problems
    }

    /// A request body as the services read it (`RequestBody.read`): null is absent (but for a
    /// refused field), a number may come as a string and a string as a number.
    static func asRead(_ body: JSONNode, by schema: JSONNode) -> JSONNode {
        guard case .object(let fields) = body else { return body }
        var read = JSONMembers()
        for key in fields.distinctKeys where fields[key] != .null || schema["properties"]?[key] == .bool(false) {
            switch (schema["properties"]?[key]?["type"]?.stringValue, fields[key]!) {
            case ("integer", .string(let text)) where Int(text) != nil, ("number", .string(let text)) where Double(text) != nil:
                read.append(key, .number(text))
            case ("string", .number(let text)): read.append(key, .string(text))
            case (_, let value): read.append(key, value)
            }
        }
        return .object(read)
    }

    private static func problems(_ body: [UInt8], contentType: String, is expected: String, against schema: JSONNode) -> [String] {
        guard contentType.hasPrefix(expected) else { return ["Content-Type \(contentType), not \(expected)"] }
        guard let value = try? JSONNode(parsing: body) else { return ["a body that is not JSON"] }
        return SchemaValidation.problems(value, against: schema)
    }
}
