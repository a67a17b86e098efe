import Chassis
import HTTP
import Storage

/// The `/reservations` resource: the hotel's side of one paid order.
public struct Reservation: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, orderId: Int, status: ReservationStatus

    static let resource = Resource<Reservation>("reservations", rel: "reservation", status: "status")

    static let migrations = [
        Migration(1, "reservations, one per paid order", """
            CREATE TABLE reservations (
                id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL UNIQUE, status TEXT NOT NULL,
                -- Confirmed before the paid order was read: announced only once it is.
                confirmed_early INTEGER NOT NULL DEFAULT 0
            );
            """),
    ]

    var requested: ReservationRequested { ReservationRequested(id: id, orderId: orderId, status: status) }
    var confirmed: ReservationConfirmed { ReservationConfirmed(id: id, orderId: orderId, status: status) }
    var cancelled: ReservationCanceled { ReservationCanceled(id: id, orderId: orderId, status: status) }
}

/// The hotel's one command, `status=Confirmed` (any case: the seed sends `"confirmed"`).
struct Confirmation: RequestBody {
    let status: String

    func validate() throws(Problem) {
        guard status.lowercased() == ReservationStatus.confirmed.rawValue.lowercased() else {
            throw .badRequest("the hotel may set status 'Confirmed', not '\(status)'; the others follow from the order")
        }
    }
}

/// `POST /reservations orderId=1 status=Confirmed`: the same confirmation by the order's id,
/// which may arrive before the order's event does.
struct ConfirmOrder: RequestBody {
    let orderId: Int, status: String

    func validate() throws(Problem) {
        guard orderId > 0 else { throw .badRequest("field 'orderId' must be positive") }
        try Confirmation(status: status).validate()
    }
}
