import Chassis
import HTTP
import Storage

/// Takes carts: the quantity is taken from gifticon by a sync call before the cart exists (too
/// little left → 409, nothing added; gifticon slow or down → its breaker opens and carts are
/// refused with 503 and `Retry-After`). Payment follows by event, so carts are taken while
/// payment is down. Removing a cart gives the quantity back (at once, or deferred while
/// gifticon is unavailable) and payment cancels by event.
public enum CartContext: BoundedContext {
    public static let system = gifticon
    public static let name = "cart"
    public static let publishes: [any DomainEvent.Type] = [CartAdded.self, CartRemoved.self]
    public static let migrations = Cart.migrations

    public static func install(on service: Service) throws {
        // As the seed configured: a call slower than 250 ms counts as a failure.
        let stock = try service.upstream("gifticon", timeout: .seconds(1), breaker: CircuitBreakerConfiguration(
            slidingWindowSize: 10, minimumNumberOfCalls: 5, failureRateThreshold: 50, slowCallRateThreshold: 50,
            slowCallDurationThreshold: .milliseconds(250), waitDurationInOpenState: .seconds(3)))
        let claims = try service.stockClaims(from: stock)

        service.route("POST", "/carts", body: AddCart.self, answers: .created(Cart.resource)) { request, command in
            let cart = try claims.take(command.quantity, of: command.gifticonId) { work in
                let cart = try Cart.resource.insert(["gifticon_id": .int(command.gifticonId), "quantity": .int(command.quantity),
                                                     "status": .status(CartStatus.cartAdded)], work.db)
                try work.publish(cart.added)
                return cart
            }
            return Cart.resource.created(cart, for: request)
        }
        service.readRoutes(Cart.resource)
        service.route("DELETE", "/carts/{id}", answers: .noContent) { request in
            let id = try request.id()
            try claims.release(heldBy: id) { work in try work.publish(try Cart.resource.delete(id, work.db).removed) }
            return HTTPResponse(status: 204)
        }

        // A cart removed before its payment was approved is gone: nothing to mark.
        service.on(PaymentApproved.self, from: GifticonTopics.payment) { payment, _, work in
            _ = try Cart.resource.transition(payment.cartId, from: [.cartAdded], to: CartStatus.paymentApproved, work.db)
        }
    }
}
