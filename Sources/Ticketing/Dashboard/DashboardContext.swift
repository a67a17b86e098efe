import Chassis
import HTTP
import SQLite

/// The customer's "my page": every booking's booking, payment and issue status, kept from
/// events without calling any other service. Each column has one publisher and that
/// publisher's events for one booking arrive in order, so the view converges whatever the
/// interleaving across topics. `ticketing-dashboard reset-view` clears it for a rebuild.
public enum DashboardContext {
    public static let migrations = ShowStatus.migrations
    public static let viewTables = [ShowStatus.table]

    public static func install(on service: Service) {
        service.readRoutes("showStatuses", singular: "show status", table: ShowStatus.table, columns: ShowStatus.columns,
                           idColumn: "book_id", ShowStatus.init)

        service.on(BookingPlaced.self, from: Topics.booking) { e, _, work in
            try set(e.id, ["show_name": .text(e.showName), "qty": .int(e.qty), "book_status": .text(e.bookStatus)], work)
        }
        service.on(BookingConfirmed.self, from: Topics.booking) { e, _, work in
            try set(e.id, ["book_status": .text(e.bookStatus)], work)
        }
        service.on(BookingFailed.self, from: Topics.booking) { e, _, work in
            try set(e.id, ["book_status": .text(e.bookStatus)], work)
        }
        service.on(BookingCancelled.self, from: Topics.booking) { e, _, work in
            try set(e.id, ["book_status": .text(e.bookStatus)], work)
        }
        service.on(BookingReinstated.self, from: Topics.booking) { e, _, work in
            try set(e.id, ["book_status": .text(e.bookStatus)], work)
        }
        service.on(PaymentApproved.self, from: Topics.pay) { e, _, work in
            try set(e.bookId, ["pay_amount": .int(e.amount), "pay_status": .text(e.status)], work)
        }
        service.on(PaymentCancelled.self, from: Topics.pay) { e, _, work in
            try set(e.bookId, ["pay_status": .text(e.status)], work)
        }
        service.on(TicketIssuable.self, from: Topics.issuance) { e, _, work in
            try set(e.bookId, ["issue_status": .text(e.issueStatus)], work)
        }
        service.on(TicketIssued.self, from: Topics.issuance) { e, _, work in
            try set(e.bookId, ["issue_status": .text(e.issueStatus)], work)
        }
        service.on(TicketCancelled.self, from: Topics.issuance) { e, _, work in
            try set(e.bookId, ["issue_status": .text(e.issueStatus)], work)
        }
    }

    /// Upserts the booking's row, changing only the columns the event speaks for.
    private static func set(_ bookId: Int, _ values: KeyValuePairs<String, SQLiteValue>, _ work: UnitOfWork) throws {
        let names = values.map(\.key)
        let sql = """
            INSERT INTO show_statuses (book_id, \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))
            ON CONFLICT (book_id) DO UPDATE SET \(names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """
        try work.db.execute(sql, [.int(bookId)] + values.map(\.value))
    }
}
