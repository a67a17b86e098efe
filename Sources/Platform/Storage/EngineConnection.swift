/// One open connection of an engine (SQLite or PostgreSQL): what `Connection` and `Database`
/// ask of it. SQL reaches it in the house dialect (SQLite's, `?` placeholders); an engine that
/// speaks another rewrites it.
protocol EngineConnection: AnyObject {
    /// Runs one statement; returns the rows it produced (at most one when `firstOnly`) and how
    /// many rows it inserted, updated or deleted.
    func run(_ sql: String, _ parameters: [SQLValue], firstOnly: Bool) throws(DatabaseError) -> (rows: [Row], changes: Int)
    /// SQL that may hold several statements and no parameters: a migration.
    func runScript(_ sql: String) throws(DatabaseError)
    /// A read-only snapshot, or a write transaction that behaves as if it ran alone; one that is
    /// not `durable` may lose its commit in a crash of the machine (see `Database.write`).
    func begin(writing: Bool, durable: Bool) throws(DatabaseError)
    func commit() throws(DatabaseError)
    /// Never throws: a connection that cannot roll back is no longer `isUsable`.
    func rollback()
    /// Transactions that call this with the same name run one after another from this call to
    /// their end (see `Connection.serialize(on:)`).
    func serialize(on name: String) throws(DatabaseError)
    /// A server engine: holds the lock `name` for this session, waiting for it, until
    /// `unlockSession`. An embedded engine, which has no sessions to share, never gets the call.
    func lockSession(_ name: String) throws(DatabaseError)
    func unlockSession(_ name: String)
    /// Script the database needs before its migrations (functions the house dialect expects).
    var schemaPrelude: String? { get }
    /// False once the connection is lost or in an unknown state: the pool closes it and opens another.
    var isUsable: Bool { get }
    func close()
}
