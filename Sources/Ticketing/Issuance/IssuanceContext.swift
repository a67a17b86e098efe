import Chassis
import HTTP
import SQLite

/// Makes a ticket issuable once its booking is paid, lets the customer issue it, and voids it
/// when pay asks (synchronously) before cancelling the payment.
public enum IssuanceContext {
    public static let migrations = TicketIssuance.migrations

    public static func install(on service: Service) {
        service.readRoutes("ticketIssuances", singular: "ticket issuance", table: "tickets", columns: TicketIssuance.columns,
                           TicketIssuance.init)
        service.route("PATCH", "/ticketIssuances/{id}") { request in
            let id = try request.id()
            try IssueTicket.validate(JSONObject(body: request.body))
            return .json(try service.transaction { work in try issue(id, work) })
        }
        // Pay's sync call: `{"bookId": 1}`. Idempotent, so a retried call answers the same.
        service.route("POST", "/ticketIssuances/cancellations") { request in
            let bookId = try JSONObject(body: request.body).int("bookId")
            guard bookId > 0 else { throw Problem.badRequest("field 'bookId' must be a booking id") }
            return .json(try service.transaction { work in try void(bookId: bookId, work) })
        }

        // A ticket voided before its payment arrived stays cancelled: the insert does nothing.
        service.on(PaymentApproved.self, from: Topics.pay) { payment, _, work in
            let inserted = try work.db.execute(
                "INSERT INTO tickets (book_id, issue_status) VALUES (?, ?) ON CONFLICT (book_id) DO NOTHING",
                .int(payment.bookId), .text(IssueStatus.issuable))
            guard inserted == 1 else { return }
            let ticket = try find(Int(work.db.lastInsertRowID), work.db)
            try work.publish(TicketIssuable(id: ticket.id, bookId: ticket.bookId, issueStatus: ticket.issueStatus))
        }
    }

    static func issue(_ id: Int, _ work: UnitOfWork) throws -> TicketIssuance {
        let ticket = try find(id, work.db)
        guard ticket.issueStatus == IssueStatus.issuable else {
            throw Problem.conflict("ticket \(id) cannot be issued: it is \(ticket.issueStatus)")
        }
        try work.db.execute("UPDATE tickets SET issue_status = ? WHERE id = ?", .text(IssueStatus.issued), .int(id))
        let issued = try find(id, work.db)
        try work.publish(TicketIssued(id: issued.id, bookId: issued.bookId, issueStatus: issued.issueStatus))
        return issued
    }

    /// Cancels the booking's ticket, or records a cancelled one when the payment's approval has
    /// not arrived yet; an issued ticket is refused (409).
    static func void(bookId: Int, _ work: UnitOfWork) throws -> TicketIssuance {
        if let ticket = try work.db.queryOne("SELECT \(TicketIssuance.columns) FROM tickets WHERE book_id = ?", .int(bookId))
            .map(TicketIssuance.init) {
            switch ticket.issueStatus {
            case IssueStatus.cancelled: return ticket
            case IssueStatus.issued: throw Problem.conflict("the ticket of booking \(bookId) has been issued")
            default: try work.db.execute("UPDATE tickets SET issue_status = ? WHERE id = ?", .text(IssueStatus.cancelled), .int(ticket.id))
            }
        } else {
            try work.db.execute("INSERT INTO tickets (book_id, issue_status) VALUES (?, ?)", .int(bookId), .text(IssueStatus.cancelled))
        }
        guard let row = try work.db.queryOne("SELECT \(TicketIssuance.columns) FROM tickets WHERE book_id = ?", .int(bookId)) else {
            throw Problem.notFound("no ticket for booking \(bookId)")
        }
        let ticket = try TicketIssuance(row)
        try work.publish(TicketCancelled(id: ticket.id, bookId: ticket.bookId, issueStatus: ticket.issueStatus))
        return ticket
    }

    static func find(_ id: Int, _ c: Connection) throws -> TicketIssuance {
        guard let row = try c.queryOne("SELECT \(TicketIssuance.columns) FROM tickets WHERE id = ?", .int(id)) else {
            throw Problem.notFound("no ticket issuance \(id)")
        }
        return try TicketIssuance(row)
    }
}
