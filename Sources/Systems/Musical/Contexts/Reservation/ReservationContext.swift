import Chassis
import HTTP
import Storage

/// Takes reservations: the seats are taken from musical by a sync call before the reservation
/// exists (too few left → 409, nothing reserved; musical slow or down → its breaker opens and
/// reservations are refused with 503 and `Retry-After`). Payment follows by event, so
/// reservations are taken 24/7 while payment is down. Cancelling gives the seats back (at once,
/// or deferred while musical is unavailable) and payment cancels by event.
public enum ReservationContext: BoundedContext {
    public static let system = musical
    public static let name = "reservation"
    public static let publishes: [any DomainEvent.Type] = [SeatsReserved.self, ReservationCancelled.self]
    public static let migrations = Reservation.migrations

    public static func install(on service: Service) throws {
        let seats = try service.stockClaims(from: service.upstream("musical", timeout: .seconds(2), breaker: CircuitBreakerConfiguration(
            slidingWindowSize: 10, minimumNumberOfCalls: 5, slowCallRateThreshold: 50, slowCallDurationThreshold: .milliseconds(500),
            waitDurationInOpenState: .seconds(3))))

        service.route("POST", "/reservations", body: Reserve.self, answers: .created(Reservation.resource)) { request, command in
            let reservation = try seats.take(command.seats, of: command.musicalId) { work in
                let reservation = try Reservation.resource.insert([
                    "musical_id": .int(command.musicalId), "seats": .int(command.seats), "price": .int(command.pricePerSeat),
                    "status": .status(ReservationStatus.seatsReserved),
                ], work.db)
                try work.publish(reservation.reserved)
                return reservation
            }
            return Reservation.resource.created(reservation, for: request)
        }
        service.readRoutes(Reservation.resource)
        service.route("DELETE", "/reservations/{id}", answers: .item(Reservation.resource)) { request in
            let id = try request.id()
            let reservation = try seats.release(heldBy: id) { work in
                let reservation = try Reservation.resource.command(id, to: ReservationStatus.cancelled, work.db)
                try work.publish(reservation.cancelled)
                return reservation
            }
            return Reservation.resource.item(reservation, for: request)
        }

        // A reservation cancelled before its payment was approved stays cancelled.
        service.on(PaymentApproved.self, from: MusicalTopics.payment) { payment, _, work in
            _ = try Reservation.resource.transition(payment.reservationId, from: [.seatsReserved], to: ReservationStatus.paymentApproved, work.db)
        }
    }
}
