import Chassis
import Storage

/// The `/bookings` resource: a customer's booking of `qty` seats of one show at `amount` per ticket.
public struct Booking: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, showId: Int, showName: String, qty: Int, amount: Int, bookStatus: BookStatus

    static let resource = Resource<Booking>("bookings", rel: "booking", status: "book_status")

    static let migrations = [
        Migration(1, "bookings and the shows they may book", """
            CREATE TABLE bookings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                show_id INTEGER NOT NULL, show_name TEXT NOT NULL,
                qty INTEGER NOT NULL, amount INTEGER NOT NULL, book_status TEXT NOT NULL,
                ticket_issued INTEGER NOT NULL DEFAULT 0
            );
            -- What the show context has registered, from its ShowRegistered events: bookings are
            -- checked against it without a call to the show service.
            CREATE TABLE known_shows (id INTEGER PRIMARY KEY, show_name TEXT NOT NULL);
            """),
        Migration(2, "when each booking was placed, for its confirmation deadline", """
            ALTER TABLE bookings ADD COLUMN placed_at REAL;
            CREATE INDEX bookings_waiting ON bookings (book_status, placed_at);
            """),
    ]

    var placed: BookingPlaced {
        BookingPlaced(id: id, showId: showId, showName: showName, qty: qty, amount: amount, bookStatus: bookStatus)
    }

    var confirmed: BookingConfirmed {
        BookingConfirmed(id: id, showId: showId, showName: showName, qty: qty, amount: amount, bookStatus: bookStatus)
    }

    func cancelled(wasConfirmed: Bool) -> BookingCancelled {
        BookingCancelled(id: id, showId: showId, qty: qty, bookStatus: bookStatus, wasConfirmed: wasConfirmed)
    }
}
