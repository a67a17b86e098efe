import CSQLite

/// One SQLite connection to a file in WAL mode, with its prepared statements.
final class SQLiteConnection: EngineConnection {
    let handle: OpaquePointer
    /// Prepared statements by SQL text, reused across calls. Services use a fixed set of
    /// statements; the bound stops SQL built at run time from growing it forever.
    private var statements: [String: OpaquePointer] = [:]
    private static let statementCacheLimit = 128
    /// False inside `Database.read`: a deferred transaction that later writes can hit an
    /// `SQLITE_BUSY` that no busy timeout resolves, so such a statement is refused up front.
    private var allowsWrites = true
    /// True unless the connection is known to sync every commit (`synchronous=FULL`): set before
    /// asking for `NORMAL`, cleared once `FULL` is set again.
    private var relaxed = false

    init(path: String, create: Bool, busyTimeout: Duration) throws(DatabaseError) {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw DatabaseError(sqlite: rc, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
        do {
            try configure(path: path, busyTimeout: busyTimeout)
        } catch {
            close()
            throw error
        }
    }

    private func configure(path: String, busyTimeout: Duration) throws(DatabaseError) {
        sqlite3_extended_result_codes(handle, 1)
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(handle, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        // Without WAL, readers block the writer and the outbox relay stalls request handling.
        let mode = try run("PRAGMA journal_mode=WAL", [], firstOnly: true).rows.first?.string("journal_mode")
        guard mode == "wal" || (path == ":memory:" && mode == "memory") else {
            throw DatabaseError(
                sqlite: SQLITE_ERROR,
                message: "\(path) refused WAL mode (journal_mode is \(mode ?? "unknown")); is it on a network file system?")
        }
        // FULL: a commit is on disk before it returns, even across an OS crash or power loss. A
        // consumer stores its offset (and the relay may publish the outbox rows) right after the
        // commit, so NORMAL, which may drop the last commits, would lose effects Kafka counts done.
        _ = try run("PRAGMA synchronous=FULL", [], firstOnly: false)
        _ = try run("PRAGMA foreign_keys=ON", [], firstOnly: false)
    }

    var isUsable: Bool { true }
    var schemaPrelude: String? { nil }

    func run(_ sql: String, _ parameters: [SQLValue], firstOnly: Bool) throws(DatabaseError) -> (rows: [Row], changes: Int) {
        try withStatement(sql, parameters) { statement throws(DatabaseError) in
            let columns = statement.columnNames()
            var rows: [Row] = []
            while try statement.step(database: handle) {
                if rows.isEmpty || !firstOnly { rows.append(statement.row(columns: columns)) }
                if firstOnly { break }
            }
            return (rows, columns.isEmpty ? Int(sqlite3_changes64(handle)) : 0)
        }
    }

    func runScript(_ sql: String) throws(DatabaseError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard rc == SQLITE_OK else {
            throw DatabaseError(sqlite: rc, message: message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc)), sql: sql)
        }
    }

    /// Reads take a deferred transaction; writes take the write lock up front, where the busy
    /// timeout applies, so writers run one at a time. Prepared once, like every statement: two of
    /// these run with every transaction.
    ///
    /// A transaction that is not durable commits without syncing the WAL (`synchronous=NORMAL`,
    /// which SQLite lets a connection change only between transactions, so the level is set as
    /// each transaction begins: a durable one that cannot set `FULL` again fails, never runs
    /// relaxed). The next durable commit syncs the WAL, earlier frames included, so a commit that
    /// was not durable is never kept while an earlier one is lost.
    func begin(writing: Bool, durable: Bool) throws(DatabaseError) {
        if durable && relaxed {
            _ = try run("PRAGMA synchronous=FULL", [], firstOnly: false)
            relaxed = false
        } else if !durable && !relaxed {
            relaxed = true
            _ = try run("PRAGMA synchronous=NORMAL", [], firstOnly: false)
        }
        _ = try run(writing ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", [], firstOnly: false)
        allowsWrites = writing
    }

    func commit() throws(DatabaseError) {
        allowsWrites = true
        _ = try run("COMMIT", [], firstOnly: false)
    }

    func rollback() {
        allowsWrites = true
        // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back.
        if sqlite3_get_autocommit(handle) == 0 { _ = try? run("ROLLBACK", [], firstOnly: false) }
    }

    /// `BEGIN IMMEDIATE` already makes every write transaction run alone.
    func serialize(on name: String) throws(DatabaseError) {}

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        // _v2 never fails: should a statement still be open, the handle closes when it is finalized.
        sqlite3_close_v2(handle)
    }

    private func withStatement<T>(
        _ sql: String, _ parameters: [SQLValue], _ body: (Statement) throws(DatabaseError) -> T
    ) throws(DatabaseError) -> T {
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
            throw DatabaseError(sqlite: SQLITE_READONLY, message: "a statement that writes must run inside Database.write", sql: sql)
        }
        try statement.bind(parameters, database: self.handle)
        return try body(statement)
    }

    private func prepare(_ sql: String) throws(DatabaseError) -> (statement: OpaquePointer, cached: Bool) {
        if let statement = statements[sql] { return (statement, true) }
        let statement = try Self.prepareSingle(sql, database: handle)
        guard statements.count < Self.statementCacheLimit else { return (statement, false) }
        statements[sql] = statement
        return (statement, true)
    }

    private static func prepareSingle(_ sql: String, database: OpaquePointer) throws(DatabaseError) -> OpaquePointer {
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
            throw DatabaseError(sqlite: rc, message: String(cString: sqlite3_errmsg(database)), sql: sql)
        }
        guard let statement else {
            throw DatabaseError(sqlite: SQLITE_MISUSE, message: "the SQL holds no statement", sql: sql)
        }
        // Silently running only the first of several statements would lose the others.
        guard holdsNoStatement(remainder, database: database) else {
            sqlite3_finalize(statement)
            throw DatabaseError(sqlite: SQLITE_MISUSE, message: "the SQL holds more than one statement", sql: sql)
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

extension SQLiteConnection {
    // `Database.exclusively` needs no lock: one file, write transactions taking turns.
    func lockSession(_ name: String) throws(DatabaseError) {}
    func unlockSession(_ name: String) {}
}
