import Chassis
import ChassisTesting
import Foundation
import Testing
@testable import BikeShare

@Suite("Bicycle's rules, in process")
struct BicycleRulesTests {
    @Test("renting uses the pass at once; an unpaid, used or refunded pass, or an unknown one, cannot rent, and nothing changes")
    func passRules() throws {
        let system = try bikeshareSystem()
        try system.register()
        try system.register()
        try system.buy()
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "1", "usingTime": "60"]).status == 200)
        #expect(try system.ticket(1).ticketStatus == .ticketUsed)
        let used = try system.request("PATCH", "/bicycles/2", ["ticketId": "1"])
        #expect(used.status == 409 && used.detail == "ticket 1 cannot rent: it is ticketUsed")

        system.takeDown("payment")
        try system.buy()
        system.bringBack("payment")
        let unpaid = try system.request("PATCH", "/bicycles/2", ["ticketId": "2"])
        #expect(unpaid.status == 409 && unpaid.detail.contains("it is ReadyForPay"))
        #expect(try system.request("PATCH", "/tickets/2", ["ticketStatus": "refundRequested"]).status == 200)
        #expect(try system.request("PATCH", "/bicycles/2", ["ticketId": "2"]).status == 409)
        #expect(try system.request("PATCH", "/bicycles/2", ["ticketId": "9"]).status == 404)
        #expect(try system.bicycle(2).bicycleStatus == .registered)
        #expect(try system["bicycle"].query("SELECT * FROM rentals").count == 1)
    }

    @Test("usingTime defaults to the pass's minutes; longer than the pass allows is a 409; bad numbers a 400", arguments: [
        (["ticketId": "1", "usingTime": "61"], 409), (["ticketId": "1", "usingTime": "0"], 400), (["ticketId": "1", "usingTime": "abc"], 400),
        (["ticketId": "x"], 400), (["bicycleStatus": "Rented"], 400), (["ticketId": "1", "bicycleStatus": "Deleted"], 400),
    ])
    func usingTime(body: [String: String], status: Int) throws {
        let system = try bikeshareSystem()
        try system.register()
        try system.buy("1")
        #expect(try system.request("PATCH", "/bicycles/1", body).status == status)
        #expect(try system.bicycle(1).bicycleStatus == .registered)
        #expect(try system.ticket(1).ticketStatus == .ticketPurchased)
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "1"]).status == 200)
        #expect(try system.bicycle(1).usingTime == 60)
    }

    @Test("a rented bicycle cannot be rented or deleted; returned it is Available and rents again; deleted it rents no more")
    func lifecycle() throws {
        let system = try bikeshareSystem()
        try system.register()
        for _ in 0..<3 { try system.buy() }
        #expect(try system.request("PATCH", "/bicycles/1", ["bicycleStatus": "Returned"]).status == 409, "not rented")
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "1"]).status == 200)
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "2"]).status == 409)
        #expect(try system.request("DELETE", "/bicycles/1").status == 409)
        #expect(try system.request("PATCH", "/bicycles/1", ["bicycleStatus": "Returned"]).status == 200)
        #expect(try system.bicycle(1).bicycleStatus == .available)
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "2"]).status == 200)
        #expect(try system.request("PATCH", "/bicycles/1", ["bicycleStatus": "Returned"]).status == 200)
        #expect(try system.request("DELETE", "/bicycles/1").status == 200)
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "3"]).status == 409)
        #expect(try system.ticket(3).ticketStatus == .ticketPurchased)
        #expect(try system.request("DELETE", "/bicycles/7").status == 404)
        #expect(try system.request("POST", "/bicycles", ["bicycleStatus": "Rented"]).status == 400)
    }

    @Test("a rent that loses the race for its bicycle after using its pass gives the pass back at once")
    func lostRace() throws {
        let system = try bikeshareSystem()
        try system.register()
        try system.buy()
        // Another rent takes the bicycle while this one is using its pass at ticket.
        let ticketService = system["ticket"].service, bicycleDatabase = system["bicycle"].service.database
        InProcessUpstreams.register(system.url(of: "ticket")) { request in
            if request.path == "/stock/holds" {
                _ = try? bicycleDatabase.write { c in try c.execute("UPDATE bicycles SET bicycle_status = 'Rented', ticket_id = 99") }
            }
            return ticketService.handle(request)
        }
        let lost = try system.request("PATCH", "/bicycles/1", ["ticketId": "1"])
        #expect(lost.status == 409 && lost.detail == "bicycle 1 was rented a moment ago; the pass is not used")
        #expect(try system.ticket(1).ticketStatus == .ticketPurchased)
        #expect(try system["ticket"].published(TicketUseReturned.self).count == 1)
        #expect(try system["bicycle"].query("SELECT state FROM stock_claims").map { try $0.string("state") } == ["Released"])
    }

    @Test("ticket down: renting is a 503 with Retry-After; returning needs nothing but bicycle")
    func ticketDown() throws {
        let system = try bikeshareSystem()
        try system.register()
        try system.register()
        try system.buy()
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "1"]).status == 200)
        system.takeDown("ticket")
        let refused = try system.request("PATCH", "/bicycles/2", ["ticketId": "1"])
        #expect(refused.status == 503 && refused.response.headers["Retry-After"] != nil)
        #expect(try system.request("PATCH", "/bicycles/1", ["bicycleStatus": "Returned"]).status == 200)
    }
}

@Suite("Message's and view's rules, in process")
struct MessageAndViewRulesTests {
    let rentedAt = Date.now.ISO8601Format()

    @Test("one message per rental and kind, with the buyer's phone, however often the events come")
    func messages() throws {
        let message = try ContextTester(MessageContext.self)
        try message.deliver(TicketCreated(ticketId: 1, ticketType: .oneHour, ticketStatus: .readyForPay, buyerPhoneNum: "010-1"))
        let rented = BicycleRented(bicycleId: 3, ticketId: 1, usingTime: 60, rentedAt: rentedAt, bicycleStatus: .rented)
        #expect(try message.deliverTwice(rented) == [.processed, .duplicate])
        try message.deliver(rented)
        try message.deliver(BicycleReturned(bicycleId: 3, ticketId: 1, returnedAt: rentedAt, bicycleStatus: .available))
        #expect(try message.published(MessageSent.self).map(\.kind) == ["rented", "returned"])
        #expect(try message.request("GET", "/messages/1").decode(Message.self).buyerPhoneNum == "010-1")
    }

    @Test("a message sent before the buyer's phone was read gets it when it is")
    func phoneLate() throws {
        let message = try ContextTester(MessageContext.self)
        try message.deliver(BicycleRented(bicycleId: 3, ticketId: 1, usingTime: 60, rentedAt: rentedAt, bicycleStatus: .rented))
        try message.deliver(TicketCreated(ticketId: 1, ticketType: .oneHour, ticketStatus: .readyForPay, buyerPhoneNum: "010-1"))
        #expect(try message.request("GET", "/messages/1").decode(Message.self).buyerPhoneNum == "010-1")
    }

    @Test("remainingMinutes is usingTime minus the whole minutes since the rental, never below 0, null once returned")
    func remainingMinutes() throws {
        let view = try ContextTester(ViewContext.self)
        for (ticket, minutesAgo) in [(1, 0.0), (2, 10.5), (3, 200.0)] {
            let start = Date.now.addingTimeInterval(-minutesAgo * 60).ISO8601Format()
            try view.deliver(BicycleRented(bicycleId: ticket, ticketId: ticket, usingTime: 60, rentedAt: start, bicycleStatus: .rented))
        }
        func remaining(_ ticket: Int) throws -> Int? {
            try view.request("GET", "/rentBicycleViews/\(ticket)").decode(RentBicycleView.self).remainingMinutes
        }
        #expect(try [remaining(1), remaining(2), remaining(3)] == [60, 50, 0])
        try view.deliver(BicycleReturned(bicycleId: 1, ticketId: 1, returnedAt: rentedAt, bicycleStatus: .available))
        #expect(try remaining(1) == nil)
    }
}
