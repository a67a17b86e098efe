import Chassis
import Storage

/// The `/mypages` resource: one cart's progress, built only from cart's and payment's events
/// (CQRS). Its `id` is the cart id; its `status` the newest of `CartAdded` → `PaymentApproved`
/// → `PaymentCancelled`. It keeps a removed cart's history.
public struct Mypage: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, cartId: Int
    public let gifticonId: Int?, quantity: Int?, paymentId: Int?, status: String?

    static let resource = Resource<Mypage>("mypages", rel: "mypage", table: "mypages", idColumn: "cart_id")

    static let migrations = [
        Migration(1, "the mypage view", """
            CREATE TABLE mypages (
                cart_id INTEGER PRIMARY KEY, gifticon_id INTEGER, quantity INTEGER, payment_id INTEGER,
                status TEXT, status_at TEXT
            );
            """),
    ]
}
