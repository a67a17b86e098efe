import Foundation

/// A value on its way to JSON: objects and arrays are boxes that containers append to.
enum EncodedNode {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    /// Finite: NaN and infinity are refused when encoded, where the coding path is known.
    case double(Double)
    /// A number's text as it is to appear (a `Decimal`'s).
    case number(String)
    case string(String)
    case object(ObjectBox)
    case array(ArrayBox)
    /// What a `superEncoder()` will have written by the time the tree is written.
    case deferred(TreeEncoder)

    /// `value` as a node; `path` is where it sits, for errors.
    static func encoding<T: Encodable>(_ value: T, at path: @autoclosure () -> PathNode?) throws -> EncodedNode {
        // Most values are primitives reached through a generic call (an array's elements, an
        // optional's payload): a type comparison avoids a dynamic cast and an encoder.
        if T.self == String.self { return .string(value as! String) }
        if T.self == Int.self { return .int(Int64(value as! Int)) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        if T.self == Double.self { return try finite(value as! Double, at: path()) }
        if T.self == Date.self { return try finite((value as! Date).timeIntervalSinceReferenceDate, at: path()) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == Decimal.self {
            let decimal = value as! Decimal
            guard decimal.isFinite else { throw notJSON(decimal, at: path()) }
            return .number(decimal.description)
        }
        let encoder = TreeEncoder(path())
        try value.encode(to: encoder)
        return encoder.node ?? .object(ObjectBox())
    }

    static func finite(_ value: Double, at path: @autoclosure () -> PathNode?) throws -> EncodedNode {
        guard value.isFinite else { throw notJSON(value, at: path()) }
        return .double(value)
    }

    /// A Float in its own shortest form (`0.1`, not the Double nearest to it).
    static func finite(_ value: Float, at path: @autoclosure () -> PathNode?) throws -> EncodedNode {
        guard value.isFinite else { throw notJSON(value, at: path()) }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }

    private static func notJSON(_ value: Any, at path: PathNode?) -> EncodingError {
        .invalidValue(value, .init(codingPath: PathNode.keys(path), debugDescription: "\(value) cannot be written in JSON"))
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): JSONText.appendInteger(value, to: &out)
        case .uint(let value): JSONText.appendInteger(value, to: &out)
        case .double(let value): JSONText.appendDouble(value, to: &out)
        case .number(let text): out += text.utf8
        case .string(let value): JSONText.appendString(value, to: &out)
        case .object(let box): box.write(to: &out)
        case .array(let box):
            out.append(UInt8(ascii: "["))
            for (index, element) in box.elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .deferred(let encoder): (encoder.node ?? .object(ObjectBox())).write(to: &out)
        }
    }
}

final class ObjectBox {
    var members: [(key: String, value: EncodedNode)] = []

    /// Keys sorted; a key encoded twice keeps its last value.
    func write(to out: inout [UInt8]) {
        // By bytes, not by String's Unicode-aware order, so that keys spelt differently stay apart.
        let sorted = members.enumerated().sorted { a, b in
            a.element.key.utf8.elementsEqual(b.element.key.utf8) ? a.offset < b.offset
                : a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
        }
        out.append(UInt8(ascii: "{"))
        var first = true
        for (position, (_, member)) in sorted.enumerated() {
            if position + 1 < sorted.count && sorted[position + 1].element.key.utf8.elementsEqual(member.key.utf8) { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

final class ArrayBox {
    var elements: [EncodedNode] = []
}

/// The `Encoder` a type's `encode(to:)` writes through; it is also its single-value container.
final class TreeEncoder: Encoder, SingleValueEncodingContainer {
    let path: PathNode?
    var node: EncodedNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ path: PathNode?) { self.path = path }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case .object(let existing)? = node {
            box = existing
        } else {
            box = ObjectBox()
            node = .object(box)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing)? = node {
            box = existing
        } else {
            box = ArrayBox()
            node = .array(box)
        }
        return UnkeyedContainer(box: box, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() { node = .null }
    func encode(_ value: Bool) { node = .bool(value) }
    func encode(_ value: String) { node = .string(value) }
    func encode(_ value: Double) throws { node = try .finite(value, at: path) }
    func encode(_ value: Float) throws { node = try .finite(value, at: path) }
    func encode(_ value: Int) { node = .int(Int64(value)) }
    func encode(_ value: Int8) { node = .int(Int64(value)) }
    func encode(_ value: Int16) { node = .int(Int64(value)) }
    func encode(_ value: Int32) { node = .int(Int64(value)) }
    func encode(_ value: Int64) { node = .int(value) }
    func encode(_ value: UInt) { node = .uint(UInt64(value)) }
    func encode(_ value: UInt8) { node = .uint(UInt64(value)) }
    func encode(_ value: UInt16) { node = .uint(UInt64(value)) }
    func encode(_ value: UInt32) { node = .uint(UInt64(value)) }
    func encode(_ value: UInt64) { node = .uint(value) }
    func encode<T: Encodable>(_ value: T) throws { node = try EncodedNode.encoding(value, at: path) }
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }

    private func add(_ key: Key, _ node: EncodedNode) { box.members.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) { add(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) { add(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) { add(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { add(key, try .finite(value, at: PathNode(path, key))) }
    mutating func encode(_ value: Float, forKey key: Key) throws { add(key, try .finite(value, at: PathNode(path, key))) }
    mutating func encode(_ value: Int, forKey key: Key) { add(key, .int(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) { add(key, .int(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) { add(key, .int(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) { add(key, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) { add(key, .int(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) { add(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) { add(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) { add(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) { add(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) { add(key, .uint(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        add(key, try EncodedNode.encoding(value, at: PathNode(path, key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        add(key, .object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, path: PathNode(path, key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        add(key, .array(nested))
        return UnkeyedContainer(box: nested, path: PathNode(path, key))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: SuperKey()) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let encoder = TreeEncoder(PathNode(path, key))
        box.members.append((key.stringValue, .deferred(encoder)))
        return encoder
    }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: ArrayBox
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var count: Int { box.elements.count }

    private func add(_ node: EncodedNode) { box.elements.append(node) }

    mutating func encodeNil() { add(.null) }
    mutating func encode(_ value: Bool) { add(.bool(value)) }
    mutating func encode(_ value: String) { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(try .finite(value, at: PathNode(path, IndexKey(count)))) }
    mutating func encode(_ value: Float) throws { add(try .finite(value, at: PathNode(path, IndexKey(count)))) }
    mutating func encode(_ value: Int) { add(.int(Int64(value))) }
    mutating func encode(_ value: Int8) { add(.int(Int64(value))) }
    mutating func encode(_ value: Int16) { add(.int(Int64(value))) }
    mutating func encode(_ value: Int32) { add(.int(Int64(value))) }
    mutating func encode(_ value: Int64) { add(.int(value)) }
    mutating func encode(_ value: UInt) { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) { add(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        add(try EncodedNode.encoding(value, at: PathNode(path, IndexKey(count))))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        let nestedPath = PathNode(path, IndexKey(count))
        add(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, path: nestedPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        let nestedPath = PathNode(path, IndexKey(count))
        add(.array(nested))
        return UnkeyedContainer(box: nested, path: nestedPath)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = TreeEncoder(PathNode(path, IndexKey(count)))
        add(.deferred(encoder))
        return encoder
    }
}
