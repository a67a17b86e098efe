import Chassis
import HTTP
import Storage

/// The `/tickets` resource: a pass of `ticketType` 60 or 120 minutes, usable for one rental
/// once paid. Its one use is the stock that bicycle takes (`uses_left`, 1 while purchased).
public struct Ticket: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, ticketId: Int, ticketType: TicketType, ticketStatus: TicketStatus, buyerPhoneNum: String?

    static let resource = Resource<Ticket>("tickets", rel: "ticket", idColumn: "ticket_id", status: "ticket_status")
    static let uses = StockLedger(resource, key: "ticket_id", quantity: "uses_left") { ticket, _, _, c in
        let status = try c.queryOne("SELECT ticket_status FROM tickets WHERE ticket_id = ?", .int(ticket))?.string("ticket_status") ?? "?"
        return status == TicketStatus.readyForPay.rawValue
            ? "ticket \(ticket) cannot rent: it is ReadyForPay; pay it with PATCH /tickets/\(ticket) ticketStatus=payRequested"
            : "ticket \(ticket) cannot rent: it is \(status)"
    }

    static let migrations = [
        Migration(1, "passes and their one use", """
            CREATE TABLE tickets (
                ticket_id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_type TEXT NOT NULL, ticket_status TEXT NOT NULL,
                buyer_phone_num TEXT, uses_left INTEGER NOT NULL DEFAULT 0 CHECK (uses_left IN (0, 1))
            );
            \(StockLedger.schema)
            """),
    ]

    var created: TicketCreated { TicketCreated(ticketId: ticketId, ticketType: ticketType, ticketStatus: ticketStatus, buyerPhoneNum: buyerPhoneNum) }
    var purchased: TicketPurchased { TicketPurchased(ticketId: ticketId, ticketType: ticketType, ticketStatus: ticketStatus) }
}

/// `POST /tickets ticketType=1 ticketStatus="ReadyForPay" [buyerPhoneNum=…]`.
struct BuyTicket: RequestBody {
    /// "1" or "2" (a number is taken as its text).
    let ticketType: String
    let buyerPhoneNum: String?
    /// Optional; a new ticket is `ReadyForPay`.
    let ticketStatus: String?

    /// The pass bought, once `validate` has passed.
    var type: TicketType { TicketType(rawValue: ticketType)! }

    func validate() throws(Problem) {
        guard TicketType(rawValue: ticketType) != nil else {
            throw .badRequest("field 'ticketType' must be \"1\" (60 minutes) or \"2\" (120 minutes), not '\(ticketType)'")
        }
        if let ticketStatus, ticketStatus != TicketStatus.readyForPay.rawValue {
            throw .badRequest("a new ticket is '\(TicketStatus.readyForPay.rawValue)'; ticketStatus '\(ticketStatus)' cannot be set on POST")
        }
    }
}

/// `PATCH /tickets/{id} ticketStatus=payRequested|refundRequested`: what a customer may ask of a pass.
struct TicketRequest: RequestBody {
    enum Ask: String { case payRequested, refundRequested }

    let ticketStatus: String

    /// What is asked, once `validate` has passed.
    var ask: Ask { Ask(rawValue: ticketStatus)! }

    func validate() throws(Problem) {
        guard Ask(rawValue: ticketStatus) != nil else {
            throw .badRequest("ticketStatus may be 'payRequested' (pay a ReadyForPay pass) or 'refundRequested' (refund an unused one), not '\(ticketStatus)'")
        }
    }
}
