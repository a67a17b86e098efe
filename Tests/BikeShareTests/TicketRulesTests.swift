import Chassis
import ChassisTesting
import Testing
@testable import BikeShare

@Suite("Ticket's and payment's rules, in process")
struct TicketRulesTests {
    @Test("a pass is paid by a sync call: ticketPurchased, 1000 or 2000 won by its type, given as \"1\" or 1")
    func buy() throws {
        let system = try bikeshareSystem()
        #expect(try system.ticket(system.buy("1")).ticketStatus == .ticketPurchased)
        let second = try system.request("POST", "/tickets", ["ticketType": 2, "buyerPhoneNum": "010-1234-5678"])
        #expect(second.status == 201)
        #expect(try second.decode(Ticket.self).ticketStatus == .ticketPurchased)
        #expect(try system.items("/payments").map { $0["ticketAmt"] as? Int } == [1000, 2000])
        #expect(try system["ticket"].published(TicketPurchased.self).map(\.ticketType) == [.oneHour, .twoHours])
    }

    @Test("a bad pass is a 400 and changes nothing", arguments: [
        ["ticketType": "3"], ["ticketType": "x"], [:], ["ticketType": "1", "ticketStatus": "ticketPurchased"],
    ])
    func bad(body: [String: String]) throws {
        let system = try bikeshareSystem()
        #expect(try system.request("POST", "/tickets", body).status == 400)
        #expect(try system.items("/tickets").isEmpty && system.items("/payments").isEmpty)
    }

    @Test("payment down: the pass is created ReadyForPay with Retry-After and a way to pay; paid later with payRequested")
    func paymentDown() throws {
        let system = try bikeshareSystem()
        system.takeDown("payment")
        let answer = try system.request("POST", "/tickets", ["ticketType": "1"])
        #expect(answer.status == 201)
        #expect(try answer.decode(Ticket.self).ticketStatus == .readyForPay)
        #expect(answer.response.headers["Retry-After"] != nil)
        #expect((answer.json["message"] as? String)?.hasSuffix("pay later with PATCH /tickets/1 ticketStatus=payRequested") == true)
        #expect(try system.request("PATCH", "/tickets/1", ["ticketStatus": "payRequested"]).status == 503)
        #expect(try system.ticket(1).ticketStatus == .readyForPay)

        system.bringBack("payment")
        let paid = try system.request("PATCH", "/tickets/1", ["ticketStatus": "payRequested"])
        #expect(paid.status == 200)
        #expect(try paid.decode(Ticket.self).ticketStatus == .ticketPurchased)
        #expect(try system.request("PATCH", "/tickets/1", ["ticketStatus": "payRequested"]).status == 409, "nothing left to pay")
        #expect(try system.items("/payments").count == 1)
    }

    @Test("a payment whose answer was lost makes the pass purchased by its event")
    func lostAnswer() throws {
        let ticket = try ContextTester(TicketContext.self, environment: ["PAYMENT_URL": "http://127.0.0.1:9"])
        #expect(try ticket.request("POST", "/tickets", ["ticketType": "1"]).status == 201)
        try ticket.deliver(PaymentApproved(paymentId: 7, ticketId: 1, ticketAmt: 1000, paymentStatus: .paymentApproved))
        #expect(try ticket.request("GET", "/tickets/1").decode(Ticket.self).ticketStatus == .ticketPurchased)
        #expect(try ticket.published(TicketPurchased.self).count == 1)
    }

    @Test("an unused pass is refunded and its payment cancelled; a used or refunded one cannot be (409)")
    func refund() throws {
        let system = try bikeshareSystem()
        try system.buy()
        try system.buy()
        try system.register()
        #expect(try system.request("PATCH", "/tickets/1", ["ticketStatus": "refundRequested"]).status == 200)
        #expect(try system.ticket(1).ticketStatus == .refunded)
        #expect(try system.items("/payments").map { $0["paymentStatus"] as? String } == ["paymentCancelled", "paymentApproved"])
        #expect(try system.request("PATCH", "/tickets/1", ["ticketStatus": "refundRequested"]).status == 409)
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "2"]).status == 200)
        let used = try system.request("PATCH", "/tickets/2", ["ticketStatus": "refundRequested"])
        #expect(used.status == 409 && used.detail == "ticket 2 cannot be refunded: it is ticketUsed")
        #expect(try system.request("PATCH", "/tickets/2", ["ticketStatus": "Used"]).status == 400)
        #expect(try system.request("PATCH", "/tickets/9", ["ticketStatus": "refundRequested"]).status == 404)
    }

    @Test("a payment of another amount pays nothing; a pass refunded before any payment shows no payment cancelled")
    func foreignPayment() throws {
        let system = try bikeshareSystem()
        system.takeDown("payment")
        try system.buy()
        system.bringBack("payment")
        #expect(try system.request("POST", "/payments", ["ticketId": "1", "ticketAmt": "0"]).status == 201)
        #expect(try system.ticket(1).ticketStatus == .readyForPay)
        let pay = try system.request("PATCH", "/tickets/1", ["ticketStatus": "payRequested"])
        #expect(pay.status == 409 && pay.detail == "ticket 1 has a payment of 0, not 1000")
        try system.register()
        #expect(try system.request("PATCH", "/bicycles/1", ["ticketId": "1"]).status == 409, "the pass is not paid")

        system.takeDown("payment")
        try system.buy()
        system.bringBack("payment")
        #expect(try system.request("PATCH", "/tickets/2", ["ticketStatus": "refundRequested"]).status == 200)
        #expect(try system["payment"].published(PaymentCancelled.self).isEmpty)
        #expect(try system.request("GET", "/rentBicycleViews/2").decode(RentBicycleView.self).paymentStatus == nil)
    }

    @Test("payment is idempotent per pass; a refund read before the payment leaves a tombstone that refuses it")
    func paymentIdempotence() throws {
        let payment = try ContextTester(PaymentContext.self)
        #expect(try payment.request("POST", "/payments", ["ticketId": 1, "ticketAmt": 1000]).status == 201)
        #expect(try payment.request("POST", "/payments", ["ticketId": 1, "ticketAmt": 1000]).status == 200)
        try payment.deliver(TicketRefunded(ticketId: 2, ticketStatus: .refunded))
        #expect(try payment.request("POST", "/payments", ["ticketId": 2, "ticketAmt": 1000]).status == 409)
        #expect(try payment.published(PaymentApproved.self).map(\.ticketId) == [1])
        #expect(try payment.request("POST", "/payments", ["ticketId": 3, "ticketAmt": "-5"]).status == 400)
    }
}
