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

    /// The statement's data is at fault (a broken constraint, a value of the wrong type or size):
    /// the same data fails the same way every time. Every other failure (busy, locked, disk full or
    /// failing, read-only, out of memory) is the database's state, which a retry may find mended.
    public var isCausedByData: Bool {
        code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH || code == SQLITE_TOOBIG || code == SQLITE_RANGE
    }

    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        let base = "SQLite error \(extendedCode)" + (name == message ? ": \(message)" : " (\(name)): \(message)")
        return sql.map { "\(base) [SQL: \($0)]" } ?? base
    }
}
