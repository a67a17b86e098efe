import ChassisTesting
import Storage
import Testing
import Ticketing

@Suite("Ticketing conforms to the system kit")
struct ConformanceTests {
    @Test("the seed's commands work in a row; collections are Spring-Data-REST-shaped; policies are idempotent; the view rebuilds")
    func conforms() throws {
        let system = try SystemTester(ticketing, [BookingContext.self, ShowContext.self, PayContext.self, IssuanceContext.self,
                                                  DashboardContext.self])
        var problems = try Conformance.examples(system)
        // The examples end in a cancellation; one more booking stays, to be paid and issued.
        let booking = try system.request("POST", "/bookings", ["showId": 1, "qty": 5, "amount": 100])
        #expect(booking.status == 201, "\(booking)")
        let ticket = try system.request("PATCH", "/ticketIssuances/2", ["issueStatus": "Issued"])
        #expect(ticket.status == 200, "\(ticket)")
        problems += try Conformance.collections(system) + Conformance.redelivery(system) + Conformance.rebuilds(system)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        func statuses() throws -> [String] {
            let rows = try system.request("GET", "/showStatuses").json["_embedded"] as? [String: [[String: Any]]]
            return (rows?["showStatuses"] ?? []).map { "\($0["bookStatus"]!)/\($0["payStatus"]!)/\($0["issueStatus"]!)" }
        }
        // Pay cancels the first booking's payment in a background job, by a sync call to issuance.
        #expect(try statuses() == ["Cancelled/Paid/Issuable", "Confirmed/Paid/Issued"])
        try system.runJobs()
        #expect(try statuses() == ["Cancelled/Cancelled/Cancelled", "Confirmed/Paid/Issued"])
        #expect(try system.request("GET", "/shows/1").decode(Show.self).remainCount == 95, "the cancelled booking's seats are back")
    }

    @Test("the suite notices a view that holds what its events do not say, and a route that is no collection")
    func catchesDefects() throws {
        let system = try SystemTester(ticketing, [BookingContext.self, ShowContext.self, PayContext.self, IssuanceContext.self,
                                                  DashboardContext.self])
        #expect(try Conformance.examples(system).isEmpty)
        try system["dashboard"].service.database.write { c in try c.execute("UPDATE show_statuses SET qty = 99") }
        #expect(try Conformance.rebuilds(system).count == 1)
        try system["booking"].service.database.write { c in try c.execute("DROP TABLE bookings") }
        #expect(try Conformance.collections(system).contains { $0.hasPrefix("GET /bookings is not a collection") })
    }
}

@Suite("Ticketing's saga in process")
struct SagaInProcessTests {
    @Test("with issuance down, a paid booking's cancellation waits: the payment stays Paid, nothing is lost")
    func issuanceDown() throws {
        let system = try SystemTester(ticketing, [BookingContext.self, ShowContext.self, PayContext.self, IssuanceContext.self,
                                                  DashboardContext.self], down: ["issuance"])
        #expect(try system.request("POST", "/shows", ["showName": "s", "totalCount": 10]).status == 201)
        #expect(try system.request("POST", "/bookings", ["showId": 1, "qty": 2, "amount": 100]).status == 201)
        #expect(try system.request("PATCH", "/bookings/1", ["bookStatus": "Cancelled"]).status == 200)
        for _ in 0..<3 { try system.runJobs() }
        #expect(try system.request("GET", "/payments/1").decode(Payment.self).status == .paid)
        #expect(try system.request("GET", "/shows/1").decode(Show.self).remainCount == 8, "seats wait for the payment's cancellation")
        #expect(try system["pay"].query("SELECT cancellation_attempts FROM payments")[0].int("cancellation_attempts") == 3)
    }
}
