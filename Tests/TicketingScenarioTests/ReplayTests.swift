import Foundation
import SQLite
import Testing
import TestSupport
import Ticketing

@Suite("Ticketing: replay from the log", .serialized)
struct ReplayTests {
    @Test("the dashboard rebuilt from the log after reset-view equals the old one row for row")
    func rebuildDashboard() throws {
        let stack = try TicketingStack("rebuild")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 10)
        let issued = try stack.book(show, qty: 2), cancelled = try stack.book(show, qty: 3)
        let failed = try stack.book(show, qty: 50), paid = try stack.book(show, qty: 1)
        for booking in [issued, cancelled, paid] {
            try eventually("booking \(booking.id)'s ticket is issuable") { try stack.ticket(forBooking: booking.id)?.issueStatus == "Issuable" }
        }
        let ticket = try #require(try stack.ticket(forBooking: issued.id))
        _ = try stack.command("PATCH", "/ticketIssuances/\(ticket.id)", ["issueStatus": "Issued"], as: TicketIssuance.self)
        _ = try stack.command("PATCH", "/bookings/\(cancelled.id)", ["bookStatus": "Cancelled"], as: Booking.self)
        let expected = [
            "\(issued.id) showName1 ×2 60000 Confirmed/Paid/Issued",
            "\(cancelled.id) showName1 ×3 90000 Cancelled/Cancelled/Cancelled",
            "\(failed.id) showName1 ×50 - Failed/-/-",
            "\(paid.id) showName1 ×1 30000 Confirmed/Paid/Issuable",
        ]
        try eventually("the dashboard shows every saga's state") { try stack.showStatuses().map(\.summary) == expected }
        let before = try stack.showStatuses()

        #expect(stack.dashboard.stop() == 0)
        let reset = try runTool("ticketing-dashboard", ["reset-view"], environment: ["DATABASE_PATH": stack.dashboard.databasePath])
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stdout.contains("show_statuses: 4 rows"), "\(reset)")
        #expect(try count("show_statuses", in: stack.dashboard.databasePath) == 0)
        #expect(try count("inbox", in: stack.dashboard.databasePath) == 0)

        let rewind = try runTool("eventctl", ["reset-offsets", "--group", "ticketing.dashboard", "--all-topics", "--to-earliest",
                                              "--execute", "--bootstrap-server", stack.broker.bootstrapServers])
        #expect(rewind.status == 0, "\(rewind)")
        try stack.dashboard.start()
        try eventually("the rebuilt view equals the old one", timeout: .seconds(60)) { try stack.showStatuses() == before }
        #expect(try stack.dashboard.metric(#"consumer_events_total{outcome="processed",topic="ticketing.booking"}"#) >= 4,
                "the rows came from re-reading the log")
    }

    @Test("re-driving pay from a point in time re-reads its events and charges nobody twice")
    func reDriveFromDateTime() throws {
        let stack = try TicketingStack("redrive")
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)
        let since = Date.now.addingTimeInterval(-1).ISO8601Format()
        let bookings = try (1...3).map { try stack.book(show, qty: $0) }
        try eventually("the bookings are paid") { try stack.payments().count == 3 && stack.tickets().count == 3 }

        #expect(stack.pay.stop() == 0)
        let rewind = try runTool("eventctl", ["reset-offsets", "--group", "ticketing.pay", "--topic", "ticketing.booking",
                                              "--to-datetime", since, "--execute", "--bootstrap-server", stack.broker.bootstrapServers])
        #expect(rewind.status == 0, "\(rewind)")
        try stack.pay.start()
        try eventually("pay re-reads the three confirmations and skips them as duplicates", timeout: .seconds(60)) {
            try stack.pay.metric(#"consumer_events_total{outcome="duplicate",topic="ticketing.booking"}"#) == 3
        }
        #expect(try stack.pay.metric(#"consumer_events_total{outcome="processed",topic="ticketing.booking"}"#) == 0)
        #expect(try stack.payments().map(\.bookId).sorted() == bookings.map(\.id))
        Thread.sleep(forTimeInterval: 1)
        #expect(try stack.tickets().count == 3, "no payment was approved twice")
    }

    private func count(_ table: String, in path: String) throws -> Int {
        let database = try Database(path: path)
        defer { database.close() }
        return try database.read { c in try c.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") ?? -1 }
    }
}
