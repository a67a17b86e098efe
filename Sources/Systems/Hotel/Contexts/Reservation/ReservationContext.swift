import Chassis
import HTTP
import Storage

/// The hotel: receives paid orders as `Requested` reservations (by event, so orders are taken
/// while it is down) and confirms them. `POST /reservations orderId=1 status=confirmed`, the
/// seed's command, confirms order 1's reservation, even one whose order the hotel has not read
/// yet: it is recorded `Confirmed`, the order's late event does not take it back, and the
/// confirmation is announced only once that paid order has been read — an order never paid is
/// never confirmed to anyone. An order cancelled before its reservation was read leaves a
/// tombstone.
public enum ReservationContext: BoundedContext {
    public static let system = hotel
    public static let name = "reservation"
    public static let publishes: [any DomainEvent.Type] = [
        ReservationRequested.self, ReservationConfirmed.self, ReservationCanceled.self,
    ]
    public static let migrations = Reservation.migrations

    public static func install(on service: Service) throws {
        service.route("POST", "/reservations", body: ConfirmOrder.self, answers: .createdOrExisting(Reservation.resource)) { request, command in
            let orderId = command.orderId
            return try service.answer(saga: String(orderId)) { work in
                if let early = try Reservation.resource.insertIfAbsent(["order_id": .int(orderId), "status": .status(ReservationStatus.confirmed),
                                                                        "confirmed_early": .int(1)], work.db) {
                    return Reservation.resource.created(early, for: request)
                }
                let existing = try Reservation.resource.first(where: "order_id = ?", [.int(orderId)], work.db)!
                return Reservation.resource.item(try confirm(existing.id, work), for: request)
            }
        }
        service.readRoutes(Reservation.resource)
        service.route("PATCH", "/reservations/{id}", body: Confirmation.self, answers: .item(Reservation.resource)) { request, _ in
            let id = try request.id()
            return Reservation.resource.item(try service.transaction { work in try confirm(id, work) }, for: request)
        }

        service.on(Ordered.self, from: HotelTopics.order) { order, _, work in
            if let reservation = try Reservation.resource.insertIfAbsent(["order_id": .int(order.id), "status": .status(ReservationStatus.requested)], work.db) {
                try work.publish(reservation.requested)
            } else if let early = try Reservation.resource.update(["confirmed_early": .int(0)], where: "order_id = ? AND confirmed_early = 1 AND status = ?",
                                                                  [.int(order.id), .status(ReservationStatus.confirmed)], work.db).first {
                try work.publish(early.confirmed)
            }
        }
        service.on(OrderCanceled.self, from: HotelTopics.order) { order, _, work in
            if let reservation = try Reservation.resource.compensate("order_id", order.id, from: [.requested, .confirmed],
                                                                     to: ReservationStatus.cancelled, work.db) {
                try work.publish(reservation.cancelled)
            }
        }
    }

    /// Confirms reservation `id`; confirming it again answers it as it is.
    static func confirm(_ id: Int, _ work: UnitOfWork) throws -> Reservation {
        if let reservation = try Reservation.resource.transition(id, from: [.requested], to: ReservationStatus.confirmed, work.db) {
            try work.publish(reservation.confirmed)
            return reservation
        }
        let reservation = try Reservation.resource.find(id, work.db)
        guard reservation.status == .confirmed else {
            throw Problem.conflict("reservation \(id) cannot be confirmed: it is \(reservation.status.rawValue)")
        }
        return reservation
    }
}
