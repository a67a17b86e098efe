import Chassis
import HTTP
import Storage

/// The `/reservations` resource: `seats` seats of one musical at `price` each, taken from the
/// musical when reserved.
public struct Reservation: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, musicalId: Int, seats: Int, price: Int, status: ReservationStatus

    static let resource = Resource<Reservation>("reservations", rel: "reservation", status: "status")

    static let migrations = [
        Migration(1, "reservations and the seats each took from musical", """
            CREATE TABLE reservations (
                id INTEGER PRIMARY KEY AUTOINCREMENT, musical_id INTEGER NOT NULL,
                seats INTEGER NOT NULL, price INTEGER NOT NULL, status TEXT NOT NULL
            );
            \(StockClaims.schema)
            """),
    ]

    var reserved: SeatsReserved { SeatsReserved(id: id, musicalId: musicalId, seats: seats, price: price, status: status) }
    var cancelled: ReservationCancelled { ReservationCancelled(id: id, musicalId: musicalId, seats: seats, status: status) }
}

/// `POST /reservations musicalId=1003 seats=10 price=50000`; `price`, per seat, defaults to 0.
struct Reserve: RequestBody {
    let musicalId: Int, seats: Int
    private let price: Int?
    /// Optional; a new reservation is `SeatsReserved`.
    let status: String?

    var pricePerSeat: Int { price ?? 0 }

    func validate() throws(Problem) {
        guard (1...10_000).contains(seats) else { throw .badRequest("field 'seats' must be between 1 and 10000") }
        guard (0...100_000_000).contains(pricePerSeat) else { throw .badRequest("field 'price' must be between 0 and 100000000") }
        if let status, status != ReservationStatus.seatsReserved.rawValue {
            throw .badRequest("a new reservation is '\(ReservationStatus.seatsReserved.rawValue)'; status '\(status)' cannot be set on POST")
        }
    }
}
