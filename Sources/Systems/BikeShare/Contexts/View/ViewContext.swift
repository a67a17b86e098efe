import Chassis
import Storage

/// Each pass's state, payment and rental for its customer, kept from events without calling
/// any other service. `bikeshare-view reset-view` clears it for a rebuild.
public enum ViewContext: BoundedContext {
    public static let system = bikeshare
    public static let name = "view"
    public static let publishes: [any DomainEvent.Type] = []
    public static let migrations = RentBicycleView.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(RentBicycleView.resource)
        let rows = RentBicycleView.rows
        service.project(TicketCreated.self, from: BikeShareTopics.ticket, into: rows) {
            .init($0.ticketId, "ticket_status", .status($0.ticketStatus), facts: ["ticket_type": .text($0.ticketType.rawValue)])
        }
        service.project(TicketPurchased.self, from: BikeShareTopics.ticket, into: rows) {
            .init($0.ticketId, "ticket_status", .status($0.ticketStatus), facts: ["ticket_type": .text($0.ticketType.rawValue)])
        }
        service.project(TicketUsed.self, from: BikeShareTopics.ticket, into: rows) { .init($0.ticketId, "ticket_status", .status($0.ticketStatus)) }
        service.project(TicketUseReturned.self, from: BikeShareTopics.ticket, into: rows) { .init($0.ticketId, "ticket_status", .status($0.ticketStatus)) }
        service.project(TicketRefunded.self, from: BikeShareTopics.ticket, into: rows) { .init($0.ticketId, "ticket_status", .status($0.ticketStatus)) }
        service.project(PaymentApproved.self, from: BikeShareTopics.payment, into: rows) {
            .init($0.ticketId, "payment_status", .status($0.paymentStatus))
        }
        service.project(PaymentCancelled.self, from: BikeShareTopics.payment, into: rows) {
            .init($0.ticketId, "payment_status", .status($0.paymentStatus))
        }
        service.project(BicycleRented.self, from: BikeShareTopics.bicycle, into: rows) {
            .init($0.ticketId, "bicycle_status", .status($0.bicycleStatus), facts: [
                "bicycle_id": .int($0.bicycleId), "using_time": .int($0.usingTime), "start_time": .text($0.rentedAt),
            ])
        }
        service.project(BicycleReturned.self, from: BikeShareTopics.bicycle, into: rows) {
            .init($0.ticketId, "bicycle_status", .status($0.bicycleStatus))
        }
    }
}
