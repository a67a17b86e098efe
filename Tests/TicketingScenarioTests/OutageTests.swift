import Foundation
import Testing
import TestSupport
import Ticketing

@Suite("Ticketing: outages", .serialized)
struct OutageTests {
    @Test("bookings are taken while pay is down; when it returns every booking is charged once")
    func payOutage() throws {
        let stack = try TicketingStack("pay-outage")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let first = try stack.book(show, qty: 1)
        try eventually("the first booking is paid") { try stack.payment(forBooking: first.id) != nil }

        #expect(stack.pay.stop() == 0)
        let down = try stack.request("GET", "/payments")
        #expect(down.status == 502 && down.headers["Content-Type"] == "application/problem+json", "the gateway says pay is down: \(down.text)")
        var bookings: [Booking] = []
        for qty in 1...5 { bookings.append(try stack.book(show, qty: qty)) }
        try eventually("bookings are confirmed while pay is down") {
            try bookings.allSatisfy { try stack.booking($0.id).bookStatus == .confirmed }
        }
        #expect(try stack.show(show.id).remainCount == 100 - 1 - 15)

        try stack.pay.start()
        try eventually("every booking is charged once pay is back", timeout: .seconds(60)) {
            try stack.payments().count == 6 && stack.tickets().count == 6
        }
        let payments = try stack.payments()
        #expect(Set(payments.map(\.bookId)) == Set([first.id] + bookings.map(\.id)), "one payment per booking")
        for booking in bookings {
            #expect(payments.first { $0.bookId == booking.id }?.amount == booking.qty * 30000)
        }
        // After its restart pay read exactly what it missed: five confirmations, none twice.
        #expect(try stack.pay.metric(#"consumer_events_total{outcome="processed",topic="ticketing.booking"}"#) == 5)
        #expect(try stack.pay.metric(#"consumer_events_total{outcome="duplicate",topic="ticketing.booking"}"#) == 0)
    }

    @Test("a cancellation waits while issuance is down, completes when it returns, and the ticket can never be issued")
    func issuanceOutage() throws {
        let stack = try TicketingStack("issuance-outage")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let booking = try stack.book(show, qty: 4)
        try eventually("the ticket is issuable") { try stack.ticket(forBooking: booking.id)?.issueStatus == .issuable }
        let ticketId = try #require(try stack.ticket(forBooking: booking.id)).id

        #expect(stack.issuance.stop() == 0)
        let cancelled = try stack.command("PATCH", "/bookings/\(booking.id)", ["bookStatus": "Cancelled"], as: Booking.self)
        #expect(cancelled.bookStatus == .cancelled, "the customer's cancellation is accepted at once")
        try eventually("pay's breaker opens on the failing calls") {
            try stack.pay.metric(#"circuit_breaker_state{name="issuance"}"#) == 1
        }
        #expect(try stack.pay.metric(#"deferred_calls_pending{call="payment_cancellations"}"#) == 1)
        #expect(try stack.payment(forBooking: booking.id)?.status == .paid, "deferred, not lost: the payment waits for issuance")
        #expect(try stack.show(show.id).remainCount == 96, "seats return after the payment is cancelled")

        try stack.issuance.start()
        try eventually("the payment is cancelled once issuance is back", timeout: .seconds(60)) {
            try stack.payment(forBooking: booking.id)?.status == .cancelled
        }
        #expect(try stack.ticket(forBooking: booking.id)?.issueStatus == .cancelled)
        try eventually("the seats are back") { try stack.show(show.id).remainCount == 100 }
        let issue = try stack.request("PATCH", "/ticketIssuances/\(ticketId)", ["issueStatus": "Issued"])
        #expect(issue.status == 409, "\(issue.text)")
        try eventually("the dashboard converges") {
            try stack.showStatuses().map(\.summary) == ["\(booking.id) showName1 ×4 120000 Cancelled/Cancelled/Cancelled"]
        }
    }

    @Test("300 concurrent one-seat bookings of 100 seats: exactly 100 confirmed, 200 failed, 100 payments")
    func noOversell() throws {
        let stack = try TicketingStack("oversell")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)

        let accepted = LockedCounter()
        let group = DispatchGroup()
        for _ in 0..<30 {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<10 {
                    if (try? stack.book(show, qty: 1)) != nil { accepted.increment() }
                }
            }
        }
        group.wait()
        #expect(accepted.value == 300, "every booking is accepted; seats are decided asynchronously")

        try eventually("every booking is decided", timeout: .seconds(90)) {
            try stack.list("bookings", as: Booking.self).allSatisfy { $0.bookStatus != .booked }
        }
        let statuses = try stack.list("bookings", as: Booking.self).map(\.bookStatus)
        #expect(statuses.filter { $0 == .confirmed }.count == 100)
        #expect(statuses.filter { $0 == .failed }.count == 200)
        #expect(try stack.show(show.id).remainCount == 0)
        try eventually("the confirmed bookings are paid", timeout: .seconds(60)) { try stack.payments().count >= 100 }
        Thread.sleep(forTimeInterval: 1)
        #expect(try stack.payments().count == 100)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

@Suite("Ticketing: broker restarts", .serialized)
struct BrokerRestartTests {
    /// Tansu keeps everything in memory: each restart comes back with no topics, no groups, no
    /// offsets and no producer sessions, harsher than an Apache Kafka restart. Events it held
    /// but nobody had consumed yet are gone with it, so each round starts settled; the booking
    /// taken while it is down waits in booking's outbox and must go the whole way afterwards.
    @Test("five broker restarts: no service crashes, and a booking taken while the broker is down is paid within seconds of its return")
    func brokerRestarts() throws {
        let stack = try TicketingStack("broker-restarts")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 1000)
        let first = try stack.book(show, qty: 1)
        try eventually("the first booking is paid") { try stack.payment(forBooking: first.id) != nil }
        let pids = stack.services.map { $0.process?.pid }
        var recoveries: [Duration] = []
        for round in 1...5 {
            stack.broker.stop()
            let booking = try stack.book(show, qty: 1)
            Thread.sleep(forTimeInterval: 1)
            try stack.broker.start()
            let back = ContinuousClock.now
            try eventually("round \(round): booking \(booking.id) is confirmed and paid after the broker's return", timeout: .seconds(60)) {
                try stack.booking(booking.id).bookStatus == .confirmed && stack.payment(forBooking: booking.id) != nil
            }
            recoveries.append(.now - back)
            for service in stack.services {
                #expect(service.process?.isRunning == true, "round \(round): \(service.name) died:\n\(service.log.suffix(3000))")
            }
        }
        print("broker restarts: paid \(recoveries.map { "\($0)" }) after the broker's return")
        #expect(stack.services.map { $0.process?.pid } == pids, "no service was restarted")
        #expect(recoveries.allSatisfy { $0 < .seconds(30) }, "recovery after each return: \(recoveries)")
    }
}

@Suite("Ticketing: saga deadlines", .serialized)
struct SagaDeadlineTests {
    @Test("a booking the show does not answer in time fails, and the show gives its seats back when it returns, in the deadline's trace")
    func bookingConfirmationDeadline() throws {
        let collector = try TraceCollector()
        defer { collector.stop() }
        let exporting = collector.environment
        let stack = try TicketingStack("deadline", environment: [
            "booking": exporting.merging(["BOOKING_CONFIRMATION_TIMEOUT_SECONDS": "3"]) { _, deadline in deadline }, "show": exporting,
        ])
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let first = try stack.book(show, qty: 1)
        try eventually("the first booking is confirmed") { try stack.booking(first.id).bookStatus == .confirmed }

        #expect(stack.show.stop() == 0)
        let waiting = try stack.book(show, qty: 4)
        try eventually("the booking fails once the show has not answered for 3 s", timeout: .seconds(15)) {
            try stack.booking(waiting.id).bookStatus == .failed
        }
        #expect(try stack.booking.metric(#"saga_timeouts_total{step="booking-confirmation"}"#) == 1)

        try stack.show.start()
        try eventually("the show, back, takes and gives back the seats of the failed booking") {
            try stack.show(show.id).remainCount == 99 && stack.showStatuses().first { $0.id == waiting.id }?.bookStatus == .failed
        }
        #expect(try stack.payment(forBooking: waiting.id) == nil, "nothing charged")
        #expect(try stack.booking(waiting.id).bookStatus == .failed, "the show's late answer changes nothing")

        // The compensation is published by a job, in a span of its own that the show's run continues.
        try eventually("the show's run on BookingFailed is exported") {
            collector.spans.contains { $0.service == "ticketing-show" && $0.attributes["event.type"] == "BookingFailed" }
        }
        let spans = collector.spans
        let run = try #require(spans.first { $0.service == "ticketing-show" && $0.attributes["event.type"] == "BookingFailed" })
        let job = try #require(spans.first { $0.service == "ticketing-booking" && $0.name == "job booking-confirmation-deadline" })
        let publish = try #require(spans.first { $0.spanID == run.parentSpanID })
        #expect(run.traceID == job.traceID && publish.parentSpanID == job.spanID && job.parentSpanID == nil && job.kind == 1)
    }

    @Test("a payment cancellation issuance keeps refusing does not hold back the ones behind it")
    func cancellationsAreIndependent() throws {
        let stack = try TicketingStack("independent-cancellations")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        // A booking issuance will never void: its id is not one (issuance answers 400, forever).
        let events = try BookingEvents(stack: stack, show: show)
        try events.send("BookingConfirmed", -5, at: 0, ["qty": 1, "amount": 100, "bookStatus": "Confirmed"])
        try events.send("BookingCancelled", -5, at: 1, ["qty": 1, "bookStatus": "Cancelled", "wasConfirmed": true])
        try eventually("the bad cancellation is pending") { try stack.pay.metric(#"deferred_calls_pending{call="payment_cancellations"}"#) == 1 }

        let booking = try stack.book(show, qty: 2)
        try eventually("the booking is paid") { try stack.payment(forBooking: booking.id) != nil }
        _ = try stack.command("PATCH", "/bookings/\(booking.id)", ["bookStatus": "Cancelled"], as: Booking.self)
        try eventually("the good cancellation completes behind the bad one") { try stack.payment(forBooking: booking.id)?.status == .cancelled }
        #expect(try stack.payment(forBooking: -5)?.status == .paid, "the bad one stays pending, deferred")
    }
}
