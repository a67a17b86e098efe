import Chassis
import Storage

/// The `/rentBicycleViews` resource: one pass's state, payment and rental, built only from the
/// other contexts' events (CQRS). Its `id` is the ticket id. `remainingMinutes` is computed
/// when read, from the view's own data: while rented, `usingTime` minus the whole minutes since
/// `startTime`, never below 0; otherwise null.
public struct RentBicycleView: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, ticketId: Int
    public let ticketType: TicketType?, ticketStatus: TicketStatus?, paymentStatus: PaymentStatus?
    public let bicycleId: Int?, bicycleStatus: BicycleStatus?, usingTime: Int?, startTime: String?, remainingMinutes: Int?

    /// Read from the SQL view that adds `remaining_minutes` to the rows the events keep.
    static let resource = Resource<RentBicycleView>("rentBicycleViews", rel: "rentBicycleView", table: "rent_bicycle_views",
                                                    idColumn: "ticket_id")
    static let rows = View("rent_bicycle_rows", key: "ticket_id")

    static let migrations = [
        Migration(1, "the rental view: rows kept from events, and the remaining minutes computed when read", """
            CREATE TABLE rent_bicycle_rows (
                ticket_id INTEGER PRIMARY KEY, ticket_type TEXT, bicycle_id INTEGER, using_time INTEGER, start_time TEXT,
                ticket_status TEXT, ticket_status_at TEXT, payment_status TEXT, payment_status_at TEXT,
                bicycle_status TEXT, bicycle_status_at TEXT
            );
            CREATE VIEW rent_bicycle_views AS SELECT *,
                CASE WHEN bicycle_status = 'Rented' THEN
                    MAX(0, using_time - CAST((julianday('now') - julianday(start_time)) * 1440 AS INTEGER))
                END AS remaining_minutes
            FROM rent_bicycle_rows;
            """),
    ]
}
