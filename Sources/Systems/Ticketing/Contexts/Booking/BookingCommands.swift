import Chassis
import HTTP

/// `POST /bookings` as the seed sends it: `showId qty amount showName bookStatus=Booked`.
struct PlaceBooking: RequestBody {
    let showId: Int, qty: Int, amount: Int
    /// Optional; when given it must be the show's name.
    let showName: String?
    /// Optional; a new booking is `Booked`.
    let bookStatus: String?

    func validate() throws(Problem) {
        guard (1...10_000).contains(qty) else { throw .badRequest("field 'qty' must be between 1 and 10000") }
        guard (0...100_000_000).contains(amount) else { throw .badRequest("field 'amount' must be between 0 and 100000000") }
        if let bookStatus, bookStatus != BookStatus.booked.rawValue {
            throw .badRequest("a new booking is '\(BookStatus.booked.rawValue)'; bookStatus '\(bookStatus)' cannot be set on POST")
        }
    }
}

/// `PATCH /bookings/{id} bookStatus=Cancelled`: the one change a customer may make.
struct CancelBooking: RequestBody {
    let bookStatus: String
    static let refusedFields = ["showId", "showName", "qty", "amount"]
    static let refusedAdvice = "cancel and book again"

    func validate() throws(Problem) {
        _ = try BookStatus.requested(bookStatus, field: "bookStatus")
    }
}
