import Foundation
import JSON

/// A system's committed OpenAPI document (`contracts/<system>/openapi.json`), read to check
/// answers as a client is given them: the operation must be in it, and the answer one it
/// describes (a success status it gives, with its body's schema, or else a problem).
public struct APIContract: Sendable {
    let document: JSONNode

    public static let fileName = "openapi.json"

    /// `contracts/<system>/openapi.json`, relative to the repository's root.
    public static func path(of system: String) -> String { "\(EventContract.folder)/\(system)/\(fileName)" }

    /// Reads the document at `url`; an error names the file.
    public init(contentsOf url: URL) throws {
        do {
            self.init(try JSONNode(parsing: Array(try Data(contentsOf: url))))
        } catch {
            throw ContractViolation("\(url.path): \(error)")
        }
    }

    public init(_ document: JSONNode) {
        self.document = document
    }

    /// Every operation: its path template, method (lowercase) and object, in document order.
    public var operations: [(path: String, method: String, operation: JSONNode)] {
        guard case .object(let paths)? = document["paths"] else { return [] }
        return paths.distinctKeys.flatMap { path -> [(path: String, method: String, operation: JSONNode)] in
            guard case .object(let methods)? = paths[path] else { return [] }
            return methods.distinctKeys.map { (path, $0, methods[$0]!) }
        }
    }

    /// The operation at `path`'s template (`/bookings/7` is `/bookings/{id}`) for `method`.
    public func operation(_ method: String, _ path: String) -> JSONNode? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return operations.first { operation in
            let parts = operation.path.split(separator: "/", omittingEmptySubsequences: false)
            return operation.method == method.lowercased() && parts.count == segments.count && zip(parts, segments).allSatisfy { part, segment in
                part == segment || (part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty)
            }
        }?.operation
    }

    /// The JSON body's schema of a request body or a response, its reference followed; nil when it has none.
    public func bodySchema(_ part: JSONNode) -> JSONNode? {
        guard let schema = part["content"]?["application/json"]?["schema"] else { return nil }
        guard let pointer = schema["$ref"]?.stringValue, pointer.hasPrefix("#/components/schemas/") else { return schema }
        return document["components"]?["schemas"]?[String(pointer.dropFirst("#/components/schemas/".count))]
    }

    /// Each way an answer to `method` `path` breaks the document; empty when it conforms.
    public func problems(_ method: String, _ path: String, status: Int, contentType: String, body: [UInt8]) -> [String] {
        let operation = operation(method, path)
        if let response = operation?["responses"]?[String(status)] {
            guard let schema = bodySchema(response) else { return body.isEmpty ? [] : ["a body where the document gives none"] }
            return Self.problems(body, contentType: contentType, is: "application/json", against: schema)
        }
        guard status >= 400 else {
            return [operation == nil ? "no such operation in the document" : "a success status the document does not give"]
        }
        let problem = document["components"]?["schemas"]?["Problem"] ?? .object(JSONMembers())
        return Self.problems(body, contentType: contentType, is: "application/problem+json", against: problem)
    }

    private static func problems(_ body: [UInt8], contentType: String, is expected: String, against schema: JSONNode) -> [String] {
        guard contentType.hasPrefix(expected) else { return ["Content-Type \(contentType), not \(expected)"] }
        guard let value = try? JSONNode(parsing: body) else { return ["a body that is not JSON"] }
        return SchemaValidation.problems(value, against: schema)
    }
}
