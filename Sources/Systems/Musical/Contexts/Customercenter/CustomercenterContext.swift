import Chassis
import Storage

/// Each reservation's progress for its customer, kept from events without calling any other
/// service. `musical-customercenter reset-view` clears it for a rebuild.
public enum CustomercenterContext: BoundedContext {
    public static let system = musical
    public static let name = "customercenter"
    public static let publishes: [any DomainEvent.Type] = []
    public static let migrations = MyPage.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(MyPage.resource)
        let view = View(MyPage.resource.table, key: MyPage.resource.idColumn, progressions: ["status": [
            ReservationStatus.seatsReserved.rawValue, ReservationStatus.paymentApproved.rawValue,
            ReservationStatus.cancelled.rawValue, PaymentStatus.paymentCancelled.rawValue,
        ]])
        service.project(SeatsReserved.self, from: MusicalTopics.reservation, into: view) {
            .init($0.id, "status", .status($0.status), facts: ["musical_id": .int($0.musicalId), "seats": .int($0.seats)])
        }
        service.project(ReservationCancelled.self, from: MusicalTopics.reservation, into: view) { .init($0.id, "status", .status($0.status)) }
        service.project(PaymentApproved.self, from: MusicalTopics.payment, into: view) {
            .init($0.reservationId, "status", .status($0.status), facts: ["payment_id": .int($0.id)])
        }
        service.project(PaymentCancelled.self, from: MusicalTopics.payment, into: view) {
            .init($0.reservationId, "status", .status($0.status), facts: ["payment_id": .int($0.id)])
        }
    }
}
