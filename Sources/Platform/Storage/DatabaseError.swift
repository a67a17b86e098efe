/// A failure reported by the database engine, or a misuse this wrapper refuses before reaching it.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What the caller can do about it, whichever engine reported it.
    public enum Kind: Sendable {
        /// A broken constraint (unique, foreign key, check, not null).
        case constraint
        /// A value of the wrong type or size, or a parameter count that does not match.
        case data
        /// Concurrent transactions conflicted (PostgreSQL's serialization failure or deadlock):
        /// `Database.write` runs the transaction again before giving up with this.
        case conflict
        /// The database cannot serve now: busy or locked past the timeout, unreachable, restarting,
        /// a statement timed out, no pooled connection free. A later retry may succeed.
        case unavailable
        /// Wrong use of this API, or SQL the engine refuses (a syntax error, a closed database).
        case misuse
        case other
    }

    public let kind: Kind
    /// "SQLite" or "PostgreSQL".
    public let engine: String
    /// The engine's own code: SQLite's extended result code, PostgreSQL's SQLSTATE.
    public let code: String
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    public init(_ kind: Kind, engine: String, code: String, message: String, sql: String? = nil) {
        self.kind = kind
        self.engine = engine
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The statement's data is at fault: the same data fails the same way every time. Every
    /// other failure is the database's state (or this code's), which a retry may find mended.
    public var isCausedByData: Bool { kind == .constraint || kind == .data }

    public var isConstraintViolation: Bool { kind == .constraint }

    /// Every pooled connection stayed busy: the database answers, just not soon enough.
    public var isPoolExhausted: Bool { code == Self.poolExhaustedCode }
    static let poolExhaustedCode = "pool-exhausted"

    public var description: String {
        let base = "\(engine) error \(code): \(message)"
        return sql.map { "\(base) [SQL: \($0)]" } ?? base
    }

    /// A misuse this wrapper refuses itself, for either engine.
    static func misuse(_ message: String, sql: String? = nil) -> DatabaseError {
        DatabaseError(.misuse, engine: "Storage", code: "misuse", message: message, sql: sql)
    }

    /// A stored value that does not decode as asked: the stored data's fault.
    public static func mismatch(_ message: String) -> DatabaseError {
        DatabaseError(.data, engine: "Storage", code: "mismatch", message: message)
    }
}
