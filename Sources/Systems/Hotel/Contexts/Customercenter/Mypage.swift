import Chassis
import Storage

/// The `/mypages` resource: one order's progress, built only from order's and reservation's
/// events (CQRS). Its `id` is the order id; its `status` the furthest of `Paid` → `Confirmed` →
/// `Cancelled`.
public struct Mypage: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, orderId: Int
    public let name: String?, roomType: String?, guestCnt: Int?, status: String?

    static let resource = Resource<Mypage>("mypages", rel: "mypage", table: "mypages", idColumn: "order_id")

    static let migrations = [
        Migration(1, "the mypage view", """
            CREATE TABLE mypages (
                order_id INTEGER PRIMARY KEY, name TEXT, room_type TEXT, guest_cnt INTEGER, status TEXT, status_at TEXT
            );
            """),
    ]
}
