import HTTP

/// The two sync calls between a context that sells from stock (a cart, a reservation) and the
/// context that owns the stock (a gifticon's quantity, a musical's seats), shared by both sides.
///
/// The seller names each take by a hold id it chose and wrote down before calling, so a take
/// is idempotent and a release can follow whatever became of it: a release that arrives before
/// (or instead of) its take leaves a tombstone, and the late take then takes nothing.
enum StockHold {
    /// `POST {"holdId","item","quantity"}`: `201` taken (`200` when this hold took it already),
    /// `409` too little left or the hold released, `404` no such item.
    static let takePath = "/stock/holds"
    /// `POST {"holdId"}`: `200` once nothing is held under the id, whatever it held before.
    static let releasePath = "/stock/releases"

    /// How long a released hold is remembered on either side, far longer than any call or
    /// retry of one lasts, so that the tables stay small.
    static let keptFor = Duration.seconds(86_400)

    struct Take: Codable, RequestBody {
        let holdId: String, item: Int, quantity: Int

        func validate() throws(Problem) {
            guard quantity > 0 else { throw .badRequest("field 'quantity' must be positive") }
        }
    }

    struct Release: Codable, RequestBody {
        let holdId: String
    }

    /// What the stock owner answers to both: the change made (negative for a take, zero for a
    /// repeat) and what is left.
    struct Answer: Codable, Sendable {
        let holdId: String, item: Int, change: Int, remaining: Int
    }
}

/// One change of an item's stock, for the owner's event (`QuantityModified`).
public struct StockChange: Sendable {
    public let holdId: String
    /// The item's business key (`gifticonId`, `musicalId`).
    public let item: Int
    /// Negative when taken, positive when given back.
    public let change: Int
    public let remaining: Int
}
