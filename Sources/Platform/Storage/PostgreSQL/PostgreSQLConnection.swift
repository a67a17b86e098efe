import CLibPQ
import Foundation

/// One libpq connection. Statements go with `PQexecParams` in text format (bytea in binary),
/// their SQL rewritten by `PostgreSQLDialect`; results are typed by their columns' types.
final class PostgreSQLConnection: EngineConnection {
    struct Options: Sendable {
        /// The URL as given, with `connect_timeout` added when it has none.
        let url: String
        let statementTimeout: Duration

        init(url: String, statementTimeout: Duration) {
            self.url = url.contains("connect_timeout=") ? url : url + (url.contains("?") ? "&" : "?") + "connect_timeout=5"
            self.statementTimeout = statementTimeout
        }
    }

    private let handle: OpaquePointer
    /// Translated statements by house SQL, bounded as SQLite's statement cache.
    private var translations: [String: (sql: String, placeholders: Int)] = [:]

    init(_ options: Options) throws(DatabaseError) {
        guard let handle = PQconnectdb(options.url) else {
            throw DatabaseError(.unavailable, engine: "PostgreSQL", code: "08000", message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw DatabaseError(.unavailable, engine: "PostgreSQL", code: "08001",
                                message: "cannot connect to \(Database.redacting(options.url)): \(message)")
        }
        self.handle = handle
        let milliseconds = options.statementTimeout.components.seconds * 1000 + options.statementTimeout.components.attoseconds / 1_000_000_000_000_000
        do {
            try exec("SET statement_timeout = \(milliseconds); SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET bytea_output = hex")
        } catch {
            PQfinish(handle)
            throw error
        }
    }

    /// Lost (the server restarted or the network broke): the pool opens a new one instead.
    var isUsable: Bool { PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE }

    var schemaPrelude: String? { PostgreSQLDialect.schemaPrelude }

    func run(_ sql: String, _ parameters: [SQLValue], firstOnly: Bool) throws(DatabaseError) -> (rows: [Row], changes: Int) {
        let statement = translate(sql)
        guard statement.placeholders == parameters.count else {
            throw DatabaseError(.misuse, engine: "PostgreSQL", code: "08P01",
                                message: "statement takes \(statement.placeholders) parameter(s), \(parameters.count) given", sql: sql)
        }
        let result = try execute(statement.sql, parameters, originalSQL: sql)
        defer { PQclear(result) }
        return (Self.rows(of: result, firstOnly: firstOnly), Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    func runScript(_ sql: String) throws(DatabaseError) {
        try exec(PostgreSQLDialect.script(sql), writtenAs: sql)
    }

    /// SQL that is PostgreSQL's already, as it is; errors quote it as it was written.
    private func exec(_ sql: String, writtenAs original: String? = nil) throws(DatabaseError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: original ?? sql)
    }

    /// Reads see one snapshot; writes are serializable, so code written for SQLite's one writer
    /// at a time stays correct, and a conflict is reported as `.conflict` for `Database.write`
    /// to run the transaction again. Every commit is durable: an asynchronous one would be lost by
    /// a crash of the server alone, which the services live through (the relay's deleted rows
    /// would come back behind its cursor), and PostgreSQL's writers do not wait for one another's
    /// sync, which is what `durable: false` saves on SQLite.
    func begin(writing: Bool, durable: Bool) throws(DatabaseError) {
        // Not through the dialect, which costs more than the round trip (it was 45% of a consumer's CPU).
        try exec(writing ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    }

    /// A commit whose connection is lost on the way has an unknown outcome: it is `.other`, never
    /// `.unavailable`, whose promise is that nothing was changed. PostgreSQL answers COMMIT of a
    /// transaction a failed statement aborted with a silent ROLLBACK: that is an error here.
    func commit() throws(DatabaseError) {
        let result = PQexec(handle, "COMMIT")
        defer { PQclear(result) }
        do {
            try check(result, sql: "COMMIT")
        } catch where PQstatus(handle) != CONNECTION_OK {
            throw DatabaseError(.other, engine: "PostgreSQL", code: error.code,
                                message: "the connection was lost during COMMIT: the transaction may or may not have committed (\(error.message))")
        }
        guard String(cString: PQcmdStatus(result)) == "COMMIT" else {
            throw DatabaseError(.misuse, engine: "PostgreSQL", code: "25P02",
                                message: "the transaction was rolled back at COMMIT: a statement in it had failed and the error was caught")
        }
    }

    func rollback() {
        guard PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) != PQTRANS_IDLE else { return }
        PQclear(PQexec(handle, "ROLLBACK"))
    }

    func serialize(on name: String) throws(DatabaseError) {
        _ = try run("SELECT pg_advisory_xact_lock(hashtext(?)) AS locked", [.text(name)], firstOnly: true)
    }

    func lockSession(_ name: String) throws(DatabaseError) {
        _ = try run("SELECT pg_advisory_lock(hashtext(?)) AS locked", [.text(name)], firstOnly: true)
    }

    func unlockSession(_ name: String) {
        _ = try? run("SELECT pg_advisory_unlock(hashtext(?)) AS unlocked", [.text(name)], firstOnly: true)
    }

    func close() {
        PQfinish(handle)
    }

    private func translate(_ sql: String) -> (sql: String, placeholders: Int) {
        if let known = translations[sql] { return known }
        let statement = PostgreSQLDialect.statement(sql)
        if translations.count < 256 { translations[sql] = statement }
        return statement
    }

    private func execute(_ sql: String, _ parameters: [SQLValue], originalSQL: String) throws(DatabaseError) -> OpaquePointer? {
        // Text for every value but bytes: an untyped ("unknown") parameter takes the type its
        // place in the statement gives it, as SQLite's dynamic typing would let it.
        var texts: [[CChar]?] = []
        var types: [Oid] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for value in parameters {
            switch value {
            case .null: texts.append(nil); types.append(0); lengths.append(0); formats.append(0)
            case .integer(let v): texts.append(Array(String(v).utf8CString)); types.append(0); lengths.append(0); formats.append(0)
            case .real(let v): texts.append(Array("\(v)".utf8CString)); types.append(0); lengths.append(0); formats.append(0)
            case .text(let v):
                // PostgreSQL's text cannot hold NUL; the C string would end there, silently.
                guard !v.utf8.contains(0) else {
                    throw DatabaseError(.data, engine: "PostgreSQL", code: "22021", message: "text holds a NUL character, which PostgreSQL cannot store", sql: originalSQL)
                }
                texts.append(Array(v.utf8CString)); types.append(0); lengths.append(0); formats.append(0)
            case .blob(let v):
                texts.append(v.map { CChar(bitPattern: $0) }); types.append(17); lengths.append(Int32(v.count)); formats.append(1)
            }
        }
        let result = Self.withPointers(texts) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), types, pointers, lengths, formats, 0)
        }
        do {
            try check(result, sql: originalSQL)
        } catch {
            PQclear(result)
            throw error
        }
        return result
    }

    private static func withPointers<T>(_ values: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        var pointers: [UnsafePointer<CChar>?] = []
        var buffers: [UnsafeMutableBufferPointer<CChar>] = []
        defer { buffers.forEach { $0.deallocate() } }
        for value in values {
            guard let value else { pointers.append(nil); continue }
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, value.count))
            _ = buffer.initialize(from: value)
            buffers.append(buffer)
            pointers.append(UnsafePointer(buffer.baseAddress))
        }
        return body(pointers)
    }

    private func check(_ result: OpaquePointer?, sql: String) throws(DatabaseError) {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default:
            let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
            let message = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
                ?? Self.trimmed(PQerrorMessage(handle))
            // No SQLSTATE: libpq's own failure, the connection lost.
            throw DatabaseError(postgreSQL: PQstatus(handle) == CONNECTION_OK ? state ?? "XX000" : "08006", message: message, sql: sql)
        }
    }

    private static func rows(of result: OpaquePointer?, firstOnly: Bool) -> [Row] {
        let columnCount = PQnfields(result)
        guard columnCount > 0 else { return [] }
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        let rowCount = firstOnly ? min(1, PQntuples(result)) : PQntuples(result)
        return (0..<rowCount).map { row in
            Row(columns: columns, values: (0..<columnCount).map { column in
                guard PQgetisnull(result, row, column) == 0 else { return .null }
                let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
                return value(String(decoding: bytes, as: UTF8.self), type: types[Int(column)])
            })
        }
    }

    /// A text-format value as SQLite would have given it: integers, reals, 0/1 for booleans, bytes.
    private static func value(_ text: String, type: Oid) -> SQLValue {
        switch type {
        case 20, 21, 23, 26:  // int8, int2, int4, oid
            return Int64(text).map(SQLValue.integer) ?? .text(text)
        case 700, 701:  // float4, float8
            return Double(text).map(SQLValue.real) ?? .text(text)
        case 1700:  // numeric: SUM and AVG of integers; integral ones stay integers, as in SQLite
            return Int64(text).map(SQLValue.integer) ?? Double(text).map(SQLValue.real) ?? .text(text)
        case 16:  // bool
            return .integer(text == "t" ? 1 : 0)
        case 17:  // bytea, hex format: \x0a1b…
            return .blob(hexBytes(text.dropFirst(2)))
        default:
            return .text(text)
        }
    }

    private static func hexBytes(_ hex: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let nibble: UInt8 = c <= 57 ? c - 48 : (c | 0x20) - 87
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return bytes
    }

    private static func trimmed(_ message: UnsafeMutablePointer<CChar>?) -> String {
        message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
    }
}
