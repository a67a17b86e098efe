/// One database connection, lent to the closures of `Database.read` and `Database.write` for
/// one transaction. It must not escape them: the pool lends it to another transaction next.
///
/// SQL is written once, in SQLite's dialect with `?` placeholders and the types `INTEGER`,
/// `REAL`, `TEXT` and `BLOB`; on PostgreSQL the engine rewrites it (see `PostgreSQLDialect`).
public final class Connection {
    let engine: any EngineConnection

    init(engine: any EngineConnection) {
        self.engine = engine
    }

    /// Runs one statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLValue...) throws(DatabaseError) -> Int {
        try execute(sql, parameters)
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Int {
        try engine.run(sql, parameters, firstOnly: false).changes
    }

    public func query(_ sql: String, _ parameters: SQLValue...) throws(DatabaseError) -> [Row] {
        try query(sql, parameters)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> [Row] {
        try engine.run(sql, parameters, firstOnly: false).rows
    }

    /// The first row, or nil when there is none.
    public func queryOne(_ sql: String, _ parameters: SQLValue...) throws(DatabaseError) -> Row? {
        try queryOne(sql, parameters)
    }

    public func queryOne(_ sql: String, _ parameters: [SQLValue]) throws(DatabaseError) -> Row? {
        try engine.run(sql, parameters, firstOnly: true).rows.first
    }

    /// From here to its commit, this transaction runs alone among those that serialize on the same
    /// `name`. SQLite's write transactions already run one at a time; on PostgreSQL it is a
    /// transaction-scoped advisory lock. The outbox needs it: rows must commit in the order of
    /// their sequence numbers, or the relay, reading past the highest it saw, would skip one.
    public func serialize(on name: String) throws(DatabaseError) {
        try engine.serialize(on: name)
    }

    /// Runs `body` in a savepoint: when it throws, what it did is undone and the transaction goes
    /// on (on PostgreSQL too, where a failed statement otherwise spoils the whole transaction).
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        // As statements, not scripts: SQLite keeps them prepared (a consumer runs one per event).
        try execute("SAVEPOINT item")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT item")
            return result
        } catch {
            // If even that fails, the transaction itself is gone (SQLite's ON CONFLICT ROLLBACK
            // ends it whole): its own error, not `body`'s, says what happened.
            try execute("ROLLBACK TO SAVEPOINT item")
            try execute("RELEASE SAVEPOINT item")
            throw error
        }
    }

    func runScript(_ sql: String) throws(DatabaseError) {
        try engine.runScript(sql)
    }
}

// Connection carries no lock of its own: one transaction at a time borrows it from the pool.
@available(*, unavailable)
extension Connection: Sendable {}
