import HTTP
import Storage

/// A Spring-Data-REST-shaped resource kept in one table: where it lives on the API, how it is
/// named in links and problems, and the queries every context writes on it. Rows decode by
/// column name (`show_id` → `showId`), so a record is only its fields.
///
///     static let resource = Resource<Booking>("bookings", rel: "booking", status: "book_status")
///     let booking = try Booking.resource.insert(["show_id": .int(1), …], work.db)
public struct Resource<Record: Codable & Sendable & Identifiable>: Sendable where Record.ID == Int {
    /// The collection's path segment and `_embedded` name: "ticketIssuances".
    public let path: String
    /// The item's link relation, Spring's uncapitalised type name: "ticketIssuance".
    public let rel: String
    public let table: String
    /// The table's key; a view keyed by its saga's id answers it as `id`.
    public let idColumn: String
    /// The column holding the record's `Lifecycle` status, for `transition` and `command`.
    public let statusColumn: String?

    public init(_ path: String, rel: String, table: String? = nil, idColumn: String = "id", status: String? = nil) {
        self.path = path
        self.rel = rel
        self.table = table ?? path
        self.idColumn = idColumn
        statusColumn = status
    }

    /// "ticket issuance", for problem details.
    public var noun: String { Row.column(for: rel).replacingOccurrences(of: "_", with: " ") }

    /// What each query selects: every column, and the key as `id`.
    private var selection: String { idColumn == "id" ? "*" : "*, \(idColumn) AS id" }

    /// The record, or a 404 that says "no booking 7".
    public func find(_ id: Int, _ c: Connection) throws -> Record {
        guard let record = try first(where: "\(idColumn) = ?", [.int(id)], c) else { throw Problem.notFound("no \(noun) \(id)") }
        return record
    }

    public func first(where condition: String, _ parameters: [SQLValue], _ c: Connection) throws -> Record? {
        try c.queryOne("SELECT \(selection) FROM \(table) WHERE \(condition)", parameters).map { try $0.decode(Record.self) }
    }

    /// Every record, in key order.
    public func all(_ c: Connection) throws -> [Record] {
        try c.query("SELECT \(selection) FROM \(table) ORDER BY \(idColumn)").map { try $0.decode(Record.self) }
    }

    /// Inserts one row and answers it as stored (its new id, its defaults).
    public func insert(_ values: KeyValuePairs<String, SQLValue>, _ c: Connection) throws -> Record {
        let record = try insert(values, conflict: "", c)!
        try IdempotentRequests.created("/\(path)/\(record.id)", on: c)
        return record
    }

    /// Inserts one row unless it conflicts with one already there (a redelivered event, a
    /// tombstone): the new record, or nil when nothing was inserted.
    public func insertIfAbsent(_ values: KeyValuePairs<String, SQLValue>, _ c: Connection) throws -> Record? {
        try insert(values, conflict: " ON CONFLICT DO NOTHING", c)
    }

    /// Sets `values` on the rows `condition` picks; answers them as they are now.
    @discardableResult
    public func update(_ values: KeyValuePairs<String, SQLValue>, where condition: String, _ parameters: [SQLValue],
                       _ c: Connection) throws -> [Record] {
        let assignments = values.map { "\($0.key) = ?" }.joined(separator: ", ")
        return try c.query("UPDATE \(table) SET \(assignments) WHERE \(condition) RETURNING \(selection)",
                           values.map(\.value) + parameters).map { try $0.decode(Record.self) }
    }

    /// Deletes the record and answers it as it was; a 404 when there is none.
    public func delete(_ id: Int, _ c: Connection) throws -> Record {
        guard let row = try c.queryOne("DELETE FROM \(table) WHERE \(idColumn) = ? RETURNING \(selection)", .int(id)) else {
            throw Problem.notFound("no \(noun) \(id)")
        }
        return try row.decode(Record.self)
    }

    private func insert(_ values: KeyValuePairs<String, SQLValue>, conflict: String, _ c: Connection) throws -> Record? {
        let columns = values.map(\.key).joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: values.count).joined(separator: ", ")
        return try c.queryOne("INSERT INTO \(table) (\(columns)) VALUES (\(placeholders))\(conflict) RETURNING \(selection)",
                              values.map(\.value)).map { try $0.decode(Record.self) }
    }
}
