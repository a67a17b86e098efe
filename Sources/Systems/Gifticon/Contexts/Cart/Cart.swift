import Chassis
import HTTP
import Storage

/// The `/carts` resource: `quantity` of one gifticon, taken from its stock when added. A removed
/// cart leaves the collection (its history stays in `/mypages`).
public struct Cart: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, gifticonId: Int, quantity: Int, status: CartStatus

    static let resource = Resource<Cart>("carts", rel: "cart", status: "status")

    static let migrations = [
        Migration(1, "carts and the quantity each took from gifticon", """
            CREATE TABLE carts (
                id INTEGER PRIMARY KEY AUTOINCREMENT, gifticon_id INTEGER NOT NULL,
                quantity INTEGER NOT NULL, status TEXT NOT NULL
            );
            \(StockClaims.schema)
            """),
    ]

    var added: CartAdded { CartAdded(id: id, gifticonId: gifticonId, quantity: quantity, status: status) }
    var removed: CartRemoved { CartRemoved(id: id, gifticonId: gifticonId, quantity: quantity) }
}

/// `POST /carts gifticonId="1" quantity="10"`.
struct AddCart: RequestBody {
    let gifticonId: Int, quantity: Int
    /// Optional; a new cart is `CartAdded`.
    let status: String?

    func validate() throws(Problem) {
        guard (1...1_000_000).contains(quantity) else { throw .badRequest("field 'quantity' must be between 1 and 1000000") }
        if let status, status != CartStatus.cartAdded.rawValue {
            throw .badRequest("a new cart is '\(CartStatus.cartAdded.rawValue)'; status '\(status)' cannot be set on POST")
        }
    }
}
