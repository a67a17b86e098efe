import Chassis
import Storage

/// Sends the customer a notice when a payment is approved and when it is cancelled: once each,
/// however often the event is delivered.
public enum NoticeContext: BoundedContext {
    public static let system = musical
    public static let name = "notice"
    public static let publishes: [any DomainEvent.Type] = [NoticeSent.self]
    public static let migrations = Notice.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Notice.resource)
        service.on(PaymentApproved.self, from: MusicalTopics.payment) { payment, _, work in
            try send(payment.id, payment.status, reservation: payment.reservationId,
                     "Payment \(payment.id) for reservation \(payment.reservationId) is approved.", work)
        }
        service.on(PaymentCancelled.self, from: MusicalTopics.payment) { payment, _, work in
            try send(payment.id, payment.status, reservation: payment.reservationId,
                     "Reservation \(payment.reservationId) is cancelled; payment \(payment.id) is cancelled.", work)
        }
    }

    static func send(_ payment: Int, _ status: PaymentStatus, reservation: Int, _ text: String, _ work: UnitOfWork) throws {
        if let notice = try Notice.resource.insertIfAbsent(["reservation_id": .int(reservation), "payment_id": .int(payment),
                                                            "payment_status": .status(status), "send_text": .text(text)], work.db) {
            try work.publish(notice.sent)
        }
    }
}
