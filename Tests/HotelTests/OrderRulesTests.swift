import Chassis
import ChassisTesting
import HTTP
import Testing
@testable import Hotel

@Suite("Order's and payment's rules, in process")
struct OrderRulesTests {
    @Test("an order is paid as it is placed, at the room type's price, and reaches the hotel as Requested")
    func place() throws {
        let system = try hotelSystem()
        let answer = try system.request("POST", "/orders", ["name": "Guest4", "roomType": "Prime", "guestCnt": "4", "cardNo": "12345"])
        #expect(answer.status == 201)
        #expect(try answer.decode(Order.self) == Order(id: 1, name: "Guest4", roomType: "Prime", guestCnt: 4, cardNo: 12345, status: .paid))
        try system.order("DeluxNormal")
        #expect(try system.items("/payments").map { $0["amount"] as? Int } == [250_000, RoomPrice.standard])
        #expect(try system.statuses("/reservations") == ["Requested", "Requested"])
    }

    @Test("an order's optional fields read as null when absent, and as their value, once, when given")
    func optionalFields() throws {
        let system = try hotelSystem()
        try system.order()
        #expect(try system.request("POST", "/orders", ["name": "Guest4", "roomType": "Prime", "guestCnt": "4", "cardNo": "12345"]).status == 201)
        let absent = try system.request("GET", "/orders/1").text
        #expect(absent.contains(#""cardNo":null"#) && absent.contains(#""guestCnt":null"#), "\(absent)")
        let given = try system.request("GET", "/orders/2").text
        #expect(given.contains(#""cardNo":12345"#) && given.contains(#""guestCnt":4"#), "\(given)")
        #expect(given.components(separatedBy: #""cardNo""#).count == 2, "one cardNo: \(given)")
    }

    @Test("a bad order is a 400 and changes nothing", arguments: [
        ["roomType": "delux"], ["name": "x"], ["name": " ", "roomType": "delux"], ["name": "x", "roomType": "delux", "guestCnt": "0"],
        ["name": "x", "roomType": "delux", "guestCnt": "two"], ["name": "x", "roomType": "delux", "cardNo": "-1"],
        ["name": "x", "roomType": "delux", "status": "Confirmed"],
    ])
    func bad(body: [String: String]) throws {
        let system = try hotelSystem()
        #expect(try system.request("POST", "/orders", body).status == 400)
        #expect(try system.items("/orders").isEmpty && system.items("/payments").isEmpty)
    }

    @Test("payment down: the order is refused with 503 and Retry-After, no order row; each call that went out waits to be cancelled")
    func paymentDown() throws {
        let system = try hotelSystem()
        system.takeDown("payment")
        for _ in 0..<7 {
            let refused = try system.order()
            #expect(refused.status == 503 && refused.response.headers["Retry-After"] != nil)
        }
        #expect(try system.items("/orders").isEmpty)
        #expect(try system["order"].query("SELECT order_id FROM payment_cancellations").count == 5, "five calls went out; then the breaker refused")
        #expect(try system.items("/payments").isEmpty)
    }

    @Test("an order refused while payment is down leaves no Idempotency-Key behind: retried once payment is back, it is placed")
    func retriedAfterPaymentDown() throws {
        let system = try hotelSystem()
        let order: [String: Any] = ["name": "Guest", "roomType": "delux"]
        system.takeDown("payment")
        #expect(try system["order"].request("POST", "/orders", order, headers: ["Idempotency-Key": "trip-1"]).status == 503)
        #expect(try system["order"].query("SELECT idempotency_key FROM idempotency_keys").isEmpty)
        system.bringBack("payment")
        #expect(try system["order"].request("POST", "/orders", order, headers: ["Idempotency-Key": "trip-1"]).status == 201)
        #expect(try system["order"].request("POST", "/orders", order, headers: ["Idempotency-Key": "trip-1"]).status == 201)
        #expect(try system.items("/orders").count == 1)
        #expect(try system.statuses("/payments") == ["PaymentApproved"])
    }

    @Test("a payment whose answer is lost is cancelled, and the order withdrawn: a charge reliably refunded")
    func lostAnswer() throws {
        let system = try hotelSystem()
        let payment = system["payment"].service
        InProcessUpstreams.register(system.url(of: "payment")) { request in
            let answer = payment.handle(request)
            return request.path == "/payments" ? HTTPResponse(status: 502) : answer   // charged, but the answer never arrives
        }
        #expect(try system.order().status == 503)
        #expect(try system.items("/orders").isEmpty)
        #expect(try system.statuses("/payments") == ["PaymentApproved"])
        system.bringBack("payment")
        try system.runJobs()
        #expect(try system.statuses("/payments") == ["PaymentCancelled"])
        #expect(try system.statuses("/reservations").isEmpty, "an unpaid order never reaches the hotel")
    }

    @Test("an order its process left unpaid is withdrawn after ORDER_PAYMENT_ABANDON_SECONDS, and its payment cancelled")
    func processDied() throws {
        let system = try hotelSystem()
        try system["order"].service.database.write { c in
            try c.execute("INSERT INTO orders (name, room_type, status, ordered_at) VALUES ('x', 'delux', 'Ordered', 0)")
        }
        #expect(try system.request("POST", "/payments", ["orderId": 1, "amount": 150_000]).status == 201)
        try system.runJobs()
        try system.runJobs()
        #expect(try system.items("/orders").isEmpty)
        #expect(try system.statuses("/payments") == ["PaymentCancelled"])
    }

    @Test("cancelling cancels the payment by call and the reservation by event; again is a 409, an unknown id a 404")
    func cancel() throws {
        let system = try hotelSystem()
        try system.order()
        #expect(try system.request("DELETE", "/orders/1").decode(Order.self).status == .cancelled)
        #expect(try system.statuses("/payments") == ["PaymentCancelled"])
        #expect(try system.statuses("/reservations") == ["Cancelled"])
        #expect(try system.request("DELETE", "/orders/1").status == 409)
        #expect(try system.request("DELETE", "/orders/5").status == 404)
    }

    @Test("payment down while cancelling: the order is Cancelled at once, the payment once payment is back; never lost")
    func cancelWhilePaymentDown() throws {
        let system = try hotelSystem()
        try system.order()
        system.takeDown("payment")
        #expect(try system.request("DELETE", "/orders/1").status == 200)
        try system.runJobs()
        #expect(try system.statuses("/payments") == ["PaymentApproved"])
        system.bringBack("payment")
        try system.runJobs()
        #expect(try system.statuses("/payments") == ["PaymentCancelled"])
        #expect(try system["payment"].published(PaymentCanceled.self).count == 1)
    }

    @Test("a payment made beforehand for another amount does not pay the order: refused, withdrawn, that payment cancelled; cancelling is no public route")
    func foreignPayment() throws {
        let system = try hotelSystem()
        #expect(try system.request("POST", "/payments", ["orderId": "1", "amount": "0"]).status == 201)
        let refused = try system.order()
        #expect(refused.status == 409 && refused.detail == "order 1 has a payment of 0, not 150000")
        #expect(try system.items("/orders").isEmpty)
        try system.runJobs()
        #expect(try system.statuses("/payments") == ["PaymentCancelled"])
        #expect(throws: TesterError.self) { try system.request("POST", "/payment-cancellations", ["orderId": 1]) }
    }

    @Test("payment: one per order; the seed's repeat answers it and publishes nothing; no amount for a new one is a 400")
    func paymentIdempotence() throws {
        let payment = try ContextTester(PaymentContext.self)
        #expect(try payment.request("POST", "/payments", ["orderId": 1, "amount": 100]).status == 201)
        #expect(try payment.request("POST", "/payments", ["orderId": "1", "cardNo": "12345"]).status == 200)
        #expect(try payment.request("POST", "/payments", ["orderId": 2, "cardNo": 12345]).status == 400)
        #expect(try payment.published(PaymentApproved.self).count == 1)
    }
}
