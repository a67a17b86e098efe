import Chassis
import Storage

/// The `/payments` resource: one reservation's payment, approved when it is reserved and
/// cancelled when it is cancelled.
public struct Payment: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, reservationId: Int, status: PaymentStatus

    static let resource = Resource<Payment>("payments", rel: "payment", status: "status")

    static let migrations = [
        Migration(1, "payments, one per reservation", """
            CREATE TABLE payments (id INTEGER PRIMARY KEY AUTOINCREMENT, reservation_id INTEGER NOT NULL UNIQUE, status TEXT NOT NULL);
            """),
    ]

    var approved: PaymentApproved { PaymentApproved(id: id, reservationId: reservationId, status: status) }
    var cancelled: PaymentCancelled { PaymentCancelled(id: id, reservationId: reservationId, status: status) }
}
