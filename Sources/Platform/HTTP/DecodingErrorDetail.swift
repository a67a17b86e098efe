import JSON

/// Turns a `DecodingError` from a handler's `JSONDecoder` into a `detail` that names the field.
enum DecodingErrorDetail {
    static func describe(_ error: DecodingError, body: [UInt8]) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "field '\(path(context.codingPath + [key]))' is required"
        case .valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' must not be null"
        case .typeMismatch(let type, let context):
            let expected = expectedKind(type)
            return context.codingPath.isEmpty
                ? "request body must be \(expected)"
                : "field '\(path(context.codingPath))' must be \(expected)"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "field '\(path(context.codingPath))' has an invalid value"
        case .dataCorrupted:
            // Foundation on Linux reports a fraction decoded as an integer as corrupt data with no
            // field path, just like broken JSON; parsing the body again tells the two apart.
            let isJSON = (try? JSONNode(parsing: body)) != nil
            return isJSON ? "request body has a value of the wrong type (e.g. a fraction where an integer is expected)"
                          : "request body is not valid JSON"
        @unknown default:
            return "request body could not be decoded"
        }
    }

    /// `items[2].qty`
    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.enumerated().map { offset, key in
            if let index = key.intValue { return "[\(index)]" }
            return offset == 0 ? key.stringValue : ".\(key.stringValue)"
        }.joined()
    }

    private static func expectedKind(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryInteger.Type: return "an integer"
        case is any BinaryFloatingPoint.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        default:
            // What JSONDecoder reports when it wanted an object or an array for a nested Decodable.
            if type == [String: Any].self { return "a JSON object" }
            if type == [Any].self { return "a JSON array" }
            return "a value of another type"
        }
    }
}
