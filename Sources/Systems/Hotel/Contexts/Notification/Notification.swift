import Chassis
import Storage

/// The `/notifications` resource: the kakao message sent for each change of an order's hotel
/// reservation, once per change.
public struct Notification: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, orderId: Int, channel: String, text: String, sentAt: String

    static let resource = Resource<Notification>("notifications", rel: "notification")
    static let channel = "kakao"

    static let migrations = [
        Migration(1, "notifications, one per reservation status", """
            CREATE TABLE notifications (
                id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, reservation_status TEXT NOT NULL,
                channel TEXT NOT NULL, text TEXT NOT NULL, sent_at TEXT NOT NULL, UNIQUE (order_id, reservation_status)
            );
            """),
    ]
}
