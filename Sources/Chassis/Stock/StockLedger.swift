import Foundation
import HTTP
import Storage

/// The stock owner's side of `StockHold`: which column of which table is the stock, keyed by
/// which business key, and the holds taken from it. The take is one conditional `UPDATE`, so
/// concurrent takes never oversell; each hold gives back exactly what it took, once.
///
///     static let stock = StockLedger(Gifticon.resource, key: "gifticon_id", quantity: "available_quantity")
///     service.keepStock(stock) { change, work in try work.publish(QuantityModified(gifticonId: change.item, …)) }
public struct StockLedger: Sendable {
    public let table: String, key: String, quantity: String
    /// "gifticon" and "gifticonId", for problem details: an item is named by its business key,
    /// which is not the id in its resource's path.
    let noun: String, keyField: String
    /// The `409`'s detail when too little is left.
    let shortage: @Sendable (_ item: Int, _ left: Int, _ asked: Int, Connection) throws -> String

    /// `shortage` words the refusal when the stock is something else than a count (a pass's one
    /// use); by default "gifticonId 1 has 75 left, fewer than the 200 asked for".
    public init<Record>(_ resource: Resource<Record>, key: String, quantity: String,
                        shortage: (@Sendable (_ item: Int, _ left: Int, _ asked: Int, Connection) throws -> String)? = nil) {
        (table, self.key, self.quantity, noun) = (resource.table, key, quantity, resource.noun)
        let words = key.split(separator: "_")
        let keyField = words.prefix(1).joined() + words.dropFirst().map(\.capitalized).joined()
        self.keyField = keyField
        self.shortage = shortage ?? { item, left, asked, _ in "\(keyField) \(item) has \(left) left, fewer than the \(asked) asked for" }
    }

    /// The holds' table, for the owner's migrations. A `Released` hold of quantity 0 is a
    /// tombstone: released before its take arrived, so the take takes nothing.
    public static let schema = """
        CREATE TABLE stock_holds (
            hold_id TEXT PRIMARY KEY, item INTEGER NOT NULL, quantity INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('Held', 'Released')), changed_at TEXT NOT NULL
        );
        """

    func take(_ take: StockHold.Take, _ work: UnitOfWork) throws -> (StockHold.Answer, created: Bool) {
        if let hold = try work.db.queryOne("SELECT state FROM stock_holds WHERE hold_id = ?", .text(take.holdId)) {
            guard try hold.string("state") == "Held" else { throw Problem.conflict("hold \(take.holdId) was released") }
            return (.init(holdId: take.holdId, item: take.item, change: 0, remaining: try remaining(take.item, work.db)), false)
        }
        let left = try remaining(take.item, work.db)
        let taken = try work.db.execute("UPDATE \(table) SET \(quantity) = \(quantity) - ? WHERE \(key) = ? AND \(quantity) >= ?",
                                        .int(take.quantity), .int(take.item), .int(take.quantity))
        guard taken == 1 else {
            throw Problem.conflict(try shortage(take.item, left, take.quantity, work.db))
        }
        try work.db.execute("INSERT INTO stock_holds (hold_id, item, quantity, state, changed_at) VALUES (?, ?, ?, 'Held', ?)",
                            .text(take.holdId), .int(take.item), .int(take.quantity), .text(Date.now.ISO8601Format()))
        return (.init(holdId: take.holdId, item: take.item, change: -take.quantity, remaining: left - take.quantity), true)
    }

    func release(_ holdId: String, _ work: UnitOfWork) throws -> StockHold.Answer {
        let now = Date.now.ISO8601Format()
        guard let hold = try work.db.queryOne(
            "UPDATE stock_holds SET state = 'Released', changed_at = ? WHERE hold_id = ? AND state = 'Held' RETURNING item, quantity",
            .text(now), .text(holdId))
        else {
            try work.db.execute("INSERT INTO stock_holds (hold_id, item, quantity, state, changed_at) VALUES (?, 0, 0, 'Released', ?) ON CONFLICT DO NOTHING",
                                .text(holdId), .text(now))
            return .init(holdId: holdId, item: 0, change: 0, remaining: 0)
        }
        let item = try hold.int("item"), given = try hold.int("quantity")
        try work.db.execute("UPDATE \(table) SET \(quantity) = \(quantity) + ? WHERE \(key) = ?", .int(given), .int(item))
        return .init(holdId: holdId, item: item, change: given, remaining: try remaining(item, work.db))
    }

    private func remaining(_ item: Int, _ c: Connection) throws -> Int {
        guard let row = try c.queryOne("SELECT \(quantity) FROM \(table) WHERE \(key) = ?", .int(item)) else {
            throw Problem.notFound("no \(noun) with \(keyField) \(item)")
        }
        return try row.int(quantity)
    }
}

extension Service {
    /// Serves `StockHold`'s two calls on `ledger`'s stock; `changed` runs in the transaction of
    /// every change (to publish it, and whatever else follows from it). The paths are for the
    /// sellers only: no gateway route leads to them.
    public func keepStock(_ ledger: StockLedger, changed: @escaping @Sendable (StockChange, UnitOfWork) throws -> Void) {
        @Sendable func published(_ answer: StockHold.Answer, _ work: UnitOfWork) throws {
            guard answer.change != 0 else { return }
            try changed(StockChange(holdId: answer.holdId, item: answer.item, change: answer.change, remaining: answer.remaining), work)
        }
        route("POST", StockHold.takePath, body: StockHold.Take.self, answers: .json(StockHold.Answer.self, statuses: [201, 200])) { [self] request, take in
            let (answer, created) = try transaction(saga: request.headers[HeaderName.correlationID] ?? take.holdId) { work in
                let result = try ledger.take(take, work)
                try published(result.0, work)
                return result
            }
            return .json(answer, status: created ? 201 : 200)
        }
        every(.seconds(60), "stock-holds-released") { [self] in
            try database.write { c in
                _ = try c.execute("DELETE FROM stock_holds WHERE state = 'Released' AND changed_at < ?",
                              .text(Date.now.addingTimeInterval(-StockHold.keptFor.timeInterval).ISO8601Format()))
            }
        }
        route("POST", StockHold.releasePath, body: StockHold.Release.self, answers: .json(StockHold.Answer.self)) { [self] request, release in
            let holdId = release.holdId
            return .json(try transaction(saga: request.headers[HeaderName.correlationID] ?? holdId) { work in
                let answer = try ledger.release(holdId, work)
                try published(answer, work)
                return answer
            })
        }
    }
}
