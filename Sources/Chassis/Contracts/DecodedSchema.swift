import Foundation
import JSON

/// What decoding a type asks of its JSON, as a JSON Schema: each key it reads, whether the key
/// must be there (`decode`) or may be missing (`decodeIfPresent`, or a key it first asks
/// `contains` about), each value's type, and the strings an enumeration accepts. Learnt by
/// decoding the type once through a decoder that notes every question and answers it with a
/// placeholder, so no schema is written by hand and none drifts from the code. For an event a
/// consumer decodes, it is what the consumer needs: a required key missing, a type changed or a
/// string its enumeration lacks fails its decoding.
///
/// An enumeration must be `CaseIterable` with `String` raw values (every `Lifecycle` is). A type
/// whose `init(from:)` branches on what it reads is learnt along the branch its placeholders take.
public enum DecodedSchema {
    public static func of<T: Decodable>(_ type: T.Type) throws -> JSONNode {
        try Shape.record(T.self, path: []).shape.schema
    }
}

/// What one value is asked to be.
indirect enum Shape: Sendable {
    case string, integer, number, boolean, anything
    case enumeration([String])
    case array(Shape)
    /// Keys in the order they were read, each with whether it must be present.
    case object([(key: String, shape: Shape, required: Bool)])
    /// An object whose keys are data (a dictionary), each value of one shape.
    case map(Shape)

    var schema: JSONNode {
        func schema(_ members: KeyValuePairs<String, JSONNode>) -> JSONNode { .object(JSONMembers(members)) }
        switch self {
        case .string: return schema(["type": .string("string")])
        case .integer: return schema(["type": .string("integer")])
        case .number: return schema(["type": .string("number")])
        case .boolean: return schema(["type": .string("boolean")])
        case .anything: return schema([:])
        case .enumeration(let values): return schema(["type": .string("string"), "enum": .array(values.map(JSONNode.string))])
        case .array(let element): return schema(["type": .string("array"), "items": element.schema])
        case .map(let value): return schema(["type": .string("object"), "additionalProperties": value.schema])
        case .object(let members):
            var properties = JSONMembers()
            for member in members { properties.append(member.key, member.shape.schema) }
            var object = JSONMembers(["type": .string("object"), "properties": .object(properties)])
            let required = members.filter(\.required).map { JSONNode.string($0.key) }
            if !required.isEmpty { object.append("required", .array(required)) }
            return .object(object)
        }
    }

    /// A placeholder `T` and the shape decoding it asked for.
    static func record<T: Decodable>(_ type: T.Type, path: [any CodingKey]) throws -> (value: T, shape: Shape) {
        if let (value, shape) = primitive(T.self) { return (value, shape) }
        if let iterable = T.self as? any CaseIterable.Type {
            let cases = allCases(iterable)
            let values = cases.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }
            guard let first = cases.first as? T, values.count == cases.count else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: path, debugDescription: "\(T.self) is not an enumeration of strings"))
            }
            return (first, .enumeration(values))
        }
        let recorder = ShapeRecorder(path: path)
        let value: T
        do {
            value = try T(from: recorder)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: """
                \(T.self) cannot be learnt by decoding it once with placeholders (is it an enumeration of strings that is not \
                CaseIterable?): \(error)
                """))
        }
        return (value, recorder.shape)
    }

    private static func allCases<C: CaseIterable>(_ type: C.Type) -> [Any] { Array(type.allCases) }

    /// The types `JSONCodec` writes as one JSON value of their own (a `Date` as seconds since
    /// 2001, a `Decimal` as a number, the rest as text), with a placeholder of each. A `UUID`, a
    /// `URL` and `Data` are plain strings here: a field's change from `String` to one of them is
    /// not seen as a change.
    static func primitive<T>(_ type: T.Type) -> (T, Shape)? {
        switch T.self {
        case is String.Type: ("" as! T, .string)
        case is Bool.Type: (false as! T, .boolean)
        case is Double.Type: (0.0 as! T, .number)
        case is Float.Type: (Float(0) as! T, .number)
        case is Int.Type: (0 as! T, .integer)
        case is Int8.Type: (Int8(0) as! T, .integer)
        case is Int16.Type: (Int16(0) as! T, .integer)
        case is Int32.Type: (Int32(0) as! T, .integer)
        case is Int64.Type: (Int64(0) as! T, .integer)
        case is UInt.Type: (UInt(0) as! T, .integer)
        case is UInt8.Type: (UInt8(0) as! T, .integer)
        case is UInt16.Type: (UInt16(0) as! T, .integer)
        case is UInt32.Type: (UInt32(0) as! T, .integer)
        case is UInt64.Type: (UInt64(0) as! T, .integer)
        case is Date.Type: (Date(timeIntervalSinceReferenceDate: 0) as! T, .number)
        case is Decimal.Type: (Decimal(0) as! T, .number)
        case is URL.Type: (URL(string: "http://localhost")! as! T, .string)
        case is UUID.Type: (UUID() as! T, .string)
        case is Data.Type: (Data() as! T, .string)
        default: nil
        }
    }
}

/// The decoder a type's `init(from:)` reads through while its shape is learnt; it is also its
/// single-value container. Containers nested in it keep recorders of their own, read when the
/// shape is asked for, so what is decoded through them after they are made is not lost.
final class ShapeRecorder: Decoder, SingleValueDecodingContainer {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// What was asked of this value so far.
    fileprivate enum Asked {
        case value(Shape)
        case object([(key: String, value: Part, required: Bool)])
        case map(Part)
        case array(Part)
    }
    /// A part of a value: a shape known now, or a nested container's recorder.
    fileprivate enum Part {
        case shape(Shape), nested(ShapeRecorder)
        var shape: Shape {
            switch self {
            case .shape(let shape): shape
            case .nested(let recorder): recorder.shape
            }
        }
    }
    fileprivate var asked = Asked.value(.anything)
    /// Keys the type asked `contains` about: it copes with their absence.
    fileprivate var probed: Set<String> = []

    init(path: [any CodingKey]) { codingPath = path }

    var shape: Shape {
        switch asked {
        case .value(let shape): shape
        case .object(let members): .object(members.map { ($0.key, $0.value.shape, $0.required) })
        case .map(let value): .map(value.shape)
        case .array(let element): .array(element.shape)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        if case .value = asked { asked = .object([]) }
        return KeyedDecodingContainer(KeyedShapeRecorder<Key>(self))
    }

    func unkeyedContainer() -> any UnkeyedDecodingContainer {
        asked = .array(.shape(.anything))
        return UnkeyedShapeRecorder(self)
    }

    func singleValueContainer() -> any SingleValueDecodingContainer { self }

    fileprivate func note(_ key: String, _ part: Part, required: Bool) {
        switch asked {
        case .map: asked = .map(part)
        case .object(var members):
            members.removeAll { $0.key == key }
            members.append((key, part, required && !probed.contains(key)))
            asked = .object(members)
        case .value, .array: asked = .object([(key, part, required && !probed.contains(key))])
        }
    }

    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try single(T.self) }
    func decode(_ type: Bool.Type) throws -> Bool { try single(type) }
    func decode(_ type: String.Type) throws -> String { try single(type) }
    func decode(_ type: Double.Type) throws -> Double { try single(type) }
    func decode(_ type: Float.Type) throws -> Float { try single(type) }
    func decode(_ type: Int.Type) throws -> Int { try single(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try single(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try single(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try single(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try single(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try single(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try single(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try single(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try single(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try single(type) }

    private func single<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, shape) = try Shape.record(T.self, path: codingPath)
        asked = .value(shape)
        return value
    }
}

/// An array is learnt from one element.
private struct UnkeyedShapeRecorder: UnkeyedDecodingContainer {
    let recorder: ShapeRecorder
    init(_ recorder: ShapeRecorder) { self.recorder = recorder }
    var codingPath: [any CodingKey] { recorder.codingPath }
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    mutating func decodeNil() -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element(T.self) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try element(type) }
    mutating func decode(_ type: String.Type) throws -> String { try element(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try element(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try element(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try element(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try element(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try element(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try element(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try element(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try element(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element(type) }

    private mutating func element<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, shape) = try Shape.record(T.self, path: codingPath)
        recorder.asked = .array(.shape(shape))
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedDecodingContainer<NestedKey> {
        nested().container(keyedBy: NestedKey.self)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer { nested().unkeyedContainer() }
    mutating func superDecoder() -> any Decoder { nested() }

    private mutating func nested() -> ShapeRecorder {
        let nested = ShapeRecorder(path: codingPath)
        recorder.asked = .array(.nested(nested))
        currentIndex += 1
        return nested
    }
}

private struct KeyedShapeRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: ShapeRecorder
    init(_ recorder: ShapeRecorder) { self.recorder = recorder }
    var codingPath: [any CodingKey] { recorder.codingPath }
    /// Asked only by a type whose keys are data: before any key was read, it is a map, learnt
    /// from one placeholder key.
    var allKeys: [Key] {
        if case .object(let members) = recorder.asked, members.isEmpty { recorder.asked = .map(.shape(.anything)) }
        return (Key(stringValue: "0") ?? Key(intValue: 0)).map { [$0] } ?? []
    }
    func contains(_ key: Key) -> Bool {
        recorder.probed.insert(key.stringValue)
        return true
    }
    func decodeNil(forKey key: Key) -> Bool { false }

    private func take<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) throws -> T {
        let (value, shape) = try Shape.record(T.self, path: codingPath + [key])
        recorder.note(key.stringValue, .shape(shape), required: required)
        return value
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try take(T.self, key, required: true) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try take(T.self, key, required: false) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try take(type, key, required: true) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try take(type, key, required: true) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try take(type, key, required: true) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try take(type, key, required: true) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try take(type, key, required: true) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try take(type, key, required: true) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try take(type, key, required: true) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try take(type, key, required: true) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try take(type, key, required: true) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try take(type, key, required: true) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try take(type, key, required: true) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try take(type, key, required: true) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try take(type, key, required: true) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try take(type, key, required: true) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try take(type, key, required: false) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try take(type, key, required: false) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedDecodingContainer<NestedKey> {
        nested(key).container(keyedBy: NestedKey.self)
    }
    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer { nested(key).unkeyedContainer() }
    /// The superclass's fields, nested under "super" as `JSONCodec` writes them.
    func superDecoder() -> any Decoder {
        let nested = ShapeRecorder(path: codingPath)
        recorder.note("super", .nested(nested), required: true)
        return nested
    }
    func superDecoder(forKey key: Key) -> any Decoder { nested(key) }

    private func nested(_ key: Key) -> ShapeRecorder {
        let nested = ShapeRecorder(path: codingPath + [key])
        recorder.note(key.stringValue, .nested(nested), required: true)
        return nested
    }
}
