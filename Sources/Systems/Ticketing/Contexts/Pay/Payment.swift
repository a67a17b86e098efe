import Chassis
import Storage

/// The `/payments` resource: the charge for one confirmed booking, `qty × price`.
public struct Payment: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, bookId: Int, amount: Int, status: PayStatus

    static let resource = Resource<Payment>("payments", rel: "payment", status: "status")

    static let migrations = [
        Migration(1, "payments and their pending cancellations", """
            CREATE TABLE payments (
                id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER NOT NULL UNIQUE,
                amount INTEGER NOT NULL, status TEXT NOT NULL,
                -- Set when the booking is cancelled; cleared once issuance has answered: the ticket
                -- voided and the payment cancelled, or (already issued) the payment kept. A
                -- cancellation waits here while issuance is down.
                cancellation_requested_at TEXT,
                cancellation_attempts INTEGER NOT NULL DEFAULT 0
            );
            """),
    ]

    var cancelled: PaymentCancelled { PaymentCancelled(id: id, bookId: bookId, amount: amount, status: status) }
}
