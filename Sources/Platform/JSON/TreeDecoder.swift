import Foundation

/// The `Decoder` a type's `init(from:)` reads through; it is also its single-value container.
final class TreeDecoder: Decoder, SingleValueDecodingContainer {
    let node: JSONNode
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: JSONNode, path: PathNode?) { self.node = node; self.path = path }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw node.mismatch([String: Any].self, at: path) }
        return KeyedDecodingContainer(KeyedReader<Key>(members: members, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else { throw node.mismatch([Any].self, at: path) }
        return UnkeyedReader(elements: elements, path: path)
    }

    func singleValueContainer() -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { node == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try node.bool(at: path) }
    func decode(_ type: String.Type) throws -> String { try node.string(at: path) }
    func decode(_ type: Double.Type) throws -> Double { try node.double(at: path) }
    func decode(_ type: Float.Type) throws -> Float { try node.float(at: path) }
    func decode(_ type: Int.Type) throws -> Int { try node.integer(at: path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try node.integer(at: path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try node.integer(at: path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try node.integer(at: path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try node.integer(at: path) }
    func decode(_ type: UInt.Type) throws -> UInt { try node.integer(at: path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try node.integer(at: path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try node.integer(at: path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try node.integer(at: path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try node.integer(at: path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try node.decode(T.self, at: path) }

    /// The value itself, as `JSONCodec.decode` reads it.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T { try node.decode(T.self, at: path) }
}

extension JSONNode {
    /// This node as `T`; `path` is where it sits, for errors.
    func decode<T: Decodable>(_ type: T.Type, at path: @autoclosure () -> PathNode?) throws -> T {
        // Primitives reached through a generic call (array elements, optionals) skip a decoder.
        if T.self == String.self { return try string(at: path()) as! T }
        if T.self == Int.self { return try (integer(at: path()) as Int) as! T }
        if T.self == Bool.self { return try bool(at: path()) as! T }
        if T.self == Double.self { return try double(at: path()) as! T }
        if T.self == Date.self { return Date(timeIntervalSinceReferenceDate: try double(at: path())) as! T }
        if T.self == URL.self {
            guard let url = URL(string: try string(at: path())) else { throw corrupted("not a valid URL", at: path()) }
            return url as! T
        }
        if T.self == Data.self {
            guard let data = Data(base64Encoded: try string(at: path())) else { throw corrupted("not valid base64", at: path()) }
            return data as! T
        }
        if T.self == Decimal.self {
            guard case .number(let text) = self else { throw mismatch(Decimal.self, at: path()) }
            guard let decimal = Decimal(string: text) else { throw corrupted("number <\(text)> does not fit in Decimal", at: path()) }
            return decimal as! T
        }
        return try T(from: TreeDecoder(self, path: path()))
    }

    func bool(at path: @autoclosure () -> PathNode?) throws -> Bool {
        guard case .bool(let value) = self else { throw mismatch(Bool.self, at: path()) }
        return value
    }

    func string(at path: @autoclosure () -> PathNode?) throws -> String {
        guard case .string(let value) = self else { throw mismatch(String.self, at: path()) }
        return value
    }

    func double(at path: @autoclosure () -> PathNode?) throws -> Double {
        guard case .number(let text) = self else { throw mismatch(Double.self, at: path()) }
        guard let value = Double(text), value.isFinite else { throw corrupted("number <\(text)> does not fit in Double", at: path()) }
        return value
    }

    func float(at path: @autoclosure () -> PathNode?) throws -> Float {
        guard case .number(let text) = self else { throw mismatch(Float.self, at: path()) }
        guard let value = Float(text), value.isFinite else { throw corrupted("number <\(text)> does not fit in Float", at: path()) }
        return value
    }

    /// An integer from its digits, or from a number that is exactly one (`1.0`, `1e3`), read
    /// exactly: `9007199254740993.5` is no integer, though a Double would round it to one.
    func integer<I: FixedWidthInteger>(at path: @autoclosure () -> PathNode?) throws -> I {
        guard case .number(let text) = self else { throw mismatch(I.self, at: path()) }
        if let value = I(text) ?? JSONNode.wholeNumberDigits(text).flatMap({ I($0) }) { return value }
        throw corrupted("number <\(text)> does not fit in \(I.self)", at: path())
    }

    /// A JSON number's value as plain integer digits (`-1.20e2` → `-120`) when it is a whole
    /// number, else nil. One too large for any integer type gives more digits than any holds.
    public static func wholeNumberDigits(_ text: String) -> String? {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(mantissa[mantissa.index(after: e)...].drop { $0 == "+" }) else { return nil }
            exponent = max(-400, min(400, value))
            mantissa = mantissa[..<e]
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        var digits = Array(mantissa.filter { $0 != "." })
        // The decimal point sits after the integer part's digits, moved by the exponent.
        let point = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count) + exponent
        if point < digits.count {
            guard point >= 0 ? digits[point...].allSatisfy({ $0 == "0" }) : digits.allSatisfy({ $0 == "0" }) else { return nil }
            digits = Array(digits.prefix(max(0, point)))
        } else {
            digits += Array(repeating: "0", count: point - digits.count)
        }
        let whole = String(digits.drop { $0 == "0" })
        return whole.isEmpty ? "0" : (negative ? "-" : "") + whole
    }

    func mismatch(_ type: Any.Type, at path: @autoclosure () -> PathNode?) -> DecodingError {
        let context = DecodingError.Context(codingPath: PathNode.keys(path()), debugDescription: "expected \(type) but found \(kind)")
        return self == .null ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }

    func corrupted(_ reason: String, at path: @autoclosure () -> PathNode?) -> DecodingError {
        .dataCorrupted(.init(codingPath: PathNode.keys(path()), debugDescription: reason))
    }
}

struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: JSONMembers
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var allKeys: [Key] { members.distinctKeys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func node(_ key: Key) throws -> JSONNode {
        guard let node = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for '\(key.stringValue)'"))
        }
        return node
    }

    func decodeNil(forKey key: Key) throws -> Bool { try node(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try node(key).bool(at: PathNode(path, key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try node(key).string(at: PathNode(path, key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try node(key).double(at: PathNode(path, key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try node(key).float(at: PathNode(path, key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try node(key).integer(at: PathNode(path, key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try node(key).integer(at: PathNode(path, key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try node(key).decode(T.self, at: PathNode(path, key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(node(key), path: PathNode(path, key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(node(key), path: PathNode(path, key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { TreeDecoder(members["super"] ?? .null, path: PathNode(path, SuperKey())) }
    func superDecoder(forKey key: Key) throws -> any Decoder { TreeDecoder(members[key.stringValue] ?? .null, path: PathNode(path, key)) }
}

struct UnkeyedReader: UnkeyedDecodingContainer {
    let elements: [JSONNode]
    let path: PathNode?
    var currentIndex = 0
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(elements: [JSONNode], path: PathNode?) { self.elements = elements; self.path = path }

    /// The next element and its path; the index moves on only once it decoded.
    private mutating func next<T>(_ read: (JSONNode, () -> PathNode) throws -> T) throws -> T {
        let path = path, index = currentIndex
        let elementPath = { PathNode(path, IndexKey(index)) }
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: PathNode.keys(elementPath()), debugDescription: "the array has ended"))
        }
        let value = try read(elements[currentIndex], elementPath)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        if isAtEnd { return try next { _, _ in false } }   // throws: the array has ended
        guard elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.bool(at: $1()) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.string(at: $1()) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.double(at: $1()) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.float(at: $1()) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.integer(at: $1()) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.integer(at: $1()) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decode(T.self, at: $1()) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try TreeDecoder($0, path: $1()).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { try TreeDecoder($0, path: $1()).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder { try next { TreeDecoder($0, path: $1()) } }
}
