import Chassis
import Storage

/// The `/payments` resource: one cart's payment, approved when the cart is added and cancelled
/// when it is removed.
public struct Payment: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, cartId: Int, status: PaymentStatus

    static let resource = Resource<Payment>("payments", rel: "payment", status: "status")

    static let migrations = [
        Migration(1, "payments, one per cart", """
            CREATE TABLE payments (id INTEGER PRIMARY KEY AUTOINCREMENT, cart_id INTEGER NOT NULL UNIQUE, status TEXT NOT NULL);
            """),
    ]

    var approved: PaymentApproved { PaymentApproved(id: id, cartId: cartId, status: status) }
    var cancelled: PaymentCancelled { PaymentCancelled(id: id, cartId: cartId, status: status) }
}
