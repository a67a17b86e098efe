import Chassis
import Storage

/// The `/myPages` resource: one reservation's progress, built only from reservation's and
/// payment's events (CQRS). Its `id` is the reservation id; its `status` the newest of
/// `SeatsReserved`, `PaymentApproved`, `Cancelled` and `PaymentCancelled`.
public struct MyPage: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, reservationId: Int
    public let musicalId: Int?, seats: Int?, paymentId: Int?, status: String?

    static let resource = Resource<MyPage>("myPages", rel: "myPage", table: "my_pages", idColumn: "reservation_id")

    static let migrations = [
        Migration(1, "the my page view", """
            CREATE TABLE my_pages (
                reservation_id INTEGER PRIMARY KEY, musical_id INTEGER, seats INTEGER, payment_id INTEGER,
                status TEXT, status_at TEXT
            );
            """),
    ]
}
