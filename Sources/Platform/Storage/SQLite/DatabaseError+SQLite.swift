import CSQLite

extension DatabaseError {
    /// From an SQLite result code; `code` is the extended one (`SQLITE_CONSTRAINT_UNIQUE` is 2067).
    init(sqlite extendedCode: Int32, message: String, sql: String? = nil) {
        let kind: Kind
        switch extendedCode & 0xFF {
        case SQLITE_CONSTRAINT: kind = .constraint
        case SQLITE_MISMATCH, SQLITE_TOOBIG, SQLITE_RANGE: kind = .data
        case SQLITE_BUSY, SQLITE_LOCKED: kind = .unavailable
        case SQLITE_MISUSE, SQLITE_READONLY: kind = .misuse
        default: kind = .other
        }
        let name = String(cString: sqlite3_errstr(extendedCode))
        self.init(kind, engine: "SQLite", code: "\(extendedCode)", message: name == message ? message : "\(message) (\(name))", sql: sql)
    }
}
