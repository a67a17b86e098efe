import Foundation
import HTTP
import Testing
import TestSupport
import Ticketing

@Suite("Ticketing: the booking saga", .serialized)
struct BookingSagaTests {
    @Test("a booking made right after its show's registration takes seats, is paid, becomes issuable and is issued; an issued booking cannot be cancelled")
    func bookPayIssue() throws {
        let stack = try TicketingStack("happy")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let booking = try stack.book(show, qty: 10)
        #expect(booking.bookStatus == .booked)
        let traced = try HTTPClient().send(method: "GET", url: stack.gateway.baseURL + "/bookings/\(booking.id)",
                                           headers: ["X-Correlation-Id": "trace-me"], timeout: .seconds(5))
        #expect(traced.status == 200 && traced.headers["X-Correlation-Id"] == "trace-me", "the gateway passes the correlation id")
        let body = try JSONSerialization.jsonObject(with: Data(traced.body)) as? [String: Any]
        let selfLink = ((body?["_links"] as? [String: Any])?["self"] as? [String: Any])?["href"] as? String
        #expect(selfLink == "\(stack.gateway.baseURL)/bookings/\(booking.id)", "links followed through the gateway stay on it")

        try eventually("the booking is confirmed") { try stack.booking(booking.id).bookStatus == .confirmed }
        #expect(try stack.show(show.id).remainCount == 90)
        try eventually("the booking is paid") { try stack.payment(forBooking: booking.id) != nil }
        let payment = try #require(try stack.payment(forBooking: booking.id))
        #expect(payment.amount == 300_000 && payment.status == .paid, "qty × price")
        try eventually("the ticket is issuable") { try stack.ticket(forBooking: booking.id)?.issueStatus == .issuable }

        let ticket = try #require(try stack.ticket(forBooking: booking.id))
        let issued = try stack.command("PATCH", "/ticketIssuances/\(ticket.id)", ["issueStatus": "Issued"], as: TicketIssuance.self)
        #expect(issued.issueStatus == .issued)
        #expect(try stack.request("PATCH", "/ticketIssuances/\(ticket.id)", ["issueStatus": "Issued"]).status == 409)

        // Cancelling right after the issue races booking's news of it: either booking already
        // knows (409), or the cancellation is accepted and then undone when issuance refuses to
        // void the ticket. Either way the booking ends confirmed, paid, with its seats.
        let cancel = try stack.request("PATCH", "/bookings/\(booking.id)", ["bookStatus": "Cancelled"])
        #expect([200, 409].contains(cancel.status), "\(cancel.text)")
        try eventually("the booking stays (or is again) confirmed") {
            try stack.booking(booking.id).bookStatus == .confirmed && stack.payment(forBooking: booking.id)?.status == .paid
        }
        let again = try stack.request("PATCH", "/bookings/\(booking.id)", ["bookStatus": "Cancelled"])
        #expect(again.status == 409 && again.text.contains("issued"), "\(again.text)")
        #expect(try stack.show(show.id).remainCount == 90)
        #expect(try stack.ticket(forBooking: booking.id)?.issueStatus == .issued)
        try eventually("the dashboard shows the whole saga") {
            try stack.showStatuses().map(\.summary) == ["\(booking.id) showName1 ×10 300000 Confirmed/Paid/Issued"]
        }
    }

    @Test("cancelling cancels the payment, returns the seats and cancels the ticket; once")
    func cancellationCompensates() throws {
        let stack = try TicketingStack("cancel")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let booking = try stack.book(show, qty: 10)
        try eventually("the ticket is issuable") { try stack.ticket(forBooking: booking.id)?.issueStatus == .issuable }
        #expect(try stack.show(show.id).remainCount == 90)

        let cancelled = try stack.command("PATCH", "/bookings/\(booking.id)", ["bookStatus": "Cancelled"], as: Booking.self)
        #expect(cancelled.bookStatus == .cancelled)
        try eventually("the payment is cancelled") { try stack.payment(forBooking: booking.id)?.status == .cancelled }
        try eventually("the seats are back") { try stack.show(show.id).remainCount == 100 }
        #expect(try stack.ticket(forBooking: booking.id)?.issueStatus == .cancelled, "voided before the payment was cancelled")

        let twice = try stack.request("PATCH", "/bookings/\(booking.id)", ["bookStatus": "Cancelled"])
        #expect(twice.status == 409 && twice.text.contains("Cancelled"))
        let ticket = try #require(try stack.ticket(forBooking: booking.id))
        #expect(try stack.request("PATCH", "/ticketIssuances/\(ticket.id)", ["issueStatus": "Issued"]).status == 409)
        try eventually("the dashboard shows every step compensated") {
            try stack.showStatuses().map(\.summary) == ["\(booking.id) showName1 ×10 300000 Cancelled/Cancelled/Cancelled"]
        }
        #expect(try stack.show(show.id).remainCount == 100, "seats were returned once")
        #expect(try stack.payments().count == 1)

        // The booking's whole saga, across the four topics, under its correlation id.
        let trace = try runTool("eventctl", ["trace", "\(booking.id)", "--system", "ticketing",
                                             "--bootstrap-server", stack.broker.bootstrapServers])
        #expect(trace.status == 0, "\(trace)")
        let types = trace.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(types.sorted() == ["BookingCancelled", "BookingConfirmed", "BookingPlaced", "PaymentApproved", "PaymentCancelled",
                                   "SeatsReleased", "SeatsReserved", "TicketCancelled", "TicketIssuable"], "\(trace)")
        #expect(types.first == "BookingPlaced", "\(trace)")
        #expect(types.firstIndex(of: "TicketIssuable")! < types.firstIndex(of: "BookingCancelled")!, "\(trace)")
    }
}
