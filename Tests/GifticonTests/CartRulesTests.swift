import ChassisTesting
import Testing
@testable import Gifticon

@Suite("Cart's rules, in process")
struct CartRulesTests {
    @Test("a cart takes its quantity from gifticon; too little left is a 409 and nothing is added or taken")
    func take() throws {
        let system = try gifticonSystem()
        #expect(try system.request("POST", "/carts", ["gifticonId": "1", "quantity": "10"]).status == 201)
        #expect(try system.request("POST", "/carts", ["gifticonId": 1, "quantity": 15, "status": "CartAdded"]).status == 201)
        let refused = try system.request("POST", "/carts", ["gifticonId": "1", "quantity": "200"])
        #expect(refused.status == 409)
        #expect(refused.detail == "gifticonId 1 has 75 left, fewer than the 200 asked for")
        #expect(try system.available() == 75)
        #expect(try system.items("/carts").count == 2)
        #expect(try system.claims() == ["Held", "Held"], "the refused take leaves no claim")
        #expect(try system["cart"].published(CartAdded.self).map(\.quantity) == [10, 15])
        #expect(try system["gifticon"].published(QuantityModified.self).map(\.availableQuantity) == [90, 75])
    }

    @Test("a bad cart is a 400 problem and changes nothing", arguments: [
        ["gifticonId": "1", "quantity": "abc"], ["gifticonId": "1", "quantity": "0"], ["gifticonId": "1", "quantity": "-3"],
        ["gifticonId": "1"], ["quantity": "1"], ["gifticonId": "x", "quantity": "1"],
        ["gifticonId": "1", "quantity": "1", "status": "PaymentApproved"],
    ])
    func bad(body: [String: String]) throws {
        let system = try gifticonSystem()
        let answer = try system.request("POST", "/carts", body)
        #expect(answer.status == 400, "\(answer)")
        #expect(answer.detail.contains("'"), "the problem names the field: \(answer.detail)")
        #expect(try system.available() == 100)
        #expect(try system.claims().isEmpty)
    }

    @Test("an unknown gifticon is a 404 and leaves no claim")
    func unknownGifticon() throws {
        let system = try gifticonSystem()
        let answer = try system.request("POST", "/carts", ["gifticonId": "1004", "quantity": "1"])
        #expect(answer.status == 404)
        #expect(answer.detail == "no gifticon with gifticonId 1004")
        #expect(try system.claims().isEmpty)
    }

    @Test("removing a cart gives its quantity back once and publishes CartRemoved; again, or an unknown id, is a 404")
    func remove() throws {
        let system = try gifticonSystem()
        #expect(try system.request("POST", "/carts", ["gifticonId": "1", "quantity": "10"]).status == 201)
        #expect(try system.request("DELETE", "/carts/1").status == 204)
        #expect(try system.available() == 100)
        #expect(try system.request("DELETE", "/carts/1").status == 404)
        #expect(try system.request("DELETE", "/carts/9").status == 404)
        #expect(try system.request("DELETE", "/carts/abc").status == 404)
        try system.runJobs()
        #expect(try system.available() == 100)
        #expect(try system["cart"].published(CartRemoved.self) == [CartRemoved(id: 1, gifticonId: 1, quantity: 10)])
    }

    @Test("gifticon down: carts get a 503 with Retry-After, nothing is added; after 5 failures the breaker refuses without calling")
    func gifticonDown() throws {
        let system = try gifticonSystem(down: ["gifticon"], register: false)
        for _ in 0..<8 {
            let answer = try system.request("POST", "/carts", ["gifticonId": "1", "quantity": "1"])
            #expect(answer.status == 503)
            #expect(answer.response.headers["Retry-After"] != nil)
        }
        #expect(try system.items("/carts").isEmpty)
        #expect(try system.claims() == Array(repeating: "Releasing", count: 5), "5 calls made, each to be released; then the breaker was open")
        #expect(system["cart"].service.metrics.prometheusText().contains(#"circuit_breaker_state{name="gifticon"} 1"#))
    }

    @Test("a take whose cart cannot be stored is given back")
    func recordFails() throws {
        let system = try gifticonSystem()
        try system["cart"].service.database.write { c in try c.execute("DROP TABLE carts") }
        #expect(try system.request("POST", "/carts", ["gifticonId": "1", "quantity": "10"]).status == 500)
        #expect(try system.available() == 100, "given back at once")
        #expect(try system.claims() == ["Released"])
    }

    @Test("a take its process died before recording is given back after STOCK_TAKE_ABANDON_SECONDS; a take still in flight then takes nothing")
    func processDied() throws {
        let system = try gifticonSystem()
        // As the dead process left it: the claim written down, the take made, nothing else.
        try system["cart"].service.database.write { c in
            try c.execute("INSERT INTO stock_claims (hold_id, item, quantity, state, since) VALUES ('h1', 1, 10, 'Taking', 0), ('h2', 1, 5, 'Taking', 0)")
        }
        #expect(try system["gifticon"].request("POST", "/stock/holds", ["holdId": "h1", "item": 1, "quantity": 10]).status == 201)
        #expect(try system.available() == 90)
        try system.runJobs()   // marks both for release
        try system.runJobs()   // releases
        #expect(try system.available() == 100)
        #expect(try system.claims() == ["Released", "Released"])
        let late = try system["gifticon"].request("POST", "/stock/holds", ["holdId": "h2", "item": 1, "quantity": 5])
        #expect(late.status == 409, "h2's release left a tombstone: \(late)")
        #expect(try system.available() == 100)
    }

    @Test("a payment approved after the cart was removed changes nothing")
    func approvedAfterRemoval() throws {
        let cart = try ContextTester(CartContext.self)
        #expect(try cart.deliver(PaymentApproved(id: 1, cartId: 1, status: .paymentApproved)) == .processed)
        #expect(try cart.query("SELECT * FROM carts").isEmpty)
    }
}
