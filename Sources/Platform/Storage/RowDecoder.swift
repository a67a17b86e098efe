extension Row {
    /// Decodes a `Decodable` record from this row, reading property `showId` from column
    /// `show_id` (as GRDB's `.convertFromSnakeCase`). Columns the record does not name are
    /// ignored. Integers, reals, text, blobs, `Bool` (0/1), optionals (NULL, or no such column)
    /// and `String`-backed enums (by their raw value) decode; a missing or mistyped column, or
    /// text no case of an enum has, throws a mismatch naming it: the stored data's fault, never
    /// the client's.
    public func decode<T: Decodable>(_ type: T.Type) throws(DatabaseError) -> T {
        do {
            return try T(from: RowDecoder(row: self))
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError.mismatch("a row does not decode as \(T.self): \(error)")
        }
    }

    /// The column a property reads: `showId` → `show_id`. Every field of every row decoded asks,
    /// so ASCII names (all of ours) take a byte loop.
    public static func column(for key: String) -> String {
        if key.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(key.utf8.count + 4)
            for byte in key.utf8 {
                if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) {
                    bytes.append(UInt8(ascii: "_"))
                    bytes.append(byte + 0x20)
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var column = ""
        for character in key {
            if character.isUppercase {
                column += "_" + character.lowercased()
            } else {
                column.append(character)
            }
        }
        return column
    }
}

private struct RowDecoder: Decoder {
    let row: Row
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row decodes as a keyed record"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row decodes as a keyed record"))
    }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: Row
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { row[Row.column(for: key.stringValue)] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { row[Row.column(for: key.stringValue)] == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let column = Row.column(for: key.stringValue)
        switch type {
        case is Int.Type: return try row.int(column) as! T
        case is Int64.Type: return try row.int64(column) as! T
        case is String.Type: return try row.string(column) as! T
        case is Double.Type: return try row.double(column) as! T
        case is Bool.Type: return try row.bool(column) as! T
        case is [UInt8].Type: return try row.blob(column) as! T
        default: return try T(from: ColumnDecoder(row: row, column: column, codingPath: [key]))
        }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw unsupported(key)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw unsupported(key) }
    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw unsupported(key) }

    private func unsupported(_ key: Key) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: [key], debugDescription: "column \(Row.column(for: key.stringValue)) holds one value, not a nested record"))
    }
}

/// One column, for types that decode from a single value (a `String`-backed enum, say).
private struct ColumnDecoder: Decoder, SingleValueDecodingContainer {
    let row: Row
    let column: String
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "column \(column) holds one value"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "column \(column) holds one value"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { row[column] == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try row.bool(column) }
    func decode(_ type: String.Type) throws -> String { try row.string(column) }
    func decode(_ type: Double.Type) throws -> Double { try row.double(column) }
    func decode(_ type: Float.Type) throws -> Float { Float(try row.double(column)) }
    func decode(_ type: Int.Type) throws -> Int { try row.int(column) }
    func decode(_ type: Int8.Type) throws -> Int8 { try exactly(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try exactly(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try exactly(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try row.int64(column) }
    func decode(_ type: UInt.Type) throws -> UInt { try exactly(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try exactly(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try exactly(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try exactly(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try exactly(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }

    private func exactly<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard let value = I(exactly: try row.int64(column)) else {
            throw DatabaseError.mismatch("column \"\(column)\" does not fit \(I.self)")
        }
        return value
    }
}
