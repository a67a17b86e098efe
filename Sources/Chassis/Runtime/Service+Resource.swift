import HTTP
import SQLite

extension Service {
    /// The read side of a Spring-Data-REST-shaped resource kept in one table:
    /// `GET /<name>` answers `{"_embedded":{"<name>":[…]}}` in id order, `GET /<name>/{id}` one
    /// row or a 404 that says "no <singular> <id>".
    public func readRoutes<T: Encodable & Sendable>(_ name: String, singular: String, table: String, columns: String, idColumn: String = "id",
                                         _ decode: @escaping @Sendable (Row) throws -> T) {
        route("GET", "/\(name)") { [database] _ in
            .collection(name, try database.read { c in
                try c.query("SELECT \(columns) FROM \(table) ORDER BY \(idColumn)").map(decode)
            })
        }
        route("GET", "/\(name)/{id}") { [database] request in
            let id = try request.id()
            let row = try database.read { c in try c.queryOne("SELECT \(columns) FROM \(table) WHERE \(idColumn) = ?", .int(id)) }
            guard let row else { throw Problem.notFound("no \(singular) \(id)") }
            return .json(try decode(row))
        }
    }
}
