import ChassisTesting
import Testing
@testable import Hotel

@Suite("Reservation's, notification's and mypage's rules, in process")
struct ReservationRulesTests {
    let ordered = Ordered(id: 1, name: "Moonhee", roomType: "delux", guestCnt: nil, amount: 150_000, status: .paid)

    @Test("the seed's confirmation, in any case, even before the order is read; a late order does not take it back")
    func confirmEarly() throws {
        let reservation = try ContextTester(ReservationContext.self)
        let early = try reservation.request("POST", "/reservations", ["orderId": "1", "status": "confirmed"])
        #expect(early.status == 201)
        #expect(try early.decode(Reservation.self).status == .confirmed)
        #expect(try reservation.published(ReservationConfirmed.self).isEmpty, "announced only once the paid order is read")
        #expect(try reservation.request("POST", "/reservations", ["orderId": "0", "status": "confirmed"]).status == 400)
        try reservation.deliver(ordered)
        #expect(try reservation.request("GET", "/reservations/1").decode(Reservation.self).status == .confirmed)
        #expect(try reservation.published(ReservationRequested.self).isEmpty)
        #expect(try reservation.request("POST", "/reservations", ["orderId": "1", "status": "Confirmed"]).status == 200)
        #expect(try reservation.published(ReservationConfirmed.self).count == 1)
    }

    @Test("DBchanged or any other status is a 400; a cancelled reservation cannot be confirmed (409)")
    func badStatus() throws {
        let reservation = try ContextTester(ReservationContext.self)
        try reservation.deliver(ordered)
        #expect(try reservation.request("POST", "/reservations", ["orderId": "1", "status": "DBchanged"]).status == 400)
        #expect(try reservation.request("PATCH", "/reservations/1", ["status": "Cancelled"]).status == 400)
        try reservation.deliver(OrderCanceled(id: 1, status: .cancelled))
        let refused = try reservation.request("PATCH", "/reservations/1", ["status": "Confirmed"])
        #expect(refused.status == 409 && refused.detail == "reservation 1 cannot be confirmed: it is Cancelled")
        #expect(try reservation.request("PATCH", "/reservations/9", ["status": "Confirmed"]).status == 404)
    }

    @Test("an order cancelled before it reached the hotel leaves a tombstone: no request follows")
    func cancelFirst() throws {
        let reservation = try ContextTester(ReservationContext.self)
        try reservation.deliver(OrderCanceled(id: 1, status: .cancelled))
        try reservation.deliver(ordered)
        #expect(try reservation.published(ReservationRequested.self).isEmpty)
        #expect(try reservation.request("GET", "/reservations/1").decode(Reservation.self).status == .cancelled)
    }

    @Test("one kakao notification per reservation status, however often it is delivered")
    func notifications() throws {
        let notification = try ContextTester(NotificationContext.self)
        let requested = ReservationRequested(id: 1, orderId: 1, status: .requested)
        #expect(try notification.deliverTwice(requested) == [.processed, .duplicate])
        try notification.deliver(requested)
        try notification.deliver(ReservationConfirmed(id: 1, orderId: 1, status: .confirmed))
        #expect(try notification.published(NotificationSent.self).map(\.channel) == ["kakao", "kakao"])
    }

    @Test("mypage shows the furthest of Paid, Confirmed, Cancelled whatever order the topics arrive in")
    func mypage() throws {
        let view = try ContextTester(CustomercenterContext.self)
        try view.deliver(ReservationConfirmed(id: 1, orderId: 1, status: .confirmed))
        try view.deliver(ordered)
        #expect(try view.request("GET", "/mypages/1").decode(Mypage.self)
            == Mypage(id: 1, orderId: 1, name: "Moonhee", roomType: "delux", guestCnt: nil, status: "Confirmed"))
    }
}
