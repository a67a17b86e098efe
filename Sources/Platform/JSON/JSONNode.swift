/// A parsed JSON document. Numbers keep their text, so that an integer is read exactly and a
/// fraction where an integer is wanted can be refused rather than truncated.
public enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object(JSONMembers)

    /// Parses one JSON text (RFC 8259, nothing before or after it but whitespace).
    public init(parsing bytes: some Collection<UInt8>) throws(JSONSyntaxError) {
        func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONNode, JSONSyntaxError> {
            var parser = JSONParser(buffer)
            return Result { () throws(JSONSyntaxError) in try parser.document() }
        }
        let parsed = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        self = try parsed.get()
    }

    /// The document in one form: compact, each object's keys once (with their last value) in byte
    /// order, strings escaped as `JSONText` escapes them, numbers as written. Texts that differ
    /// only in spacing, member order, escapes or repeated keys give the same bytes.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        writeCanonical(to: &out)
        return out
    }

    private func writeCanonical(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .number(let text): out += text.utf8
        case .string(let value): JSONText.appendString(value, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.writeCanonical(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.distinctKeys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.writeCanonical(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// What a decoding error says it found.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// An object's members in document order. A key given twice means its last value.
public struct JSONMembers: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONNode] = []
    /// Past a handful of members a lookup by scanning costs more than hashing.
    private var index: [String: Int]?

    public init() {}

    /// Members in the order given (a document that is written, such as a schema).
    public init(_ members: KeyValuePairs<String, JSONNode>) {
        for (key, value) in members { append(key, value) }
    }

    public mutating func append(_ key: String, _ value: JSONNode) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > 12 {
            index = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { $1 })
        }
    }

    public subscript(key: String) -> JSONNode? {
        if let index { return index[key].map { values[$0] } }
        var i = keys.count - 1
        while i >= 0 {
            if keys[i] == key { return values[i] }
            i -= 1
        }
        return nil
    }

    /// Each key once, in the order it first appears.
    public var distinctKeys: [String] {
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    public static func == (a: JSONMembers, b: JSONMembers) -> Bool {
        let keys = a.distinctKeys
        return Set(keys) == Set(b.distinctKeys) && keys.allSatisfy { a[$0] == b[$0] }
    }
}

/// Where and why a text is not JSON.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "not valid JSON at byte \(offset): \(reason)" }
}
