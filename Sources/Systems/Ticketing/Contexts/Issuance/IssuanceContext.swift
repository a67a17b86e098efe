import Chassis
import HTTP
import Storage

/// Makes a ticket issuable once its booking is paid, lets the customer issue it, and voids it
/// when pay asks (synchronously) before cancelling the payment.
public enum IssuanceContext: BoundedContext {
    public static let system = ticketing
    public static let name = "issuance"
    public static let publishes: [any DomainEvent.Type] = [TicketIssuable.self, TicketIssued.self, TicketCancelled.self]
    public static let migrations = TicketIssuance.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(TicketIssuance.resource)
        service.route("PATCH", "/ticketIssuances/{id}", body: IssueTicket.self, answers: .item(TicketIssuance.resource)) { request, _ in
            let id = try request.id()
            return TicketIssuance.resource.item(try service.transaction { work in try issue(id, work) }, for: request)
        }
        // Pay's sync call: `{"bookId": 1}`. Idempotent, so a retried call answers the same.
        service.route("POST", "/ticketIssuances/cancellations", body: VoidTicket.self, answers: .item(TicketIssuance.resource)) { request, command in
            try service.answer { work in TicketIssuance.resource.item(try void(bookId: command.bookId, work), for: request) }
        }

        // A ticket voided before its payment arrived stays cancelled: the insert does nothing.
        service.on(PaymentApproved.self, from: Topics.pay) { payment, _, work in
            guard let ticket = try TicketIssuance.resource.insertIfAbsent(
                ["book_id": .int(payment.bookId), "issue_status": .status(IssueStatus.issuable)], work.db)
            else { return }
            try work.publish(TicketIssuable(id: ticket.id, bookId: ticket.bookId, issueStatus: ticket.issueStatus))
        }
    }

    static func issue(_ id: Int, _ work: UnitOfWork) throws -> TicketIssuance {
        let issued = try TicketIssuance.resource.command(id, to: IssueStatus.issued, work.db)
        try work.publish(TicketIssued(id: issued.id, bookId: issued.bookId, issueStatus: issued.issueStatus))
        return issued
    }

    /// Cancels the booking's ticket, or records a cancelled one when the payment's approval has
    /// not arrived yet; an issued ticket is refused (409). Cancelling a cancelled one answers it.
    static func void(bookId: Int, _ work: UnitOfWork) throws -> TicketIssuance {
        let tickets = TicketIssuance.resource
        let ticket: TicketIssuance
        if let current = try tickets.first(where: "book_id = ?", [.int(bookId)], work.db) {
            switch current.issueStatus {
            case .cancelled: return current
            case .issued: throw Problem.conflict("the ticket of booking \(bookId) has been issued")
            case .issuable: ticket = try tickets.command(current.id, to: IssueStatus.cancelled, work.db)
            }
        } else {
            ticket = try tickets.insert(["book_id": .int(bookId), "issue_status": .status(IssueStatus.cancelled)], work.db)
        }
        try work.publish(TicketCancelled(id: ticket.id, bookId: ticket.bookId, issueStatus: ticket.issueStatus))
        return ticket
    }
}
