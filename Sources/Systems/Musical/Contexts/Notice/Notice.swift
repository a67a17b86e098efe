import Chassis
import Storage

/// The `/notices` resource: the message sent to the customer when a reservation's payment is
/// approved or cancelled, one per payment and change.
public struct Notice: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, reservationId: Int, paymentId: Int, sendText: String

    static let resource = Resource<Notice>("notices", rel: "notice")

    static let migrations = [
        Migration(1, "notices, one per payment and what happened to it", """
            CREATE TABLE notices (
                id INTEGER PRIMARY KEY AUTOINCREMENT, reservation_id INTEGER NOT NULL, payment_id INTEGER NOT NULL,
                payment_status TEXT NOT NULL, send_text TEXT NOT NULL, UNIQUE (payment_id, payment_status)
            );
            """),
    ]

    var sent: NoticeSent { NoticeSent(id: id, reservationId: reservationId, paymentId: paymentId, sendText: sendText) }
}
