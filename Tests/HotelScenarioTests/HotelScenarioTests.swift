import Foundation
import HTTP
import Hotel
import Testing
import TestSupport

/// The hotel system as processes (a broker, five services, the gateway), driven through the
/// gateway as the seed's customer and hotel do.
@Suite("Hotel: the seed's commands and outages, as processes", .serialized)
struct HotelScenarioTests {
    func order(_ stack: SystemStack) throws -> HTTPClientResponse {
        try stack.request("POST", "/orders", ["name": "Moonhee", "roomType": "delux", "guestCnt": "2", "cardNo": "12345"])
    }

    func statuses(_ stack: SystemStack, _ name: String) throws -> [String] {
        try stack.list(name, as: StatusOnly.self).map(\.status)
    }

    @Test("the seed's commands in a row: paid, paid again idempotently, confirmed (the order reads Confirmed), cancelled; one notification per hotel status")
    func seedCommands() throws {
        let stack = try SystemStack(hotel, label: "seed")
        defer { stack.stop() }
        let placed = try order(stack)
        #expect(placed.status == 201)
        #expect(try JSONDecoder().decode(Order.self, from: Data(placed.body)).status == .paid)
        let again = try stack.command("POST", "/payments", ["orderId": "1", "cardNo": "12345"], as: Payment.self)
        #expect(again.orderId == 1 && again.amount == RoomPrice.amount(for: "delux") && again.status == .paymentApproved)
        let confirmed = try stack.command("POST", "/reservations", ["orderId": "1", "status": "confirmed"], as: Reservation.self)
        #expect(confirmed.status == .confirmed)
        #expect(try stack.request("POST", "/reservations", ["orderId": "1", "status": "DBchanged"]).status == 400)
        try eventually("the order and mypage read Confirmed") {
            try stack.get("/orders/1", as: Order.self).status == .confirmed && statuses(stack, "mypages") == ["Confirmed"]
        }
        #expect(try stack.list("payments", as: Payment.self).count == 1)

        #expect(try stack.command("DELETE", "/orders/1", [:], as: Order.self).status == .cancelled)
        #expect(try statuses(stack, "payments") == ["PaymentCancelled"], "cancelled by the call, at once")
        try eventually("the reservation, mypage and notifications follow") {
            try statuses(stack, "reservations") == ["Cancelled"] && statuses(stack, "mypages") == ["Cancelled"]
                && stack.list("notifications", as: Notification.self).last?.text == "Order 1 is cancelled; the payment is refunded."
        }
        let notifications = try stack.list("notifications", as: Notification.self)
        #expect(notifications.allSatisfy { $0.channel == "kakao" } && (2...3).contains(notifications.count), "\(notifications.map(\.text))")
        #expect(try stack.request("DELETE", "/orders/1").status == 409)
    }

    @Test("payment frozen: orders are refused with 503 and Retry-After within the deadline, then at once, no order made; once back, every charge made meanwhile is cancelled")
    func paymentFrozen() throws {
        let stack = try SystemStack(hotel, label: "payment-frozen", environment: ["order": ["PAYMENT_CANCELLATION_RETRY_MS": "200"]])
        defer { stack.stop() }
        #expect(try order(stack).status == 201)
        let payment = try #require(stack["payment"].process)
        payment.freeze()
        for _ in 0..<8 {
            let start = ContinuousClock.now
            let refused = try order(stack)
            let took = ContinuousClock.now - start
            #expect(refused.status == 503 && refused.headers["Retry-After"] != nil && took < .milliseconds(2800), "\(refused.status) after \(took)")
        }
        #expect(try stack.list("orders", as: Order.self).count == 1, "nothing half-made")
        #expect(try stack["order"].metric(#"circuit_breaker_state{name="payment"}"#) == 1)

        payment.thaw()
        try eventually("every payment the frozen service took is cancelled", timeout: .seconds(30)) {
            try stack["order"].metric(#"deferred_calls_pending{call="payment_cancellations"}"#) == 0
                && stack.list("payments", as: Payment.self).dropFirst().allSatisfy { $0.status == .paymentCancelled }
        }
        try eventually("orders are taken again", timeout: .seconds(30)) { try order(stack).status == 201 }
        let orders = try stack.list("orders", as: Order.self).map(\.id)
        let approved = try stack.list("payments", as: Payment.self).filter { $0.status == .paymentApproved }.map(\.orderId)
        #expect(approved == orders, "a payment stands exactly for each order that exists")
        try eventually("only paid orders reach the hotel") { try stack.list("reservations", as: Reservation.self).map(\.orderId) == orders }
    }

    @Test("reservation stopped: orders are taken and paid; once it is back the hotel sees each once, each notified once")
    func reservationOutage() throws {
        let stack = try SystemStack(hotel, label: "reservation-outage")
        defer { stack.stop() }
        #expect(stack["reservation"].stop() == 0)
        for _ in 0..<3 { #expect(try order(stack).status == 201) }
        try stack["reservation"].start()
        try eventually("the hotel sees every order", timeout: .seconds(60)) { try statuses(stack, "reservations") == ["Requested", "Requested", "Requested"] }
        try eventually("each is notified") { try stack.list("notifications", as: Notification.self).count == 3 }
        Thread.sleep(forTimeInterval: 1)
        #expect(try stack.list("notifications", as: Notification.self).count == 3)
        #expect(try stack["reservation"].metric(#"consumer_events_total{outcome="processed",topic="hotel.order"}"#) == 3)
    }
}

private struct StatusOnly: Decodable {
    let status: String
}
