import Chassis
import HTTP
import Storage

/// The customer's "my page": every booking's booking, payment and issue status, kept from
/// events without calling any other service. Each status column has one publisher and keeps the
/// newest of its events by event time, so the view converges whatever the interleaving across
/// topics, and a late event (a replayed dead letter) never takes a status back.
/// `ticketing-dashboard reset-view` clears it for a rebuild.
public enum DashboardContext: BoundedContext {
    public static let system = ticketing
    public static let name = "dashboard"
    public static let publishes: [any DomainEvent.Type] = []
    public static let migrations = ShowStatus.migrations

    public static func install(on service: Service) throws {
        service.readRoutes(ShowStatus.resource)
        let view = View(ShowStatus.resource.table, key: ShowStatus.resource.idColumn)
        service.project(BookingPlaced.self, from: Topics.booking, into: view) {
            .init($0.id, "book_status", .status($0.bookStatus), facts: ["show_name": .text($0.showName), "qty": .int($0.qty)])
        }
        service.project(BookingConfirmed.self, from: Topics.booking, into: view) { .init($0.id, "book_status", .status($0.bookStatus)) }
        service.project(BookingFailed.self, from: Topics.booking, into: view) { .init($0.id, "book_status", .status($0.bookStatus)) }
        service.project(BookingCancelled.self, from: Topics.booking, into: view) { .init($0.id, "book_status", .status($0.bookStatus)) }
        service.project(BookingReinstated.self, from: Topics.booking, into: view) { .init($0.id, "book_status", .status($0.bookStatus)) }
        service.project(PaymentApproved.self, from: Topics.pay, into: view) {
            .init($0.bookId, "pay_status", .status($0.status), facts: ["pay_amount": .int($0.amount)])
        }
        service.project(PaymentCancelled.self, from: Topics.pay, into: view) { .init($0.bookId, "pay_status", .status($0.status)) }
        service.project(TicketIssuable.self, from: Topics.issuance, into: view) { .init($0.bookId, "issue_status", .status($0.issueStatus)) }
        service.project(TicketIssued.self, from: Topics.issuance, into: view) { .init($0.bookId, "issue_status", .status($0.issueStatus)) }
        service.project(TicketCancelled.self, from: Topics.issuance, into: view) { .init($0.bookId, "issue_status", .status($0.issueStatus)) }
    }
}
