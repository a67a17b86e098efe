import CSQLite

/// One SQLite connection, lent to the closures of `Database.read` and `Database.write`.
/// It must not escape them: the database's mutex is what makes using it safe.
public final class Connection {
    let handle: OpaquePointer
    /// Prepared statements by SQL text, reused across calls. Services use a fixed set of
    /// statements; the bound stops SQL built at run time from growing it forever.
    private var statements: [String: OpaquePointer] = [:]
    private static let statementCacheLimit = 128
    /// False inside `Database.read`: a deferred transaction that later writes can hit an
    /// `SQLITE_BUSY` that no busy timeout resolves, so such a statement is refused up front.
    var allowsWrites = true

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    /// Runs one statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLiteValue...) throws(SQLiteError) -> Int {
        try execute(sql, parameters)
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLiteValue]) throws(SQLiteError) -> Int {
        try withStatement(sql, parameters) { statement throws(SQLiteError) in
            while try statement.step(database: handle) {}
            return Int(sqlite3_changes64(handle))
        }
    }

    public func query(_ sql: String, _ parameters: SQLiteValue...) throws(SQLiteError) -> [Row] {
        try query(sql, parameters)
    }

    public func query(_ sql: String, _ parameters: [SQLiteValue]) throws(SQLiteError) -> [Row] {
        try withStatement(sql, parameters) { statement throws(SQLiteError) in
            let columns = statement.columnNames()
            var rows: [Row] = []
            while try statement.step(database: handle) {
                rows.append(statement.row(columns: columns))
            }
            return rows
        }
    }

    /// The first row, or nil when there is none.
    public func queryOne(_ sql: String, _ parameters: SQLiteValue...) throws(SQLiteError) -> Row? {
        try queryOne(sql, parameters)
    }

    public func queryOne(_ sql: String, _ parameters: [SQLiteValue]) throws(SQLiteError) -> Row? {
        try withStatement(sql, parameters) { statement throws(SQLiteError) in
            try statement.step(database: handle) ? statement.row(columns: statement.columnNames()) : nil
        }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Runs SQL that may hold several statements and no parameters: a migration, or
    /// transaction control, which the read-only check must not refuse.
    func executeScript(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard rc == SQLITE_OK else {
            throw SQLiteError(
                extendedCode: rc, message: message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc)),
                sql: sql)
        }
    }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        // _v2 never fails: should a statement still be open, the handle closes when it is finalized.
        sqlite3_close_v2(handle)
    }

    private func withStatement<T>(
        _ sql: String, _ parameters: [SQLiteValue], _ body: (Statement) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        let (handle, cached) = try prepare(sql)
        let statement = Statement(handle: handle, sql: sql)
        defer {
            if cached {
                // Reset ends the statement's read of the database; stale bindings must not leak into the next use.
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            } else {
                sqlite3_finalize(handle)
            }
        }
        if !allowsWrites && sqlite3_stmt_readonly(handle) == 0 {
            throw SQLiteError(
                extendedCode: SQLITE_READONLY, message: "a statement that writes must run inside Database.write",
                sql: sql)
        }
        try statement.bind(parameters, database: self.handle)
        return try body(statement)
    }

    private func prepare(_ sql: String) throws(SQLiteError) -> (statement: OpaquePointer, cached: Bool) {
        if let statement = statements[sql] { return (statement, true) }
        let statement = try Self.prepareSingle(sql, database: handle)
        guard statements.count < Self.statementCacheLimit else { return (statement, false) }
        statements[sql] = statement
        return (statement, true)
    }

    private static func prepareSingle(_ sql: String, database: OpaquePointer) throws(SQLiteError) -> OpaquePointer {
        var statement: OpaquePointer?
        var remainder = ""
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(
                database, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            remainder = tail.map { String(cString: $0) } ?? ""
            return rc
        }
        guard rc == SQLITE_OK else {
            throw SQLiteError(extendedCode: rc, message: String(cString: sqlite3_errmsg(database)), sql: sql)
        }
        guard let statement else {
            throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "the SQL holds no statement", sql: sql)
        }
        // Silently running only the first of several statements would lose the others.
        guard holdsNoStatement(remainder, database: database) else {
            sqlite3_finalize(statement)
            throw SQLiteError(
                extendedCode: SQLITE_MISUSE, message: "the SQL holds more than one statement", sql: sql)
        }
        return statement
    }

    /// Whitespace and comments only.
    private static func holdsNoStatement(_ sql: String, database: OpaquePointer) -> Bool {
        if sql.allSatisfy(\.isWhitespace) { return true }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database, sql, -1, &statement, nil)
        sqlite3_finalize(statement)
        return rc == SQLITE_OK && statement == nil
    }
}

// Connection carries no lock of its own: it is usable only while the database's mutex is held.
@available(*, unavailable)
extension Connection: Sendable {}
