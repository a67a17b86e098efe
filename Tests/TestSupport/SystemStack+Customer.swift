import Foundation
import HTTP

/// The customer's API of a running system: every request through its gateway.
extension SystemStack {
    public func request(_ method: String, _ path: String, _ fields: [String: String]? = nil) throws -> HTTPClientResponse {
        let body = try fields.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let response = try HTTPClient().send(method: method, url: gateway.baseURL + path,
                                             headers: fields == nil ? [:] : ["Content-Type": "application/json"],
                                             body: body, timeout: .seconds(10))
        answers.record(method, path, body, response)
        return response
    }

    /// Sends a command that must succeed and decodes the resource it answers with.
    public func command<T: Decodable>(_ method: String, _ path: String, _ fields: [String: String], as type: T.Type) throws -> T {
        let response = try request(method, path, fields)
        guard (200..<300).contains(response.status) else {
            throw TestSupportError("\(method) \(path) answered \(response.status): \(response.text)")
        }
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    public func get<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        let response = try request("GET", path)
        guard response.status == 200 else { throw TestSupportError("GET \(path) answered \(response.status): \(response.text)") }
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    /// The items of collection `/name`.
    public func list<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
        try get("/\(name)", as: Collection<T>.self)._embedded[name] ?? []
    }
}

private struct Collection<T: Decodable>: Decodable {
    let _embedded: [String: [T]]
}

extension HTTPClientResponse {
    public var text: String { String(decoding: body, as: UTF8.self) }
}
