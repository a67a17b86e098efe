import Chassis
import HTTP
import Storage

/// The `/orders` resource: a customer's order of a room, paid when placed.
public struct Order: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, name: String, roomType: String, guestCnt: Int?, cardNo: Int?, status: OrderStatus

    static let resource = Resource<Order>("orders", rel: "order", status: "status")

    static let migrations = [
        Migration(1, "orders, and the payments to cancel", """
            CREATE TABLE orders (
                id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, room_type TEXT NOT NULL,
                guest_cnt INTEGER, card_no INTEGER, status TEXT NOT NULL, ordered_at REAL NOT NULL
            );
            CREATE INDEX orders_unpaid ON orders (status, ordered_at);
            -- Payments to cancel by a call to payment: a cancelled order's, or one whose outcome
            -- was never known (an order refused after its payment call timed out). Each waits
            -- here until payment has answered.
            CREATE TABLE payment_cancellations (
                order_id INTEGER PRIMARY KEY, requested_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0
            );
            """),
    ]

    var ordered: Ordered {
        Ordered(id: id, name: name, roomType: roomType, guestCnt: guestCnt, amount: RoomPrice.amount(for: roomType), status: status)
    }
}

/// `POST /orders name=Moonhee roomType=delux [guestCnt=2] [cardNo=12345]`.
struct PlaceOrder: RequestBody {
    let name: String, roomType: String, guestCnt: Int?, cardNo: Int?
    /// Optional; a new order is paid as it is placed.
    let status: String?

    func validate() throws(Problem) {
        guard !name.allSatisfy(\.isWhitespace) else { throw .badRequest("field 'name' must not be empty") }
        guard !roomType.allSatisfy(\.isWhitespace) else { throw .badRequest("field 'roomType' must not be empty") }
        if let guestCnt, !(1...20).contains(guestCnt) { throw .badRequest("field 'guestCnt' must be between 1 and 20") }
        if let cardNo, cardNo <= 0 { throw .badRequest("field 'cardNo' must be a positive number") }
        if let status, status.lowercased() != OrderStatus.paid.rawValue.lowercased() {
            throw .badRequest("a new order is paid as it is placed; status '\(status)' cannot be set on POST")
        }
    }
}
