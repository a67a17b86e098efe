import Foundation
import Testing
import TestSupport
import Ticketing

/// A dead letter replayed later (`eventctl dlq replay` appends it at the end of the log) brings
/// a saga's events out of order. Every policy that can get the undo before the do leaves a
/// tombstone, so that the late do changes nothing and the saga still ends consistent.
@Suite("Ticketing: compensation that arrives before the step it undoes", .serialized)
struct CompensationOrderTests {
    @Test("cancellations published before their bookings' placement and confirmation charge nothing, hold no seats, and the view says cancelled")
    func cancellationsBeforeTheirBookings() throws {
        let stack = try TicketingStack("compensation-order")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let publisher = try BookingEvents(stack: stack, show: show)

        // Bookings the booking service never took: only their events exist, in the wrong order.
        let confirmed = 9001, unconfirmed = 9002
        try publisher.send("BookingCancelled", confirmed, at: 3, ["qty": 5, "bookStatus": "Cancelled", "wasConfirmed": true])
        try publisher.send("BookingCancelled", unconfirmed, at: 3, ["qty": 7, "bookStatus": "Cancelled", "wasConfirmed": false])
        try publisher.send("BookingPlaced", confirmed, at: 1, ["qty": 5, "amount": 30000, "bookStatus": "Booked"])
        try publisher.send("BookingPlaced", unconfirmed, at: 1, ["qty": 7, "amount": 30000, "bookStatus": "Booked"])
        try publisher.send("BookingConfirmed", confirmed, at: 2, ["qty": 5, "amount": 30000, "bookStatus": "Confirmed"])

        try eventually("pay leaves a cancelled payment of 0 for the confirmed booking, and the view shows both cancelled") {
            let view = try stack.showStatuses()
            return try stack.payment(forBooking: confirmed).map { $0.status == .cancelled && $0.amount == 0 } == true
                && view.first { $0.id == confirmed }?.bookStatus == .cancelled && view.first { $0.id == confirmed }?.payStatus == .cancelled
                && view.first { $0.id == unconfirmed }?.bookStatus == .cancelled
        }
        // A normal booking through the whole saga: by the time it is issuable, the late events
        // above have long been read by every service.
        let witness = try stack.book(show, qty: 1)
        try eventually("a normal booking still goes through") { try stack.ticket(forBooking: witness.id)?.issueStatus == .issuable }
        Thread.sleep(forTimeInterval: 1)

        #expect(try stack.payments().filter { $0.bookId == confirmed }.map(\.status) == [.cancelled], "never charged")
        #expect(try stack.payment(forBooking: unconfirmed) == nil)
        #expect(try stack.ticket(forBooking: confirmed) == nil && stack.ticket(forBooking: unconfirmed) == nil, "no ticket")
        #expect(try stack.show(show.id).remainCount == 99, "only the normal booking holds a seat")
        let view = try stack.showStatuses()
        #expect(view.first { $0.id == confirmed }?.summary == "9001 showName1 ×5 - Cancelled/Cancelled/-", "\(view.map(\.summary))")
        #expect(view.first { $0.id == unconfirmed }?.summary == "9002 showName1 ×7 - Cancelled/-/-", "\(view.map(\.summary))")
    }
}
