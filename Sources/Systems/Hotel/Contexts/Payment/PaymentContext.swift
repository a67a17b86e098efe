import Chassis
import HTTP
import Storage

/// Pays orders, one payment per order: order's sync call, repeated (a retry, or the seed's own
/// `POST /payments orderId=1 cardNo=12345`), answers the payment made and publishes nothing
/// new. Cancelling is a sync call too, idempotent; a cancellation before any payment leaves a
/// tombstone, so a late charge for that order is refused (409) and charges nothing.
public enum PaymentContext: BoundedContext {
    public static let system = hotel
    public static let name = "payment"
    public static let publishes: [any DomainEvent.Type] = [PaymentApproved.self, PaymentCanceled.self]
    public static let migrations = Payment.migrations

    public static func install(on service: Service) throws {
        service.route("POST", "/payments", body: Pay.self, answers: .createdOrExisting(Payment.resource)) { request, command in
            try service.answer(saga: String(command.orderId)) { work in
                if let payment = try Payment.resource.first(where: "order_id = ?", [.int(command.orderId)], work.db) {
                    guard payment.status == .paymentApproved else {
                        throw Problem.conflict("the payment of order \(command.orderId) is \(payment.status.rawValue)")
                    }
                    if let amount = command.amount, amount != payment.amount {
                        throw Problem.conflict("order \(command.orderId) has a payment of \(payment.amount), not \(amount)")
                    }
                    return Payment.resource.item(payment, for: request)
                }
                guard let amount = command.amount else {
                    throw Problem.badRequest("order \(command.orderId) has no payment yet; field 'amount' is required to make one")
                }
                let payment = try Payment.resource.insert(["order_id": .int(command.orderId), "card_no": command.cardNo.map(SQLValue.int) ?? .null,
                                                           "amount": .int(amount), "status": .status(PaymentStatus.paymentApproved)], work.db)
                try work.publish(payment.approved)
                return Payment.resource.created(payment, for: request)
            }
        }
        service.readRoutes(Payment.resource)
        service.route("POST", Payment.cancellationsPath, body: CancelPayment.self, answers: .item(Payment.resource)) { request, command in
            let orderId = command.orderId
            return try service.answer(saga: String(orderId)) { work in
                // An order never charged gets a tombstone, which is no payment cancelled: nothing to say.
                let charged = try Payment.resource.first(where: "order_id = ?", [.int(orderId)], work.db) != nil
                if let cancelled = try Payment.resource.compensate("order_id", orderId, from: [.paymentApproved],
                                                                   to: PaymentStatus.paymentCancelled, work.db), charged {
                    try work.publish(cancelled.cancelled)
                    return Payment.resource.item(cancelled, for: request)
                }
                return Payment.resource.item(try Payment.resource.first(where: "order_id = ?", [.int(orderId)], work.db)!, for: request)
            }
        }
    }
}
