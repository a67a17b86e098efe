import Chassis
import Foundation
import HTTP
import Storage

/// Takes bookings 24/7 (even while pay is down: payment follows by event), confirms or fails
/// them on the show's answer, and cancels them on the customer's request.
public enum BookingContext: BoundedContext {
    public static let system = ticketing
    public static let name = "booking"
    public static let publishes: [any DomainEvent.Type] = [
        BookingPlaced.self, BookingConfirmed.self, BookingFailed.self, BookingCancelled.self, BookingReinstated.self,
    ]
    public static let migrations = Booking.migrations

    public static func install(on service: Service) throws {
        let show = try service.upstream("show", timeout: .seconds(2))
        let confirmationDeadline = try service.configuration.int("BOOKING_CONFIRMATION_TIMEOUT_SECONDS", default: 300, in: 1...86_400)
        service.route("POST", "/bookings", body: PlaceBooking.self, answers: .created(Booking.resource)) { request, command in
            try learnShow(command.showId, from: show, service)
            return try service.answer { work in Booking.resource.created(try place(command, work), for: request) }
        }
        service.readRoutes(Booking.resource)
        service.route("PATCH", "/bookings/{id}", body: CancelBooking.self, answers: .item(Booking.resource)) { request, _ in
            let id = try request.id()
            return Booking.resource.item(try service.transaction { work in try cancel(id, work) }, for: request)
        }

        // The saga's waiting step: a booking the show has not answered within the deadline (show
        // down for long, its event dead-lettered) fails, and `BookingFailed` makes the show give
        // back (or never take) its seats. The deadline also counts from booking's own (re)join of
        // its group, so that answers that waited while booking or the broker was down are read first.
        let confirmationStep = ["step": "booking-confirmation"]
        service.metrics.declare(.sagaTimeouts, confirmationStep)
        service.every(.seconds(1), "booking-confirmation-deadline") {
            guard let assigned = service.consumerAssignedAt,
                  Date().timeIntervalSince(assigned) > Double(confirmationDeadline) else { return }
            let failed = try service.transaction { work in try failUnanswered(olderThan: Double(confirmationDeadline), work) }
            if failed > 0 { service.metrics.increment(.sagaTimeouts, confirmationStep, by: Double(failed)) }
        }

        service.on(ShowRegistered.self, from: Topics.show) { event, _, work in
            try work.db.execute("INSERT INTO known_shows (id, show_name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                                .int(event.id), .text(event.showName))
        }
        // A booking cancelled before the show answered stays cancelled: the show releases the
        // seats when it reads the cancellation, which follows the booking on the same partition.
        service.on(SeatsReserved.self, from: Topics.show) { event, _, work in
            if let booking = try Booking.resource.transition(event.bookingId, from: [.booked], to: BookStatus.confirmed, work.db) {
                try work.publish(booking.confirmed)
            }
        }
        service.on(SeatsRejected.self, from: Topics.show) { event, _, work in
            if let booking = try Booking.resource.transition(event.bookingId, from: [.booked], to: BookStatus.failed, work.db) {
                try work.publish(BookingFailed(id: booking.id, showId: booking.showId, qty: booking.qty,
                                               reason: event.reason, bookStatus: booking.bookStatus))
            }
        }
        service.on(TicketIssued.self, from: Topics.issuance) { event, _, work in
            try work.db.execute("UPDATE bookings SET ticket_issued = 1 WHERE id = ?", .int(event.bookId))
        }
        // The customer cancelled in the moment after the ticket was issued, before this context
        // heard of it: the issue stands, so the cancellation is undone (the seats were never
        // released, as the show waits for the payment's cancellation).
        service.on(PaymentCancellationRefused.self, from: Topics.pay) { event, _, work in
            try work.db.execute("UPDATE bookings SET ticket_issued = 1 WHERE id = ?", .int(event.bookId))
            if let booking = try Booking.resource.transition(event.bookId, from: [.cancelled], to: BookStatus.confirmed, work.db) {
                try work.publish(BookingReinstated(id: booking.id, reason: event.reason, bookStatus: booking.bookStatus))
            }
        }
    }

    /// Booking knows shows from their `ShowRegistered` events, which follow a `POST /shows` by a
    /// moment. A show it has not heard of yet is asked of the show service itself (2 s deadline,
    /// behind a breaker), so that a show registered a moment ago is bookable at once.
    static func learnShow(_ id: Int, from show: Upstream, _ service: Service) throws {
        guard try service.database.read({ c in try c.queryOne("SELECT 1 AS known FROM known_shows WHERE id = ?", .int(id)) }) == nil
        else { return }
        let answer = try show.call("GET", "/shows/\(id)")
        guard answer.status == 200 else {
            throw answer.status == 404 ? Problem.notFound("show \(id) does not exist; register it with POST /shows")
                                       : Problem.unavailable("show answered \(answer.status) for show \(id); try again shortly", retryAfterSeconds: 1)
        }
        let name = try JSONObject(body: answer.body).string("showName")
        // A plain write, not a transaction of the request: it is no effect of the booking, so the
        // request's Idempotency-Key is recorded with the booking itself.
        _ = try service.database.write { c in
            try c.execute("INSERT INTO known_shows (id, show_name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", .int(id), .text(name))
        }
    }

    static func place(_ command: PlaceBooking, _ work: UnitOfWork) throws -> Booking {
        guard let show = try work.db.queryOne("SELECT show_name FROM known_shows WHERE id = ?", .int(command.showId)) else {
            throw Problem.notFound("show \(command.showId) does not exist; register it with POST /shows")
        }
        let showName = try show.string("show_name")
        if let given = command.showName, given != showName {
            throw Problem.badRequest("showName '\(given)' does not match show \(command.showId), which is '\(showName)'")
        }
        let booking = try Booking.resource.insert([
            "show_id": .int(command.showId), "show_name": .text(showName), "qty": .int(command.qty), "amount": .int(command.amount),
            "book_status": .status(BookStatus.booked), "placed_at": .real(Date().timeIntervalSince1970),
        ], work.db)
        try work.publish(booking.placed)
        return booking
    }

    /// Fails the bookings still `Booked` after `seconds`; returns how many.
    static func failUnanswered(olderThan seconds: Double, _ work: UnitOfWork) throws -> Int {
        let expired = try Booking.resource.update(["book_status": .status(BookStatus.failed)], where: "book_status = ? AND placed_at < ?",
                                                  [.status(BookStatus.booked), .real(Date().timeIntervalSince1970 - seconds)], work.db)
        for booking in expired {
            try work.publish(BookingFailed(id: booking.id, showId: booking.showId, qty: booking.qty,
                                           reason: "the show did not answer within \(Int(seconds)) s", bookStatus: booking.bookStatus))
        }
        return expired.count
    }

    /// Checked and changed in one write transaction, so two cancellations cannot both pass.
    static func cancel(_ id: Int, _ work: UnitOfWork) throws -> Booking {
        let before = try Booking.resource.find(id, work.db)
        if before.bookStatus == .confirmed,
           try work.db.queryOne("SELECT ticket_issued FROM bookings WHERE id = ?", .int(id))?.bool("ticket_issued") == true {
            throw Problem.conflict("booking \(id) cannot be cancelled: its ticket has been issued")
        }
        let booking = try Booking.resource.command(id, to: BookStatus.cancelled, work.db)
        try work.publish(booking.cancelled(wasConfirmed: before.bookStatus == .confirmed))
        return booking
    }
}
