import HTTP
import SQLite

/// The `/ticketIssuances` resource: the ticket of one paid booking.
public struct TicketIssuance: Codable, Sendable, Equatable {
    public let id: Int, bookId: Int, issueStatus: String

    static let migrations = [
        Migration(1, "tickets, one per booking", """
            CREATE TABLE tickets (
                id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER NOT NULL UNIQUE, issue_status TEXT NOT NULL
            );
            """),
    ]

    static let columns = "id, book_id, issue_status"

    init(_ row: Row) throws {
        id = try row.int("id")
        bookId = try row.int("book_id")
        issueStatus = try row.string("issue_status")
    }
}

/// `PATCH /ticketIssuances/{id} issueStatus=Issued`: the customer issues a ticket.
enum IssueTicket {
    static func validate(_ body: JSONObject) throws(Problem) {
        let status = try body.string("issueStatus")
        guard status == IssueStatus.issued else {
            throw .badRequest("only issueStatus '\(IssueStatus.issued)' can be set; a ticket is cancelled by cancelling its booking")
        }
    }
}
