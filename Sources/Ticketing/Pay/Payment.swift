import SQLite

/// The `/payments` resource: the charge for one confirmed booking, `qty × price`.
public struct Payment: Codable, Sendable, Equatable {
    public let id: Int, bookId: Int, amount: Int, status: String

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

    static let columns = "id, book_id, amount, status"

    init(_ row: Row) throws {
        id = try row.int("id")
        bookId = try row.int("book_id")
        amount = try row.int("amount")
        status = try row.string("status")
    }

    var cancelled: PaymentCancelled { PaymentCancelled(id: id, bookId: bookId, amount: amount, status: status) }
}
