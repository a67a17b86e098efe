import Chassis
import Storage

/// Approves every reservation's payment, once, and cancels it when the reservation is
/// cancelled. A cancellation read before its reservation (a replayed dead letter) leaves a
/// tombstone — a payment already cancelled, never approved — so the late reservation is charged
/// nothing.
public enum PaymentContext: BoundedContext {
    public static let system = musical
    public static let name = "payment"
    public static let publishes: [any DomainEvent.Type] = [PaymentApproved.self, PaymentCancelled.self]
    public static let migrations = Payment.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Payment.resource)
        service.on(SeatsReserved.self, from: MusicalTopics.reservation) { reservation, _, work in
            if let payment = try Payment.resource.insertIfAbsent(
                ["reservation_id": .int(reservation.id), "status": .status(PaymentStatus.paymentApproved)], work.db) {
                try work.publish(payment.approved)
            }
        }
        service.on(ReservationCancelled.self, from: MusicalTopics.reservation) { reservation, _, work in
            if let cancelled = try Payment.resource.compensate("reservation_id", reservation.id, from: [.paymentApproved], to: PaymentStatus.paymentCancelled,
                                                                work.db) {
                try work.publish(cancelled.cancelled)
            }
        }
    }
}
