import CSQLite

/// A failure reported by SQLite, or a misuse this wrapper refuses before reaching it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, ...).
    public let code: Int32
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, ...); equals `code` when SQLite gave none.
    public let extendedCode: Int32
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    /// Public so that callers can simulate SQLite failures (a busy database) in their own tests.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = extendedCode & 0xFF
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// Another connection holds the lock, or the disk failed a read or write: retrying the whole
    /// transaction later may succeed. Anything else (a constraint, a type) fails the same way again.
    public var isTransient: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_IOERR }

    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        let base = "SQLite error \(extendedCode)" + (name == message ? ": \(message)" : " (\(name)): \(message)")
        return sql.map { "\(base) [SQL: \($0)]" } ?? base
    }
}
