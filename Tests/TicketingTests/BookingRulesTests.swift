import ChassisTesting
import HTTP
import Testing
@testable import Ticketing

@Suite("Booking's rules, in process")
struct BookingRulesTests {
    func booking() throws -> ContextTester {
        let tester = try ContextTester(BookingContext.self, environment: ["SHOW_URL": unreachable])
        try tester.deliver(Given.show(1, seats: 100))
        return tester
    }

    @Test("a booking of a known show is Booked, answered with its links, and placed as an event")
    func place() throws {
        let tester = try booking()
        let answer = try tester.request("POST", "/bookings", ["showId": "1", "qty": "10", "amount": "30000", "showName": "showName1",
                                                             "bookStatus": "Booked"], headers: ["Host": "127.0.0.1:8088"])
        #expect(answer.status == 201, "\(answer)")
        #expect(answer.response.headers["Location"] == "/bookings/1")
        let booking = try answer.decode(Booking.self)
        #expect(booking == Booking(id: 1, showId: 1, showName: "showName1", qty: 10, amount: 30000, bookStatus: .booked))
        #expect(answer.link("self") == "http://127.0.0.1:8088/bookings/1")
        #expect(answer.link("booking") == "http://127.0.0.1:8088/bookings/1")
        #expect(try tester.published(BookingPlaced.self).map(\.id) == [1])
    }

    @Test("a bad booking is a 400 that names the field, and nothing is stored or published",
          arguments: [
              (["showId": "1", "qty": "0", "amount": "1"], "qty"),
              (["showId": "1", "qty": "-3", "amount": "1"], "qty"),
              (["showId": "1", "qty": "abc", "amount": "1"], "qty"),
              (["showId": "1", "qty": "1"], "amount"),
              (["qty": "1", "amount": "1"], "showId"),
              (["showId": "1", "qty": "1", "amount": "1", "bookStatus": "Confirmed"], "bookStatus"),
              (["showId": "1", "qty": "1", "amount": "1", "showName": "other"], "showName"),
          ])
    func badInput(body: [String: String], field: String) throws {
        let tester = try booking()
        let answer = try tester.request("POST", "/bookings", body)
        #expect(answer.status == 400, "\(answer)")
        #expect(answer.detail.contains(field), "\(answer)")
        #expect(try tester.query("SELECT id FROM bookings").isEmpty)
        #expect(try tester.outbox().isEmpty)
    }

    @Test("a show booking has not heard of, with show unreachable, is a 503 and nothing is booked")
    func unknownShowWhileShowIsDown() throws {
        let tester = try booking()
        let answer = try tester.request("POST", "/bookings", ["showId": 2, "qty": 1, "amount": 1])
        #expect(answer.status == 503, "\(answer)")
        #expect(answer.response.headers["Retry-After"] != nil)
        #expect(try tester.query("SELECT id FROM bookings").isEmpty)
    }

    @Test("a show booking has not heard of is asked of show: unknown there is a 404, known is booked at once")
    func asksShow() throws {
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let show = HTTPServer(configuration: configuration) { request in
            request.path == "/shows/2" ? .json(Show(id: 2, showName: "showName2", totalCount: 5, remainCount: 5))
                                       : Problem.notFound("no show").response
        }
        let port = try show.start()
        defer { _ = show.shutdown(gracePeriod: .seconds(1)) }
        let tester = try ContextTester(BookingContext.self, environment: ["SHOW_URL": "http://127.0.0.1:\(port)"])

        let unknown = try tester.request("POST", "/bookings", ["showId": 999, "qty": 1, "amount": 1])
        #expect(unknown.status == 404 && unknown.detail == "show 999 does not exist; register it with POST /shows", "\(unknown)")
        #expect(unknown.response.headers["Content-Type"] == "application/problem+json")
        let known = try tester.request("POST", "/bookings", ["showId": 2, "qty": 1, "amount": 1])
        #expect(known.status == 201, "\(known)")
        #expect(try known.decode(Booking.self).showName == "showName2")
        #expect(try tester.request("GET", "/bookings/12345").status == 404)
    }

    @Test("the show's answer confirms or fails a booking once, however often it is delivered")
    func answers() throws {
        let tester = try booking()
        for _ in 0..<2 { _ = try tester.request("POST", "/bookings", ["showId": 1, "qty": 10, "amount": 5]) }
        #expect(try tester.deliverTwice(SeatsReserved(showId: 1, bookingId: 1, qty: 10, remainCount: 90)) == [.processed, .duplicate])
        try tester.deliver(SeatsRejected(showId: 1, bookingId: 2, qty: 10, remainCount: 0, reason: "only 0 seats remain"))
        // A second, different answer for a booking already answered changes nothing.
        try tester.deliver(SeatsRejected(showId: 1, bookingId: 1, qty: 10, remainCount: 0, reason: "late"))
        #expect(try tester.request("GET", "/bookings/1").decode(Booking.self).bookStatus == .confirmed)
        #expect(try tester.request("GET", "/bookings/2").decode(Booking.self).bookStatus == .failed)
        #expect(try tester.published(BookingConfirmed.self).map(\.id) == [1])
        #expect(try tester.published(BookingFailed.self).map(\.reason) == ["only 0 seats remain"])
    }

    @Test("cancelling: Booked or Confirmed become Cancelled once; again is 409, unknown 404, other fields 400")
    func cancel() throws {
        let tester = try booking()
        for _ in 0..<2 { _ = try tester.request("POST", "/bookings", ["showId": 1, "qty": 1, "amount": 5]) }
        try tester.deliver(SeatsReserved(showId: 1, bookingId: 2, qty: 1, remainCount: 98))

        let first = try tester.request("PATCH", "/bookings/1", ["bookStatus": "Cancelled"])
        #expect(first.status == 200, "\(first)")
        #expect(try first.decode(Booking.self).bookStatus == .cancelled)
        #expect(try tester.request("PATCH", "/bookings/2", ["bookStatus": "Cancelled"]).status == 200)
        #expect(try tester.published(BookingCancelled.self).map { "\($0.id):\($0.wasConfirmed)" } == ["1:false", "2:true"])

        let again = try tester.request("PATCH", "/bookings/1", ["bookStatus": "Cancelled"])
        #expect(again.status == 409 && again.detail.contains("Cancelled"), "\(again)")
        #expect(try tester.request("PATCH", "/bookings/99", ["bookStatus": "Cancelled"]).status == 404)
        #expect(try tester.request("PATCH", "/bookings/1", ["bookStatus": "Confirmed"]).status == 400)
        #expect(try tester.request("PATCH", "/bookings/1", ["bookStatus": "Cancelled", "qty": 3]).status == 400)
        #expect(try tester.published(BookingCancelled.self).count == 2)

        // The show's late answer does not bring a cancelled booking back.
        try tester.deliver(SeatsReserved(showId: 1, bookingId: 1, qty: 1, remainCount: 97))
        #expect(try tester.request("GET", "/bookings/1").decode(Booking.self).bookStatus == .cancelled)
        #expect(try tester.published(BookingConfirmed.self).map(\.id) == [2])
    }

    @Test("an issued ticket's booking cannot be cancelled; a cancellation that lost the race is reinstated once")
    func issuedTickets() throws {
        let tester = try booking()
        for _ in 0..<2 { _ = try tester.request("POST", "/bookings", ["showId": 1, "qty": 1, "amount": 5]) }
        for id in [1, 2] { try tester.deliver(SeatsReserved(showId: 1, bookingId: id, qty: 1, remainCount: 99 - id)) }
        try tester.deliver(TicketIssued(id: 1, bookId: 1, issueStatus: .issued))
        let refused = try tester.request("PATCH", "/bookings/1", ["bookStatus": "Cancelled"])
        #expect(refused.status == 409 && refused.detail.contains("issued"), "\(refused)")

        #expect(try tester.request("PATCH", "/bookings/2", ["bookStatus": "Cancelled"]).status == 200)
        let refusal = PaymentCancellationRefused(id: 2, bookId: 2, reason: "the ticket of booking 2 had already been issued", status: .paid)
        #expect(try tester.deliverTwice(refusal) == [.processed, .duplicate])
        try tester.deliver(refusal)   // a second refusal with another event id
        #expect(try tester.request("GET", "/bookings/2").decode(Booking.self).bookStatus == .confirmed)
        #expect(try tester.published(BookingReinstated.self).map(\.id) == [2])
        #expect(try tester.request("PATCH", "/bookings/2", ["bookStatus": "Cancelled"]).status == 409, "its ticket is issued now")
    }
}
