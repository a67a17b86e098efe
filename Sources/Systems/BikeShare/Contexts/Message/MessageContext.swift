import Chassis
import Foundation
import Storage

/// Notifies a pass's buyer when the bicycle is rented and when it is returned: by event, so
/// renting and returning work while this service is down, and once each, however often an
/// event is delivered (a pass rents once: one message per pass and kind).
public enum MessageContext: BoundedContext {
    public static let system = bikeshare
    public static let name = "message"
    public static let publishes: [any DomainEvent.Type] = [MessageSent.self]
    public static let migrations = Message.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(Message.resource)
        service.on(TicketCreated.self, from: BikeShareTopics.ticket) { ticket, _, work in
            guard let phone = ticket.buyerPhoneNum else { return }
            try work.db.execute("INSERT INTO buyers (ticket_id, buyer_phone_num) VALUES (?, ?) ON CONFLICT DO NOTHING", .int(ticket.ticketId), .text(phone))
            // Messages sent before this was read (the bicycle's topic read first): they get it now.
            try work.db.execute("UPDATE messages SET buyer_phone_num = ? WHERE ticket_id = ? AND buyer_phone_num IS NULL", .text(phone), .int(ticket.ticketId))
        }
        service.on(BicycleRented.self, from: BikeShareTopics.bicycle) { rental, _, work in
            try send(rental.ticketId, rental.bicycleId, "rented",
                     "Bicycle \(rental.bicycleId) is rented with ticket \(rental.ticketId) for \(rental.usingTime) minutes.", work)
        }
        service.on(BicycleReturned.self, from: BikeShareTopics.bicycle) { rental, _, work in
            try send(rental.ticketId, rental.bicycleId, "returned", "Bicycle \(rental.bicycleId) is returned. Thank you.", work)
        }
    }

    static func send(_ ticket: Int, _ bicycle: Int, _ kind: String, _ text: String, _ work: UnitOfWork) throws {
        let phone = try work.db.queryOne("SELECT buyer_phone_num FROM buyers WHERE ticket_id = ?", .int(ticket))?.string("buyer_phone_num")
        guard let message = try Message.resource.insertIfAbsent([
            "ticket_id": .int(ticket), "bicycle_id": .int(bicycle), "buyer_phone_num": phone.map(SQLValue.text) ?? .null,
            "kind": .text(kind), "text": .text(text), "sent_at": .text(Date.now.ISO8601Format()),
        ], work.db) else { return }
        try work.publish(MessageSent(messageId: message.id, ticketId: ticket, bicycleId: bicycle, kind: kind, text: text))
    }
}
