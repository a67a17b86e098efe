import Chassis
import HTTP
import Storage

/// The `/payments` resource: one order's payment, made by order's sync call and cancelled by
/// another.
public struct Payment: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, orderId: Int, cardNo: Int?, amount: Int, status: PaymentStatus

    static let resource = Resource<Payment>("payments", rel: "payment", status: "status")
    /// Order's sync call that cancels an order's payment: outside `/payments`, so that no
    /// gateway route leads to it.
    static let cancellationsPath = "/payment-cancellations"

    static let migrations = [
        Migration(1, "payments, one per order", """
            CREATE TABLE payments (
                id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL UNIQUE, card_no INTEGER,
                amount INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL
            );
            """),
    ]

    var approved: PaymentApproved { PaymentApproved(id: id, orderId: orderId, amount: amount, status: status) }
    var cancelled: PaymentCanceled { PaymentCanceled(id: id, orderId: orderId, amount: amount, status: status) }
}

/// `POST /payments orderId=1 [cardNo=12345] [amount=150000]`: `amount` is needed only to make a
/// new payment; for an order already paid the answer is its payment.
struct Pay: RequestBody {
    let orderId: Int, cardNo: Int?, amount: Int?

    func validate() throws(Problem) {
        if let amount, !(0...100_000_000).contains(amount) { throw .badRequest("field 'amount' must be between 0 and 100000000") }
    }
}

/// Order's sync call, `POST /payments/cancellations {"orderId": 1}`: cancel the order's payment.
struct CancelPayment: RequestBody {
    let orderId: Int
}
