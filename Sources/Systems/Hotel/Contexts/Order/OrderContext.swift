import Chassis
import Foundation
import HTTP
import Storage

/// Takes orders and pays each by a sync call to payment before the hotel hears of it: an
/// unpaid order never reaches the hotel. The order is stored `Ordered` first, so that its id
/// keys the payment (payment keeps one per order); then:
/// - paid → `Paid`, and `Ordered` is published for the hotel;
/// - refused by payment, or by the breaker before any call → the order is deleted: nothing made;
/// - no answer (down, slow, 5xx) → the order is deleted and its payment, if one was made, is
///   cancelled by a call that waits in `payment_cancellations` until payment answers;
/// - this process died before recording the answer → the same, after
///   `ORDER_PAYMENT_ABANDON_SECONDS`.
/// The customer's cancellation (`DELETE`) cancels the payment by the same deferred call and the
/// reservation by `OrderCanceled`.
public enum OrderContext: BoundedContext {
    public static let system = hotel
    public static let name = "order"
    public static let publishes: [any DomainEvent.Type] = [Ordered.self, OrderCanceled.self]
    public static let migrations = Order.migrations

    public static func install(on service: Service) throws {
        let payment = try service.upstream("payment", timeout: .seconds(2), breaker: CircuitBreakerConfiguration(
            slidingWindowSize: 10, minimumNumberOfCalls: 5, slowCallRateThreshold: 50, slowCallDurationThreshold: .milliseconds(1000),
            waitDurationInOpenState: .seconds(3)))
        let retry = try service.configuration.int("PAYMENT_CANCELLATION_RETRY_MS", default: 500, in: 50...60_000)
        let abandonAfter = try service.configuration.int("ORDER_PAYMENT_ABANDON_SECONDS", default: 30, in: 3...86_400)

        service.route("POST", "/orders", body: PlaceOrder.self, answers: .created(Order.resource)) { request, command in
            Order.resource.created(try place(command, payment, service), for: request)
        }
        service.readRoutes(Order.resource)
        service.route("DELETE", "/orders/{id}", answers: .item(Order.resource)) { request in
            let id = try request.id()
            let order = try service.transaction { work in
                let order = try Order.resource.command(id, to: OrderStatus.cancelled, work.db)
                try requestCancellation(of: id, work)
                try work.publish(OrderCanceled(id: id, status: order.status))
                return order
            }
            _ = try? cancelPayment(id, payment, service)   // at once if payment answers; else deferred
            return Order.resource.item(order, for: request)
        }
        service.on(ReservationConfirmed.self, from: HotelTopics.reservation) { reservation, _, work in
            _ = try Order.resource.transition(reservation.orderId, from: [.paid], to: OrderStatus.confirmed, work.db)
        }

        service.deferredCalls("payment_cancellations", every: .milliseconds(retry), pending: { c in
            try c.query("SELECT order_id, attempts FROM payment_cancellations ORDER BY attempts, requested_at LIMIT 100").map { row in
                let id = try row.int("order_id")
                return PendingCall(id, attempts: try row.int("attempts"), correlationID: String(id))
            }
        }, attempt: { id in
            try cancelPayment(id, payment, service)
        }, postpone: { id, attempts, c in
            try c.execute("UPDATE payment_cancellations SET attempts = ? WHERE order_id = ?", .int(attempts), .int(id))
        })
        service.every(.seconds(1), "orders-unanswered") {
            let cutoff = Date().timeIntervalSince1970 - Double(abandonAfter)
            let abandoned = try service.transaction { work in
                let ids = try work.db.query("DELETE FROM orders WHERE status = ? AND ordered_at < ? RETURNING id",
                                            .status(OrderStatus.ordered), .real(cutoff)).map { try $0.int("id") }
                for id in ids { try requestCancellation(of: id, work) }
                return ids
            }
            if !abandoned.isEmpty { service.log.warning("orders whose payment was never recorded are withdrawn", ["orders": "\(abandoned)"]) }
        }
    }

    static func place(_ command: PlaceOrder, _ payment: Upstream, _ service: Service) throws -> Order {
        try payment.refuseWhileOpen()   // no call would be made: no order either
        let order = try service.transaction { work in
            try Order.resource.insert(["name": .text(command.name), "room_type": .text(command.roomType),
                                       "guest_cnt": command.guestCnt.map(SQLValue.int) ?? .null, "card_no": command.cardNo.map(SQLValue.int) ?? .null,
                                       "status": .status(OrderStatus.ordered), "ordered_at": .real(Date().timeIntervalSince1970)], work.db)
        }
        var body: [String: Any] = ["orderId": order.id, "amount": RoomPrice.amount(for: order.roomType)]
        body["cardNo"] = order.cardNo
        let json = Array(try JSONSerialization.data(withJSONObject: body))
        let answer: HTTPClientResponse
        do {
            answer = try payment.attempt("POST", "/payments", json: json, correlationID: String(order.id))
        } catch {
            try withdraw(order.id, paymentMayExist: error.callMade, service)
            throw error.problem
        }
        guard answer.status == 200 || answer.status == 201 else {
            // A 409 is a payment for this order's id already there (made by hand, for another
            // amount): it goes too. Any other refusal charged nothing.
            try withdraw(order.id, paymentMayExist: answer.status == 409, service)
            throw payment.refusal(answer)
        }
        guard (try? JSONObject(body: answer.body).int("amount")) == RoomPrice.amount(for: order.roomType) else {
            try withdraw(order.id, paymentMayExist: true, service)
            throw Problem.conflict("payment answered another amount than the \(RoomPrice.amount(for: order.roomType)) of a \(order.roomType) room; the order is withdrawn")
        }
        return try service.transaction { work in
            guard let paid = try Order.resource.transition(order.id, from: [.ordered], to: OrderStatus.paid, work.db) else {
                // Withdrawn meanwhile (the answer came after ORDER_PAYMENT_ABANDON_SECONDS): its payment is being cancelled.
                throw Problem.unavailable("payment answered too late; the order is withdrawn and its payment cancelled", retryAfterSeconds: 1)
            }
            try work.publish(paid.ordered)
            return paid
        }
    }

    /// The order goes; a payment that may have been made is cancelled.
    static func withdraw(_ id: Int, paymentMayExist: Bool, _ service: Service) throws {
        try service.transaction { work in
            try work.db.execute("DELETE FROM orders WHERE id = ? AND status = ?", .int(id), .status(OrderStatus.ordered))
            if paymentMayExist { try requestCancellation(of: id, work) }
        }
    }

    static func requestCancellation(of id: Int, _ work: UnitOfWork) throws {
        try work.db.execute("INSERT INTO payment_cancellations (order_id, requested_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                            .int(id), .real(Date().timeIntervalSince1970))
    }

    /// Asks payment to cancel order `id`'s payment (idempotent there; an order it never charged
    /// gets a tombstone, so a late charge is refused).
    static func cancelPayment(_ id: Int, _ payment: Upstream, _ service: Service) throws -> CallOutcome {
        let response: HTTPClientResponse
        do {
            response = try payment.call("POST", Payment.cancellationsPath, json: Array(#"{"orderId":\#(id)}"#.utf8), correlationID: String(id))
        } catch {
            return .retry(reason: error.detail)
        }
        guard response.status == 200 else { return .retry(reason: "payment answered \(response.status)") }
        try service.database.write { c in try c.execute("DELETE FROM payment_cancellations WHERE order_id = ?", .int(id)) }
        return .settled
    }
}
