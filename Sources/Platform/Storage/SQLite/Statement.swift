import CSQLite

/// The C macro is a cast SQLite's header does not let Swift import; it makes SQLite copy
/// bound bytes, because Swift's buffers only live for the duration of the bind call.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement owned by its `SQLiteConnection`, which finalizes it.
struct Statement {
    let handle: OpaquePointer
    let sql: String

    func bind(_ parameters: [SQLValue], database: OpaquePointer) throws(DatabaseError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard parameters.count == expected else {
            throw DatabaseError(
                sqlite: SQLITE_RANGE,
                message: "statement takes \(expected) parameter(s), \(parameters.count) given", sql: sql)
        }
        for (offset, value) in parameters.enumerated() {
            let rc = bind(value, at: Int32(offset + 1))
            guard rc == SQLITE_OK else {
                throw DatabaseError(sqlite: rc, message: String(cString: sqlite3_errmsg(database)), sql: sql)
            }
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .integer(let value):
            return sqlite3_bind_int64(handle, index, value)
        case .real(let value):
            return sqlite3_bind_double(handle, index, value)
        case .text(var value):
            // Explicit byte counts keep embedded NULs; an empty buffer may have no address,
            // and a nil pointer would bind NULL instead of "".
            return value.withUTF8 { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text64(handle, index, $0, UInt64(bytes.count), SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let value):
            return value.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_zeroblob(handle, index, 0)
                }
                return sqlite3_bind_blob64(handle, index, base, UInt64(bytes.count), SQLITE_TRANSIENT)
            }
        }
    }

    /// True while there is a row to read, false when the statement is done.
    func step(database: OpaquePointer) throws(DatabaseError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw DatabaseError(sqlite: rc, message: String(cString: sqlite3_errmsg(database)), sql: sql)
        }
    }

    func columnNames() -> [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    func row(columns: [String]) -> Row {
        Row(columns: columns, values: (0..<Int32(columns.count)).map(value))
    }

    private func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let bytes = UnsafeRawBufferPointer(
                start: sqlite3_column_text(handle, column), count: Int(sqlite3_column_bytes(handle, column)))
            return .text(String(decoding: bytes, as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = UnsafeRawBufferPointer(
                start: sqlite3_column_blob(handle, column), count: Int(sqlite3_column_bytes(handle, column)))
            return .blob(Array(bytes))
        default:
            return .null
        }
    }
}
