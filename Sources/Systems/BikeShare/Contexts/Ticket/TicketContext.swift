import Chassis
import Foundation
import HTTP
import Storage

/// Sells passes: each is paid by a sync call to payment (2 s deadline; calls over 600 ms count
/// as failures, as the seed configured). Payment down, slow or its breaker open: the pass is
/// still created, `ReadyForPay`, and the answer says so in its `message`, with `Retry-After`; the customer pays
/// later with `PATCH … ticketStatus=payRequested`. An answer lost on the way is made good by
/// payment's `PaymentApproved`. A pass's one use is taken by bicycle's sync call (a `StockLedger`
/// on `uses_left`), so a pass rents once, and only once paid.
public enum TicketContext: BoundedContext {
    public static let system = bikeshare
    public static let name = "ticket"
    public static let publishes: [any DomainEvent.Type] = [
        TicketCreated.self, TicketPurchased.self, TicketUsed.self, TicketUseReturned.self, TicketRefunded.self,
    ]
    public static let migrations = Ticket.migrations

    public static func install(on service: Service) throws {
        let payment = try service.upstream("payment", timeout: .seconds(2), breaker: CircuitBreakerConfiguration(
            slidingWindowSize: 10, minimumNumberOfCalls: 5, slowCallRateThreshold: 50, slowCallDurationThreshold: .milliseconds(600),
            waitDurationInOpenState: .seconds(3)))

        service.route("POST", "/tickets", body: BuyTicket.self, answers: .created(Ticket.resource)) { request, command in
            let ticket = try service.transaction { work in
                let ticket = try Ticket.resource.insert(["ticket_type": .text(command.type.rawValue), "ticket_status": .status(TicketStatus.readyForPay),
                                                         "buyer_phone_num": command.buyerPhoneNum.map(SQLValue.text) ?? .null], work.db)
                try work.publish(ticket.created)
                return ticket
            }
            do {
                return Ticket.resource.created(try pay(ticket, payment, service), for: request)
            } catch let unpaid as Problem where unpaid.status == 503 {
                return Ticket.resource.created(ticket, for: request, headers: ["Retry-After": unpaid.headers["Retry-After"] ?? "1"],
                                               message: "not paid: \(unpaid.detail); pay later with PATCH /tickets/\(ticket.id) ticketStatus=payRequested")
            } catch let refused as Problem {
                // Payment refused it for good (a payment of another amount made by hand): paying again cannot help.
                return Ticket.resource.created(ticket, for: request, message: "not paid: \(refused.detail); refund it with PATCH /tickets/\(ticket.id) ticketStatus=refundRequested")
            }
        }
        service.readRoutes(Ticket.resource)
        service.route("PATCH", "/tickets/{id}", body: TicketRequest.self, answers: .item(Ticket.resource)) { request, command in
            let id = try request.id()
            switch command.ask {
            case .payRequested:
                let ticket = try service.database.read { c in try Ticket.resource.find(id, c) }
                guard ticket.ticketStatus == .readyForPay else { throw Problem.conflict("ticket \(id) is \(ticket.ticketStatus.rawValue): nothing to pay") }
                return Ticket.resource.item(try pay(ticket, payment, service), for: request)
            case .refundRequested:
                return Ticket.resource.item(try service.transaction { work in try refund(id, work) }, for: request)
            }
        }

        service.keepStock(Ticket.uses) { change, work in
            if change.change < 0, let ticket = try Ticket.resource.transition(change.item, from: [.ticketPurchased], to: TicketStatus.ticketUsed, work.db) {
                try work.publish(TicketUsed(ticketId: ticket.id, rentalId: change.holdId, ticketStatus: ticket.ticketStatus))
            } else if change.change > 0, let ticket = try Ticket.resource.transition(change.item, from: [.ticketUsed], to: TicketStatus.ticketPurchased, work.db) {
                try work.publish(TicketUseReturned(ticketId: ticket.id, rentalId: change.holdId, ticketStatus: ticket.ticketStatus))
            }
        }
        // Payment's own word, for a pass whose payment answer was lost on the way.
        service.on(PaymentApproved.self, from: BikeShareTopics.payment) { payment, _, work in
            try markPaid(payment.ticketId, amount: payment.ticketAmt, work)
        }
    }

    /// Pays `ticket` by a sync call (idempotent per ticket at payment), then marks it purchased.
    static func pay(_ ticket: Ticket, _ payment: Upstream, _ service: Service) throws -> Ticket {
        let body = Array(#"{"ticketId":\#(ticket.id),"ticketAmt":\#(ticket.ticketType.amount)}"#.utf8)
        let answer = try payment.call("POST", "/payments", json: body, correlationID: String(ticket.id))
        guard answer.status == 200 || answer.status == 201 else {
            throw payment.refusal(answer)
        }
        let amount = try JSONObject(body: answer.body).int("ticketAmt")
        return try service.transaction { work in
            try markPaid(ticket.id, amount: amount, work)
            return try Ticket.resource.find(ticket.id, work.db)
        }
    }

    /// A `ReadyForPay` pass becomes usable once paid its price; a payment of another amount
    /// pays nothing.
    static func markPaid(_ id: Int, amount: Int, _ work: UnitOfWork) throws {
        guard let type = try work.db.queryOne("SELECT ticket_type FROM tickets WHERE ticket_id = ?", .int(id)).map({ try $0.string("ticket_type") }),
              TicketType(rawValue: type)?.amount == amount else { return }
        if let ticket = try Ticket.resource.update(["ticket_status": .status(TicketStatus.ticketPurchased), "uses_left": .int(1)],
                                                   where: "ticket_id = ? AND ticket_status = ?", [.int(id), .status(TicketStatus.readyForPay)], work.db).first {
            try work.publish(ticket.purchased)
        }
    }

    /// An unused pass, paid or not, is refunded; its use goes with it.
    static func refund(_ id: Int, _ work: UnitOfWork) throws -> Ticket {
        let from = [TicketStatus.readyForPay, .ticketPurchased]
        guard let ticket = try Ticket.resource.update(["ticket_status": .status(TicketStatus.refunded), "uses_left": .int(0)],
                                                      where: "ticket_id = ? AND ticket_status IN (?, ?)", [.int(id)] + from.map { .status($0) }, work.db).first
        else {
            let ticket = try Ticket.resource.find(id, work.db)
            throw Problem.conflict("ticket \(id) cannot be refunded: it is \(ticket.ticketStatus.rawValue)")
        }
        try work.publish(TicketRefunded(ticketId: ticket.id, ticketStatus: ticket.ticketStatus))
        return ticket
    }
}
