import JSON

/// Checks a JSON value against the JSON Schema keywords the contract documents use: `type` (one
/// or a list), `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`, `minLength`. Any
/// other keyword is reported rather than ignored, so a schema this cannot read never passes.
public enum SchemaValidation {
    /// Each way `value` breaks `schema`, as "at `path`: what is wrong"; empty when it conforms.
    public static func problems(_ value: JSONNode, against schema: JSONNode, at path: String = "$") -> [String] {
        guard case .object(let keywords) = schema else {
            switch schema {
            case .bool(true): return []
            case .bool(false): return ["at \(path): not allowed"]
            default: return ["at \(path): the schema is not an object"]
            }
        }
        var problems: [String] = []
        for keyword in keywords.distinctKeys where !known.contains(keyword) && !keyword.hasPrefix("x-") {
            problems.append("at \(path): the schema keyword \(keyword) is not supported")
        }
        switch keywords["type"] {
        case nil: break
        case .string(let type)?:
            if !value.isOfType(type) { return problems + ["at \(path): expected \(type), found \(value.canonicalText)"] }
        case .array(let types)? where types.allSatisfy({ $0.stringValue != nil }):
            if !types.contains(where: { value.isOfType($0.stringValue!) }) {
                return problems + ["at \(path): expected \(types.compactMap(\.stringValue).joined(separator: " or ")), found \(value.canonicalText)"]
            }
        case let other?: problems.append("at \(path): the schema's type \(other.canonicalText) is not in a form this reads")
        }
        if case .array(let allowed)? = keywords["enum"], !allowed.contains(value) {
            problems.append("at \(path): \(value.canonicalText) is not one of \(JSONNode.array(allowed).canonicalText)")
        }
        if let constant = keywords["const"], constant != value {
            problems.append("at \(path): expected \(constant.canonicalText), found \(value.canonicalText)")
        }
        if case .number(let minimum)? = keywords["minLength"], case .string(let text) = value, text.count < Int(minimum) ?? 0 {
            problems.append("at \(path): shorter than \(minimum)")
        }
        if case .array(let elements) = value, let items = keywords["items"] {
            for (index, element) in elements.enumerated() { problems += Self.problems(element, against: items, at: "\(path)[\(index)]") }
        }
        if case .object(let members) = value {
            if case .array(let required)? = keywords["required"] {
                for case .string(let key) in required where members[key] == nil { problems.append("at \(path): \(key) is missing") }
            }
            var properties = JSONMembers()
            if case .object(let declared)? = keywords["properties"] { properties = declared }
            for key in members.distinctKeys {
                if let property = properties[key] {
                    problems += Self.problems(members[key]!, against: property, at: "\(path).\(key)")
                } else if let additional = keywords["additionalProperties"] {
                    problems += additional == .bool(false) ? ["at \(path): \(key) is not allowed"]
                        : Self.problems(members[key]!, against: additional, at: "\(path).\(key)")
                }
            }
        }
        return problems
    }

    private static let known: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "minLength", "description", "title",
    ]
}

extension JSONNode {
    var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Whether this is of JSON Schema's `type`; an integer is a number without a fraction or exponent.
    func isOfType(_ type: String) -> Bool {
        switch (type, self) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .number(let text)): !text.contains { $0 == "." || $0 == "e" || $0 == "E" }
        default: false
        }
    }
}
