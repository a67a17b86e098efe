import Chassis
import Storage

/// Approves every added cart's payment, once, and cancels it when the cart is removed. A removal
/// read before its cart (a replayed dead letter) leaves a tombstone — a payment already
/// cancelled, never approved — so the late cart is charged nothing.
public enum PaymentContext: BoundedContext {
    public static let system = gifticon
    public static let name = "payment"
    public static let publishes: [any DomainEvent.Type] = [PaymentApproved.self, PaymentCancelled.self]
    public static let migrations = Payment.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Payment.resource)
        service.on(CartAdded.self, from: GifticonTopics.cart) { cart, _, work in
            if let payment = try Payment.resource.insertIfAbsent(
                ["cart_id": .int(cart.id), "status": .status(PaymentStatus.paymentApproved)], work.db) {
                try work.publish(payment.approved)
            }
        }
        service.on(CartRemoved.self, from: GifticonTopics.cart) { cart, _, work in
            if let cancelled = try Payment.resource.compensate("cart_id", cart.id, from: [.paymentApproved], to: PaymentStatus.paymentCancelled,
                                                                work.db) {
                try work.publish(cancelled.cancelled)
            }
        }
    }
}
