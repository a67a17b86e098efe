import Chassis
import HTTP
import Storage

/// The `/ticketIssuances` resource: the ticket of one paid booking.
public struct TicketIssuance: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, bookId: Int, issueStatus: IssueStatus

    static let resource = Resource<TicketIssuance>("ticketIssuances", rel: "ticketIssuance", table: "tickets", status: "issue_status")

    static let migrations = [
        Migration(1, "tickets, one per booking", """
            CREATE TABLE tickets (
                id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER NOT NULL UNIQUE, issue_status TEXT NOT NULL
            );
            """),
    ]
}

/// `PATCH /ticketIssuances/{id} issueStatus=Issued`: the customer issues a ticket.
struct IssueTicket: RequestBody {
    let issueStatus: String

    func validate() throws(Problem) {
        _ = try IssueStatus.requested(issueStatus, field: "issueStatus", otherwise: "a ticket is cancelled by cancelling its booking")
    }
}

/// Pay's sync call, `POST /ticketIssuances/cancellations {"bookId": 1}`: void the booking's ticket.
struct VoidTicket: RequestBody {
    let bookId: Int

    func validate() throws(Problem) {
        guard bookId > 0 else { throw .badRequest("field 'bookId' must be a booking id") }
    }
}
