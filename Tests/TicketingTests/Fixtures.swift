import ChassisTesting
import Foundation
@testable import Ticketing

/// Events as the other contexts publish them, with the seed's numbers by default.
enum Given {
    static func show(_ id: Int = 1, seats: Int = 100) -> ShowRegistered {
        ShowRegistered(id: id, showName: "showName\(id)", totalCount: seats, remainCount: seats)
    }

    static func placed(_ id: Int, show: Int = 1, qty: Int = 10, amount: Int = 30000) -> BookingPlaced {
        BookingPlaced(id: id, showId: show, showName: "showName\(show)", qty: qty, amount: amount, bookStatus: .booked)
    }

    static func confirmed(_ id: Int, show: Int = 1, qty: Int = 10, amount: Int = 30000) -> BookingConfirmed {
        BookingConfirmed(id: id, showId: show, showName: "showName\(show)", qty: qty, amount: amount, bookStatus: .confirmed)
    }

    static func cancelled(_ id: Int, show: Int = 1, qty: Int = 10, wasConfirmed: Bool) -> BookingCancelled {
        BookingCancelled(id: id, showId: show, qty: qty, bookStatus: .cancelled, wasConfirmed: wasConfirmed)
    }

    static func approved(_ id: Int, booking: Int, amount: Int = 300000) -> PaymentApproved {
        PaymentApproved(id: id, bookId: booking, amount: amount, status: .paid)
    }
}

/// Where nothing listens: a sync call there fails at once, as with its service down.
let unreachable = "http://127.0.0.1:9"

extension Answer {
    /// `_links.<rel>.href`.
    func link(_ rel: String) -> String? {
        ((json["_links"] as? [String: Any])?[rel] as? [String: Any])?["href"] as? String
    }
}
