import Chassis
import HTTP
import Storage

/// The `/payments` resource: one pass's payment, approved when ticket calls and cancelled when
/// the pass is refunded.
public struct Payment: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, paymentId: Int, ticketId: Int, ticketAmt: Int, paymentStatus: PaymentStatus

    static let resource = Resource<Payment>("payments", rel: "payment", idColumn: "payment_id", status: "payment_status")

    static let migrations = [
        Migration(1, "payments, one per pass", """
            CREATE TABLE payments (
                payment_id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL UNIQUE,
                ticket_amt INTEGER NOT NULL DEFAULT 0, payment_status TEXT NOT NULL
            );
            """),
    ]

    var approved: PaymentApproved { PaymentApproved(paymentId: id, ticketId: ticketId, ticketAmt: ticketAmt, paymentStatus: paymentStatus) }
    var cancelled: PaymentCancelled { PaymentCancelled(paymentId: id, ticketId: ticketId, ticketAmt: ticketAmt, paymentStatus: paymentStatus) }
}

/// `POST /payments {"ticketId":1,"ticketAmt":1000}`, ticket's sync call.
struct ApprovePayment: RequestBody {
    let ticketId: Int, ticketAmt: Int

    func validate() throws(Problem) {
        guard (0...1_000_000).contains(ticketAmt) else { throw .badRequest("field 'ticketAmt' must be between 0 and 1000000") }
    }
}
