import Chassis
import HTTP
import Storage

/// Owns the seats: takes them for a booking only if enough remain (one conditional UPDATE, so
/// concurrent bookings never oversell) and gives them back when the booking is cancelled (and,
/// if it was paid, once the payment is cancelled).
public enum ShowContext: BoundedContext {
    public static let system = ticketing
    public static let name = "show"
    public static let publishes: [any DomainEvent.Type] = [
        ShowRegistered.self, SeatsReserved.self, SeatsRejected.self, SeatsReleased.self,
    ]
    public static let migrations = Show.migrations

    public static func install(on service: Service) throws {
        service.route("POST", "/shows", body: RegisterShow.self, answers: .created(Show.resource)) { request, command in
            return try service.answer { work in
                let show = try Show.resource.insert(["show_name": .text(command.showName), "total_count": .int(command.totalCount),
                                                     "remain_count": .int(command.seatsLeft)], work.db)
                try work.publish(ShowRegistered(id: show.id, showName: show.showName, totalCount: show.totalCount,
                                                remainCount: show.remainCount))
                return Show.resource.created(show, for: request)
            }
        }
        service.readRoutes(Show.resource)

        service.on(BookingPlaced.self, from: Topics.booking) { event, _, work in
            try hold(event, work)
        }
        // A confirmed booking's seats are released only once its payment is cancelled, so that
        // a cancellation refused for an issued ticket never gives away seats it still holds.
        service.on(BookingCancelled.self, from: Topics.booking) { event, _, work in
            if !event.wasConfirmed { try release(bookingId: event.id, showId: event.showId, work) }
        }
        // A booking that gave up waiting for the show's answer: give back what it holds, or make
        // sure its late `BookingPlaced` takes nothing. A rejected one holds nothing already.
        service.on(BookingFailed.self, from: Topics.booking) { event, _, work in
            try release(bookingId: event.id, showId: event.showId, work)
        }
        service.on(PaymentCancelled.self, from: Topics.pay) { event, _, work in
            try release(bookingId: event.bookId, work)
        }
    }

    static func hold(_ booking: BookingPlaced, _ work: UnitOfWork) throws {
        // Released already (the cancellation arrived first, a replayed dead letter): a tombstone.
        guard try work.db.queryOne("SELECT 1 AS held FROM seat_holds WHERE booking_id = ?", .int(booking.id)) == nil else { return }
        let left = try work.db.queryOne(
            "UPDATE shows SET remain_count = remain_count - ? WHERE id = ? AND remain_count >= ? RETURNING remain_count",
            .int(booking.qty), .int(booking.showId), .int(booking.qty))?.int("remain_count")
        let taken = left != nil
        let remain = try left ?? work.db.queryOne("SELECT remain_count FROM shows WHERE id = ?", .int(booking.showId))?.int("remain_count")
        try work.db.execute("INSERT INTO seat_holds (booking_id, show_id, qty, state) VALUES (?, ?, ?, ?)",
                            .int(booking.id), .int(booking.showId), .int(booking.qty), .text(taken ? "Held" : "Rejected"))
        if taken {
            try work.publish(SeatsReserved(showId: booking.showId, bookingId: booking.id, qty: booking.qty, remainCount: remain ?? 0))
        } else {
            let reason = remain.map { "only \($0) seats remain" } ?? "no show \(booking.showId)"
            try work.publish(SeatsRejected(showId: booking.showId, bookingId: booking.id, qty: booking.qty,
                                           remainCount: remain ?? 0, reason: reason))
        }
    }

    /// Gives back what the booking holds, once. A booking the show has not heard of yet gets a
    /// tombstone (`Released`, no seats), so that its late `BookingPlaced` takes nothing.
    static func release(bookingId: Int, showId: Int? = nil, _ work: UnitOfWork) throws {
        guard let hold = try work.db.queryOne(
            "UPDATE seat_holds SET state = 'Released' WHERE booking_id = ? AND state = 'Held' RETURNING show_id, qty",
            .int(bookingId))
        else {
            try work.db.execute("INSERT INTO seat_holds (booking_id, show_id, qty, state) VALUES (?, ?, 0, 'Released') ON CONFLICT DO NOTHING",
                                .int(bookingId), .int(showId ?? 0))
            return
        }
        let showId = try hold.int("show_id"), qty = try hold.int("qty")
        try work.db.execute("UPDATE shows SET remain_count = remain_count + ? WHERE id = ?", .int(qty), .int(showId))
        let show = try Show.resource.find(showId, work.db)
        try work.publish(SeatsReleased(showId: showId, bookingId: bookingId, qty: qty, remainCount: show.remainCount))
    }
}
