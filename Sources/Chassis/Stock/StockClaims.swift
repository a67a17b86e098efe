import Foundation
import HTTP
import JSON
import Storage

/// The seller's side of `StockHold` (a cart, a reservation): takes stock from its owner by a
/// sync call behind the owner's breaker, and gives it back when the seller's record is cancelled.
///
/// Every take is written down (`Taking`) before the call, under a new hold id, so whatever the
/// call's fate its stock is accounted for: taken and recorded → `Held` by the record, in the
/// record's own transaction; refused → forgotten; anything else — the owner's answer lost, the
/// record refused, this process dead before its commit — `Releasing`, and the release job gives
/// it back. A claim left `Taking` longer than `abandonAfter` (the process died mid-request) is
/// released the same way; the owner's tombstone makes sure a take still in flight then takes
/// nothing.
public final class StockClaims: Sendable {
    /// The claims' table, for the seller's migrations.
    public static let schema = """
        CREATE TABLE stock_claims (
            hold_id TEXT PRIMARY KEY, item INTEGER NOT NULL, quantity INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('Taking', 'Held', 'Releasing', 'Released')),
            -- The seller's record that holds it, once recorded.
            holder INTEGER UNIQUE,
            since REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX stock_claims_state ON stock_claims (state, since);
        """

    private let service: Service
    private let stock: Upstream
    private let abandonAfter: Double

    init(service: Service, stock: Upstream, retryEvery interval: Duration, abandonAfter: Duration) {
        self.service = service
        self.stock = stock
        self.abandonAfter = abandonAfter.timeInterval
        service.every(interval, "stock-claims-housekeeping") { [self] in
            try abandonUnanswered()
            try forgetReleased()
        }
        service.deferredCalls("stock_releases", every: interval, pending: { c in
            try c.query("SELECT hold_id, holder, attempts FROM stock_claims WHERE state = 'Releasing' ORDER BY attempts, since LIMIT 100")
                .map { row in
                    let holdId = try row.string("hold_id")
                    let saga = try row.optionalInt("holder").map(String.init) ?? holdId
                    return PendingCall(Claim(holdId: holdId, saga: saga), attempts: try row.int("attempts"), correlationID: saga)
                }
        }, attempt: { [self] claim in
            try giveBack(claim)
        }, postpone: { claim, attempts, c in
            try c.execute("UPDATE stock_claims SET attempts = ? WHERE hold_id = ?", .int(attempts), .text(claim.holdId))
        })
    }

    struct Claim: Sendable {
        let holdId: String, saga: String
    }

    /// Takes `quantity` of `item` from the owner and, if taken, runs `record` — what now holds
    /// it — in the transaction that makes the claim its. The owner's refusal (`404`, `409`) comes
    /// back as it is, with nothing recorded; the owner unavailable, or its breaker open, is a
    /// `503` with `Retry-After`.
    public func take<Holder: Identifiable>(_ quantity: Int, of item: Int,
                                          _ record: (UnitOfWork) throws -> Holder) throws -> Holder where Holder.ID == Int {
        try stock.refuseWhileOpen()   // no call would be made: nothing to write down either
        let holdId = TimeOrderedUUID.next()
        try service.database.write { c in
            try c.execute("INSERT INTO stock_claims (hold_id, item, quantity, state, since) VALUES (?, ?, ?, 'Taking', ?)",
                          .text(holdId), .int(item), .int(quantity), .real(Date().timeIntervalSince1970))
        }
        let answer: HTTPClientResponse
        do {
            answer = try stock.attempt("POST", StockHold.takePath, json: Self.json(StockHold.Take(holdId: holdId, item: item, quantity: quantity)))
        } catch {
            // Refused by the breaker: nothing was taken. Otherwise nobody knows: give back whatever it was.
            if error.callMade { abandon(holdId) } else { try forget(holdId) }
            throw error.problem
        }
        guard answer.status == 200 || answer.status == 201 else {
            try forget(holdId)
            throw stock.refusal(answer)
        }
        do {
            return try service.transaction { work in
                let holder = try record(work)
                guard try work.db.execute("UPDATE stock_claims SET state = 'Held', holder = ? WHERE hold_id = ? AND state = 'Taking'",
                                          .int(holder.id), .text(holdId)) == 1
                else {
                    throw Problem.unavailable("\(stock.name) answered too late and what it gave is being returned; try again", retryAfterSeconds: 1)
                }
                return holder
            }
        } catch {
            // Not kept: given back at once if the owner answers, else by the release job.
            abandon(holdId)
            _ = try? giveBack(Claim(holdId: holdId, saga: holdId))
            throw error
        }
    }

    /// Runs `body` — the cancellation of `holder`: its new status, its event — in one
    /// transaction with marking `holder`'s stock for release, then gives the stock back by a call
    /// at once or, while the owner is unavailable, from the release job: deferred, never lost.
    /// A holder that holds nothing (released already) gives back nothing.
    public func release<T>(heldBy holder: Int, _ body: (UnitOfWork) throws -> T) throws -> T {
        let (result, holdId) = try service.transaction { work in
            let result = try body(work)
            let claim = try work.db.queryOne(
                "UPDATE stock_claims SET state = 'Releasing', since = ? WHERE holder = ? AND state = 'Held' RETURNING hold_id",
                .real(Date().timeIntervalSince1970), .int(holder))
            return (result, try claim?.string("hold_id"))
        }
        if let holdId { _ = try? giveBack(Claim(holdId: holdId, saga: String(holder))) }
        return result
    }

    private func giveBack(_ claim: Claim) throws -> CallOutcome {
        let response: HTTPClientResponse
        do {
            response = try stock.call("POST", StockHold.releasePath, json: Self.json(StockHold.Release(holdId: claim.holdId)),
                                      correlationID: claim.saga)
        } catch {
            return .retry(reason: error.detail)
        }
        guard response.status == 200 else { return .retry(reason: "\(stock.name) answered \(response.status)") }
        try service.database.write { c in
            try c.execute("UPDATE stock_claims SET state = 'Released', since = ? WHERE hold_id = ? AND state = 'Releasing'",
                          .real(Date().timeIntervalSince1970), .text(claim.holdId))
        }
        return .settled
    }

    /// A take the owner refused or never saw: nothing to give back.
    private func forget(_ holdId: String) throws {
        try service.database.write { c in try c.execute("DELETE FROM stock_claims WHERE hold_id = ? AND state = 'Taking'", .text(holdId)) }
    }

    /// A take whose outcome was not recorded: released by the job. Should this fail too (the
    /// database), the claim stays `Taking` and `abandonUnanswered` releases it later.
    private func abandon(_ holdId: String) {
        do {
            try service.database.write { c in
                try c.execute("UPDATE stock_claims SET state = 'Releasing', since = ? WHERE hold_id = ? AND state = 'Taking'",
                              .real(Date().timeIntervalSince1970), .text(holdId))
            }
        } catch {
            service.log.error("a take could not be marked for release; it will be after \(Int(abandonAfter)) s", ["hold": holdId, "error": "\(error)"])
        }
    }

    /// Claims left `Taking` by a process that died mid-request.
    private func abandonUnanswered() throws {
        let cutoff = Date().timeIntervalSince1970 - abandonAfter
        let abandoned = try service.database.write { c in
            try c.execute("UPDATE stock_claims SET state = 'Releasing', since = ? WHERE state = 'Taking' AND since < ?",
                          .real(Date().timeIntervalSince1970), .real(cutoff))
        }
        if abandoned > 0 {
            service.log.warning("takes never recorded are being given back", ["count": "\(abandoned)", "stock": stock.name])
        }
    }

    private func forgetReleased() throws {
        let cutoff = Date().timeIntervalSince1970 - StockHold.keptFor.timeInterval
        _ = try service.database.write { c in try c.execute("DELETE FROM stock_claims WHERE state = 'Released' AND since < ?", .real(cutoff)) }
    }

    private static func json<T: Encodable>(_ value: T) -> [UInt8] {
        try! JSONCodec.encode(value)
    }
}

extension Service {
    /// Sells from the stock `stock` owns (see `StockClaims`). Releases are retried every
    /// `STOCK_RELEASE_RETRY_MS` (500); a take unrecorded after `STOCK_TAKE_ABANDON_SECONDS` (30,
    /// more than the call's deadline) is given back.
    public func stockClaims(from stock: Upstream) throws -> StockClaims {
        let retry = try configuration.int("STOCK_RELEASE_RETRY_MS", default: 500, in: 50...60_000)
        let minimum = Int(stock.timeout.timeInterval.rounded(.up)) + 1
        let abandon = try configuration.int("STOCK_TAKE_ABANDON_SECONDS", default: 30, in: minimum...86_400)
        return StockClaims(service: self, stock: stock, retryEvery: .milliseconds(retry), abandonAfter: .seconds(abandon))
    }
}
