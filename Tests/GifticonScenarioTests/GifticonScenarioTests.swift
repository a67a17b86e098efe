import Foundation
import Gifticon
import HTTP
import Testing
import TestSupport

/// The gifticon system as processes (a broker, four services, the gateway), driven through the
/// gateway as the seed's customer does.
@Suite("Gifticon: the seed's scenario, oversell and outages, as processes", .serialized)
struct GifticonScenarioTests {
    func register(_ stack: SystemStack, quantity: Int = 100) throws {
        let gifticon = try stack.command("POST", "/gifticons", ["gifticonId": "1", "name": "Americano",
                                                                "availableQuantity": "\(quantity)", "price": "5000"], as: Gifticon.self)
        #expect(gifticon.gifticonId == 1 && gifticon.availableQuantity == quantity)
    }

    func available(_ stack: SystemStack) throws -> Int { try stack.get("/gifticons/1", as: Gifticon.self).availableQuantity }

    func addCart(_ stack: SystemStack, _ quantity: Int) throws -> Cart {
        try stack.command("POST", "/carts", ["gifticonId": "1", "quantity": "\(quantity)"], as: Cart.self)
    }

    @Test("the seed's commands in a row; bad input changes nothing; then 100 concurrent carts of 1 against 85 left: exactly 85 taken, each paid once")
    func seedScenarioAndOversell() throws {
        let stack = try SystemStack(gifticon, label: "seed")
        defer { stack.stop() }
        try register(stack)
        #expect(try addCart(stack, 10).id == 1)
        #expect(try addCart(stack, 15).id == 2)
        let refused = try stack.request("POST", "/carts", ["gifticonId": "1", "quantity": "200"])
        #expect(refused.status == 409 && refused.headers["Content-Type"] == "application/problem+json", "\(refused.text)")
        #expect(try available(stack) == 75)
        try eventually("both carts are paid and mypage shows it") {
            try stack.list("payments", as: Payment.self).map(\.status) == [.paymentApproved, .paymentApproved]
                && stack.list("mypages", as: Mypage.self).map(\.status) == ["PaymentApproved", "PaymentApproved"]
        }

        #expect(try stack.request("DELETE", "/carts/1").status == 204)
        #expect(try available(stack) == 85, "the quantity is back at once")
        #expect(try stack.list("carts", as: Cart.self).map(\.id) == [2], "only #2 remains")
        #expect(try stack.request("GET", "/carts/1").status == 404)
        try eventually("the payment is cancelled and mypage keeps the history") {
            try stack.list("payments", as: Payment.self).sorted { $0.cartId < $1.cartId }.map(\.status) == [.paymentCancelled, .paymentApproved]
                && stack.list("mypages", as: Mypage.self).map(\.status) == ["PaymentCancelled", "PaymentApproved"]
        }
        #expect(try stack.request("DELETE", "/carts/1").status == 404)
        for bad in [["quantity": "abc"], ["quantity": "0"], ["quantity": "-2"], [:]] {
            let answer = try stack.request("POST", "/carts", bad.merging(["gifticonId": "1"]) { given, _ in given })
            #expect(answer.status == 400, "\(bad): \(answer.text)")
        }
        #expect(try available(stack) == 85)

        let statuses = concurrently(100, threads: 20) { (try? stack.request("POST", "/carts", ["gifticonId": "1", "quantity": "1"]))?.status ?? 0 }
        #expect(statuses.filter { $0 == 201 }.count == 85)
        #expect(statuses.filter { $0 == 409 }.count == 15)
        #expect(try available(stack) == 0)
        try eventually("every accepted cart is paid", timeout: .seconds(60)) { try stack.list("payments", as: Payment.self).count == 87 }
        Thread.sleep(forTimeInterval: 1)
        let payments = try stack.list("payments", as: Payment.self)
        #expect(payments.count == 87 && Set(payments.map(\.cartId)).count == 87, "once each")
        #expect(try stack["payment"].metric(#"consumer_events_total{outcome="duplicate",topic="gifticon.cart"}"#) == 0)
    }

    @Test("gifticon frozen: carts are refused with 503 and Retry-After within the 1 s deadline, then at once; a removal waits; all recovers by itself")
    func gifticonFrozen() throws {
        let stack = try SystemStack(gifticon, label: "breaker", environment: ["cart": ["STOCK_RELEASE_RETRY_MS": "200"]])
        defer { stack.stop() }
        try register(stack)
        let cart = try addCart(stack, 10)
        let gifticonProcess = try #require(stack["gifticon"].process)

        gifticonProcess.freeze()
        var durations: [Double] = []
        for _ in 0..<8 {
            let start = ContinuousClock.now
            let answer = try stack.request("POST", "/carts", ["gifticonId": "1", "quantity": "1"])
            durations.append((ContinuousClock.now - start).timeInterval)
            #expect(answer.status == 503 && answer.headers["Retry-After"] != nil, "\(answer.status) \(answer.text)")
        }
        #expect(durations.allSatisfy { $0 < 1.8 }, "never longer than the deadline: \(durations)")
        #expect(durations.suffix(3).allSatisfy { $0 < 0.2 }, "the breaker answers at once: \(durations)")
        #expect(try stack["cart"].metric(#"circuit_breaker_state{name="gifticon"}"#) == 1)
        #expect(try stack.request("DELETE", "/carts/\(cart.id)").status == 204, "the customer's removal is accepted at once")
        #expect(try stack["cart"].metric(#"deferred_calls_pending{call="stock_releases"}"#) >= 1)

        gifticonProcess.thaw()
        try eventually("carts are taken again, with no restart", timeout: .seconds(30)) {
            try stack.request("POST", "/carts", ["gifticonId": "1", "quantity": "5"]).status == 201
        }
        // What the frozen gifticon took from requests it answered too late, and the removed
        // cart's 10, all come back: only the new cart's 5 stays taken.
        try eventually("every release is settled") {
            try stack["cart"].metric(#"deferred_calls_pending{call="stock_releases"}"#) == 0 && available(stack) == 95
        }
    }

    @Test("payment stopped: carts are taken; one removed before its approval; when payment returns each is approved once and the removed one cancelled")
    func paymentOutageAndCancelRace() throws {
        let stack = try SystemStack(gifticon, label: "payment-outage")
        defer { stack.stop() }
        try register(stack)
        #expect(stack["payment"].stop() == 0)
        let carts = try [1, 2, 3].map { try addCart(stack, $0) }
        #expect(try stack.request("DELETE", "/carts/\(carts[1].id)").status == 204)
        #expect(try available(stack) == 96)

        try stack["payment"].start()
        try eventually("payment catches up", timeout: .seconds(60)) {
            // Payment ids follow the order payment read the carts in, not the carts'.
            try stack.list("payments", as: Payment.self).map { "\($0.cartId) \($0.status.rawValue)" }.sorted()
                == ["1 PaymentApproved", "2 PaymentCancelled", "3 PaymentApproved"]
        }
        try eventually("the carts and mypage follow") {
            try stack.list("carts", as: Cart.self).map { "\($0.id) \($0.status.rawValue)" } == ["1 PaymentApproved", "3 PaymentApproved"]
                && stack.list("mypages", as: Mypage.self).map { "\($0.id) \($0.status ?? "-")" }
                == ["1 PaymentApproved", "2 PaymentCancelled", "3 PaymentApproved"]
        }
        #expect(try stack["payment"].metric(#"consumer_events_total{outcome="processed",topic="gifticon.cart"}"#) == 4)
        #expect(try available(stack) == 96)
    }
}
