import Chassis
import Foundation
import Storage

/// Notifies the customer (channel `kakao`: a recorded message) of every change of the hotel's
/// reservation, exactly once each however often its event is delivered.
public enum NotificationContext: BoundedContext {
    public static let system = hotel
    public static let name = "notification"
    public static let publishes: [any DomainEvent.Type] = [NotificationSent.self]
    public static let migrations = Notification.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Notification.resource)
        service.on(ReservationRequested.self, from: HotelTopics.reservation) { reservation, _, work in
            try send(reservation.orderId, reservation.status, "Order \(reservation.orderId) is paid; the hotel has your request.", work)
        }
        service.on(ReservationConfirmed.self, from: HotelTopics.reservation) { reservation, _, work in
            try send(reservation.orderId, reservation.status, "Order \(reservation.orderId): the hotel confirmed your room.", work)
        }
        service.on(ReservationCanceled.self, from: HotelTopics.reservation) { reservation, _, work in
            try send(reservation.orderId, reservation.status, "Order \(reservation.orderId) is cancelled; the payment is refunded.", work)
        }
    }

    static func send(_ order: Int, _ status: ReservationStatus, _ text: String, _ work: UnitOfWork) throws {
        if let notification = try Notification.resource.insertIfAbsent([
            "order_id": .int(order), "reservation_status": .status(status), "channel": .text(Notification.channel),
            "text": .text(text), "sent_at": .text(Date.now.ISO8601Format()),
        ], work.db) {
            try work.publish(NotificationSent(id: notification.id, orderId: order, channel: notification.channel, text: text))
        }
    }
}
