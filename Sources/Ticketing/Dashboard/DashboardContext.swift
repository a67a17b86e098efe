import Chassis
import HTTP
import SQLite

/// The customer's "my page": every booking's booking, payment and issue status, kept from
/// events without calling any other service. Each status column has one publisher and keeps the
/// newest of its events by event time, so the view converges whatever the interleaving across
/// topics, and a late event (a replayed dead letter) never takes a status back.
/// `ticketing-dashboard reset-view` clears it for a rebuild.
public enum DashboardContext {
    public static let migrations = ShowStatus.migrations
    public static let viewTables = [ShowStatus.table]

    public static func install(on service: Service) {
        service.readRoutes("showStatuses", singular: "show status", table: ShowStatus.table, columns: ShowStatus.columns,
                           idColumn: "book_id", ShowStatus.init)

        service.on(BookingPlaced.self, from: Topics.booking) { e, c, work in
            try set(e.id, "book_status", e.bookStatus, at: c, facts: ["show_name": .text(e.showName), "qty": .int(e.qty)], work)
        }
        service.on(BookingConfirmed.self, from: Topics.booking) { e, c, work in try set(e.id, "book_status", e.bookStatus, at: c, work) }
        service.on(BookingFailed.self, from: Topics.booking) { e, c, work in try set(e.id, "book_status", e.bookStatus, at: c, work) }
        service.on(BookingCancelled.self, from: Topics.booking) { e, c, work in try set(e.id, "book_status", e.bookStatus, at: c, work) }
        service.on(BookingReinstated.self, from: Topics.booking) { e, c, work in try set(e.id, "book_status", e.bookStatus, at: c, work) }
        service.on(PaymentApproved.self, from: Topics.pay) { e, c, work in
            try set(e.bookId, "pay_status", e.status, at: c, facts: ["pay_amount": .int(e.amount)], work)
        }
        service.on(PaymentCancelled.self, from: Topics.pay) { e, c, work in try set(e.bookId, "pay_status", e.status, at: c, work) }
        service.on(TicketIssuable.self, from: Topics.issuance) { e, c, work in try set(e.bookId, "issue_status", e.issueStatus, at: c, work) }
        service.on(TicketIssued.self, from: Topics.issuance) { e, c, work in try set(e.bookId, "issue_status", e.issueStatus, at: c, work) }
        service.on(TicketCancelled.self, from: Topics.issuance) { e, c, work in try set(e.bookId, "issue_status", e.issueStatus, at: c, work) }
    }

    /// Upserts the booking's row: `facts` (which never change) always, the status column only if
    /// this event is not older than the one that set it.
    private static func set(_ bookId: Int, _ column: String, _ status: String, at context: EventContext,
                            facts: KeyValuePairs<String, SQLiteValue> = [:], _ work: UnitOfWork) throws {
        let names = facts.map(\.key) + [column, "\(column)_at"]
        let newer = "\(column)_at IS NULL OR \(column)_at <= excluded.\(column)_at"
        let sql = """
            INSERT INTO show_statuses (book_id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))
            ON CONFLICT (book_id) DO UPDATE SET \(facts.map { "\($0.key) = excluded.\($0.key), " }.joined())
                \(column) = CASE WHEN \(newer) THEN excluded.\(column) ELSE \(column) END,
                \(column)_at = CASE WHEN \(newer) THEN excluded.\(column)_at ELSE \(column)_at END
            """
        try work.db.execute(sql, [.int(bookId)] + facts.map(\.value) + [.text(status), .text(context.envelope.time)])
    }
}
