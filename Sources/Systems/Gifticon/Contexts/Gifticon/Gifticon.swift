import Chassis
import HTTP
import Storage

/// The `/gifticons` resource: a gifticon on sale, `availableQuantity` of it left. `gifticonId`
/// is its business key, the one carts name.
public struct Gifticon: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, gifticonId: Int, name: String, availableQuantity: Int, price: Int

    static let resource = Resource<Gifticon>("gifticons", rel: "gifticon")
    static let stock = StockLedger(resource, key: "gifticon_id", quantity: "available_quantity")

    static let migrations = [
        Migration(1, "gifticons and the quantity carts hold", """
            CREATE TABLE gifticons (
                id INTEGER PRIMARY KEY AUTOINCREMENT, gifticon_id INTEGER NOT NULL UNIQUE, name TEXT NOT NULL,
                available_quantity INTEGER NOT NULL CHECK (available_quantity >= 0), price INTEGER NOT NULL
            );
            \(StockLedger.schema)
            """),
    ]

    var registered: GifticonRegistered {
        GifticonRegistered(id: id, gifticonId: gifticonId, name: name, availableQuantity: availableQuantity, price: price)
    }
}

/// `POST /gifticons gifticonId="1" name="Americano" availableQuantity="100" price="5000"`.
struct RegisterGifticon: RequestBody {
    let gifticonId: Int, name: String, availableQuantity: Int, price: Int

    func validate() throws(Problem) {
        guard gifticonId > 0 else { throw .badRequest("field 'gifticonId' must be positive") }
        guard !name.allSatisfy(\.isWhitespace) else { throw .badRequest("field 'name' must not be empty") }
        guard (0...10_000_000).contains(availableQuantity) else { throw .badRequest("field 'availableQuantity' must be between 0 and 10000000") }
        guard (0...100_000_000).contains(price) else { throw .badRequest("field 'price' must be between 0 and 100000000") }
    }
}
