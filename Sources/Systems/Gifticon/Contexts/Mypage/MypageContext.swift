import Chassis
import Storage

/// Each cart's progress for its customer, kept from events without calling any other service.
/// `gifticon-mypage reset-view` clears it for a rebuild.
public enum MypageContext: BoundedContext {
    public static let system = gifticon
    public static let name = "mypage"
    public static let publishes: [any DomainEvent.Type] = []
    public static let migrations = Mypage.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Mypage.resource)
        let view = View(Mypage.resource.table, key: Mypage.resource.idColumn, progressions: ["status": [
            CartStatus.cartAdded.rawValue, PaymentStatus.paymentApproved.rawValue, PaymentStatus.paymentCancelled.rawValue,
        ]])
        service.project(CartAdded.self, from: GifticonTopics.cart, into: view) {
            .init($0.id, "status", .status($0.status), facts: ["gifticon_id": .int($0.gifticonId), "quantity": .int($0.quantity)])
        }
        service.project(PaymentApproved.self, from: GifticonTopics.payment, into: view) {
            .init($0.cartId, "status", .status($0.status), facts: ["payment_id": .int($0.id)])
        }
        service.project(PaymentCancelled.self, from: GifticonTopics.payment, into: view) {
            .init($0.cartId, "status", .status($0.status), facts: ["payment_id": .int($0.id)])
        }
    }
}
