import Chassis
import HTTP
import Storage

/// Approves each pass's payment once (ticket's sync call is idempotent per ticket: a repeat
/// answers the payment made) and cancels it when the pass is refunded. A refund read before any
/// payment leaves a tombstone, so a late call for that pass is refused (409) and charges nothing.
public enum PaymentContext: BoundedContext {
    public static let system = bikeshare
    public static let name = "payment"
    public static let publishes: [any DomainEvent.Type] = [PaymentApproved.self, PaymentCancelled.self]
    public static let migrations = Payment.migrations

    public static func install(on service: Service) throws {
        service.route("POST", "/payments", body: ApprovePayment.self, answers: .createdOrExisting(Payment.resource)) { request, command in
            try service.answer(saga: String(command.ticketId)) { work in
                if let payment = try Payment.resource.insertIfAbsent(["ticket_id": .int(command.ticketId), "ticket_amt": .int(command.ticketAmt),
                                                                      "payment_status": .status(PaymentStatus.paymentApproved)], work.db) {
                    try work.publish(payment.approved)
                    return Payment.resource.created(payment, for: request)
                }
                let payment = try Payment.resource.first(where: "ticket_id = ?", [.int(command.ticketId)], work.db)!
                guard payment.paymentStatus == .paymentApproved else {
                    throw Problem.conflict("the payment of ticket \(command.ticketId) is \(payment.paymentStatus.rawValue): the pass was refunded")
                }
                guard payment.ticketAmt == command.ticketAmt else {
                    throw Problem.conflict("ticket \(command.ticketId) has a payment of \(payment.ticketAmt), not \(command.ticketAmt)")
                }
                return Payment.resource.item(payment, for: request)
            }
        }
        service.readRoutes(Payment.resource)
        service.on(TicketRefunded.self, from: BikeShareTopics.ticket) { ticket, _, work in
            // A pass refunded before any payment gets a tombstone, which is no payment cancelled: nothing to say.
            let charged = try Payment.resource.first(where: "ticket_id = ?", [.int(ticket.ticketId)], work.db) != nil
            if let payment = try Payment.resource.compensate("ticket_id", ticket.ticketId, from: [.paymentApproved],
                                                             to: PaymentStatus.paymentCancelled, work.db), charged {
                try work.publish(payment.cancelled)
            }
        }
    }
}
