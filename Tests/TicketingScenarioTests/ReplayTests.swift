import Foundation
import Storage
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
            try eventually("booking \(booking.id)'s ticket is issuable") { try stack.ticket(forBooking: booking.id)?.issueStatus == .issuable }
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

        let whileRunning = try runTool("ticketing-dashboard", ["reset-view"], environment: ["DATABASE_PATH": stack.dashboard.database.path])
        #expect(whileRunning.status == 2, "\(whileRunning)")
        #expect(whileRunning.stderr.contains("a service is running against \(stack.dashboard.database.path)"), "\(whileRunning)")
        #expect(try stack.showStatuses() == before, "the live view is untouched")

        #expect(stack.dashboard.stop() == 0)
        let reset = try runTool("ticketing-dashboard", ["reset-view"], environment: ["DATABASE_PATH": stack.dashboard.database.path])
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stdout.contains("show_statuses: 4 rows"), "\(reset)")
        #expect(try stack.dashboard.database.count("SELECT COUNT(*) AS n FROM show_statuses") == 0)
        #expect(try stack.dashboard.database.count("SELECT COUNT(*) AS n FROM inbox") == 0)

        let rewind = try runTool("eventctl", ["reset-offsets", "--group", "ticketing.dashboard", "--all-topics", "--to-earliest",
                                              "--execute", "--bootstrap-server", stack.broker.bootstrapServers])
        #expect(rewind.status == 0, "\(rewind)")
        try stack.dashboard.start()
        try eventually("the rebuilt view equals the old one", timeout: .seconds(60)) { try stack.showStatuses() == before }
        #expect(try stack.dashboard.metric(#"consumer_events_total{outcome="processed",topic="ticketing.booking"}"#) >= 4,
                "the rows came from re-reading the log")
    }

    @Test("reset-view refuses, creating nothing, without a database or for a service that keeps no view; --help answers")
    func resetViewRefusals() throws {
        let directory = try ProjectPaths.temporaryDirectory("reset-view")
        let missing = directory.appendingPathComponent("ticketing-dashboard.sqlite").path
        let noDatabase = try runTool("ticketing-dashboard", ["reset-view"], environment: ["DATABASE_PATH": missing])
        #expect(noDatabase.status == 2, "\(noDatabase)")
        #expect(noDatabase.stderr.contains("no database at \(missing)"), "\(noDatabase)")

        let payDatabase = directory.appendingPathComponent("ticketing-pay.sqlite").path
        let noView = try runTool("ticketing-pay", ["reset-view"], environment: ["DATABASE_PATH": payDatabase])
        #expect(noView.status == 2, "\(noView)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing created")
        let existing = directory.appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
        let existingPay = existing.appendingPathComponent("ticketing-pay.sqlite").path
        try Database(path: existingPay).write { c in try c.execute("CREATE TABLE payments (id INTEGER PRIMARY KEY)") }
        let keepsNoView = try runTool("ticketing-pay", ["reset-view"], environment: ["DATABASE_PATH": existingPay])
        #expect(keepsNoView.status == 2 && keepsNoView.stderr.contains("ticketing-pay keeps no view"), "\(keepsNoView)")
        #expect(try Database(path: existingPay).read { c in try c.query("SELECT name FROM sqlite_master").count } == 1,
                "the database is not migrated either")
        try FileManager.default.removeItem(at: existing)

        let help = try runTool("ticketing-pay", ["--help"], environment: ["DATABASE_PATH": payDatabase])
        #expect(help.status == 0 && help.stdout.hasPrefix("usage: ticketing-pay [reset-view | --help]"), "\(help)")
        let unknown = try runTool("ticketing-pay", ["rest-view"], environment: ["DATABASE_PATH": payDatabase])
        #expect(unknown.status == 2 && unknown.stderr.contains("unexpected argument 'rest-view'"), "\(unknown)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing created")
    }

    @Test("on PostgreSQL, reset-view refuses while any replica serves from the database and empties the view once all are stopped")
    func resetViewOnPostgreSQL() throws {
        let directory = try ProjectPaths.temporaryDirectory("reset-view-postgres")
        let broker = try TestBroker()
        let database = try TestDatabase.new(.postgresql, name: "dashboard", in: directory)
        let replicas = try ["a", "b"].map { name in
            try ServiceProcess("ticketing-dashboard", name: "dashboard-\(name)", broker: broker, directory: directory, database: database)
        }
        for replica in replicas { try replica.start() }
        try database.execute("INSERT INTO show_statuses (book_id, show_name) VALUES (1, 'kept while served')")
        let environment = database.environment.mapValues { Optional($0) }

        #expect(replicas[0].stop() == 0)
        let oneLeft = try runTool("ticketing-dashboard", ["reset-view"], environment: environment)
        #expect(oneLeft.status == 2 && oneLeft.stderr.contains("a service is running against postgres://"), "\(oneLeft)")
        #expect(try database.count("SELECT COUNT(*) AS n FROM show_statuses") == 1, "nothing changed")

        #expect(replicas[1].stop() == 0)
        let reset = try runTool("ticketing-dashboard", ["reset-view"], environment: environment)
        #expect(reset.status == 0 && reset.stdout.contains("show_statuses: 1 rows"), "\(reset)")
        #expect(try database.count("SELECT COUNT(*) AS n FROM show_statuses") == 0)
        try replicas[0].start()
        #expect(try replicas[0].get("/readyz").status == 200, "serving again once reset-view is done")
        replicas[0].stop()
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

}
