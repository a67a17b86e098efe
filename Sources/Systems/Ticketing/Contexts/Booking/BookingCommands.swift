import Chassis
import HTTP

/// `POST /bookings` as the seed sends it: `showId qty amount showName bookStatus=Booked`.
struct PlaceBooking {
    let showId: Int, qty: Int, amount: Int
    /// Optional; when given it must be the show's name.
    let showName: String?

    init(_ body: JSONObject) throws(Problem) {
        showId = try body.int("showId")
        qty = try body.int("qty")
        amount = try body.int("amount")
        showName = try body.optionalString("showName")
        guard (1...10_000).contains(qty) else { throw .badRequest("field 'qty' must be between 1 and 10000") }
        guard (0...100_000_000).contains(amount) else { throw .badRequest("field 'amount' must be between 0 and 100000000") }
        if let status = try body.optionalString("bookStatus"), status != BookStatus.booked.rawValue {
            throw .badRequest("a new booking is '\(BookStatus.booked.rawValue)'; bookStatus '\(status)' cannot be set on POST")
        }
    }
}

/// `PATCH /bookings/{id} bookStatus=Cancelled`: the one change a customer may make.
enum CancelBooking {
    static func validate(_ body: JSONObject) throws(Problem) {
        _ = try BookStatus.requested(in: body, field: "bookStatus")
        for field in ["showId", "showName", "qty", "amount"] where body.contains(field) {
            throw .badRequest("field '\(field)' cannot be changed; cancel and book again")
        }
    }
}
