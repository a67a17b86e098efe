/// One result row, copied out of its statement so it outlives the transaction that read it.
public struct Row: Sendable {
    let columns: [String]
    let values: [SQLValue]

    /// The value of the first column with this name, nil when there is none.
    public subscript(column: String) -> SQLValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    public func int(_ column: String) throws(DatabaseError) -> Int { Int(try int64(column)) }

    public func optionalInt(_ column: String) throws(DatabaseError) -> Int? {
        try optional(column, int)
    }

    public func int64(_ column: String) throws(DatabaseError) -> Int64 {
        guard case .integer(let value) = try value(column) else { throw mismatch(column, "an integer") }
        return value
    }

    public func string(_ column: String) throws(DatabaseError) -> String {
        guard case .text(let value) = try value(column) else { throw mismatch(column, "text") }
        return value
    }

    public func optionalString(_ column: String) throws(DatabaseError) -> String? {
        try optional(column, string)
    }

    /// Integers are accepted too: SQLite computes integral results (`SUM`, `2 * 3`) as integers.
    public func double(_ column: String) throws(DatabaseError) -> Double {
        switch try value(column) {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw mismatch(column, "a real number")
        }
    }

    public func optionalDouble(_ column: String) throws(DatabaseError) -> Double? {
        try optional(column, double)
    }

    public func blob(_ column: String) throws(DatabaseError) -> [UInt8] {
        guard case .blob(let value) = try value(column) else { throw mismatch(column, "a blob") }
        return value
    }

    /// Zero is false and any other integer true, as in SQLite's own conditions.
    public func bool(_ column: String) throws(DatabaseError) -> Bool { try int64(column) != 0 }

    private func value(_ column: String) throws(DatabaseError) -> SQLValue {
        guard let value = self[column] else {
            throw DatabaseError.misuse(
                "no column \"\(column)\" in the result (columns: \(columns.joined(separator: ", ")))")
        }
        return value
    }

    private func optional<T>(
        _ column: String, _ read: (String) throws(DatabaseError) -> T
    ) throws(DatabaseError) -> T? {
        try value(column) == .null ? nil : try read(column)
    }

    private func mismatch(_ column: String, _ expected: String) -> DatabaseError {
        let found: String
        switch self[column] {
        case .null?: found = "NULL"
        case .integer?: found = "an integer"
        case .real?: found = "a real number"
        case .text?: found = "text"
        case .blob?: found = "a blob"
        case nil: found = "nothing"
        }
        return DatabaseError.mismatch(
            "column \"\(column)\" holds \(found), expected \(expected)")
    }
}
