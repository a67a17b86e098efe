import Chassis
import Storage

/// Each order's progress for its customer, kept from events without calling any other service.
/// `hotel-customercenter reset-view` clears it for a rebuild.
public enum CustomercenterContext: BoundedContext {
    public static let system = hotel
    public static let name = "customercenter"
    public static let publishes: [any DomainEvent.Type] = []
    public static let migrations = Mypage.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Mypage.resource)
        let view = View(Mypage.resource.table, key: Mypage.resource.idColumn, progressions: ["status": [
            OrderStatus.paid, OrderStatus.confirmed, OrderStatus.cancelled,
        ].map(\.rawValue)])
        service.project(Ordered.self, from: HotelTopics.order, into: view) {
            .init($0.id, "status", .status($0.status), facts: [
                "name": .text($0.name), "room_type": .text($0.roomType), "guest_cnt": $0.guestCnt.map(SQLValue.int) ?? .null,
            ])
        }
        service.project(ReservationConfirmed.self, from: HotelTopics.reservation, into: view) {
            .init($0.orderId, "status", .text(OrderStatus.confirmed.rawValue))
        }
        service.project(OrderCanceled.self, from: HotelTopics.order, into: view) { .init($0.id, "status", .status($0.status)) }
    }
}
