import ChassisTesting
import Testing
@testable import Musical

@Suite("Payment's, notice's and customercenter's rules, in process")
struct PaymentAndNoticeRulesTests {
    let reserved = SeatsReserved(id: 1, musicalId: 1003, seats: 10, price: 50000, status: .seatsReserved)
    let cancelled = ReservationCancelled(id: 1, musicalId: 1003, seats: 10, status: .cancelled)

    @Test("each reservation is approved once, and cancelled once")
    func approveAndCancel() throws {
        let payment = try ContextTester(PaymentContext.self)
        #expect(try payment.deliverTwice(reserved) == [.processed, .duplicate])
        try payment.deliver(reserved)
        try payment.deliver(cancelled)
        try payment.deliver(cancelled)
        #expect(try payment.published(PaymentApproved.self) == [PaymentApproved(id: 1, reservationId: 1, status: .paymentApproved)])
        #expect(try payment.published(PaymentCancelled.self) == [PaymentCancelled(id: 1, reservationId: 1, status: .paymentCancelled)])
    }

    @Test("a cancellation read before its reservation leaves a tombstone: nothing is ever approved")
    func cancellationFirst() throws {
        let payment = try ContextTester(PaymentContext.self)
        try payment.deliver(cancelled)
        try payment.deliver(reserved)
        #expect(try payment.published(PaymentApproved.self).isEmpty)
        #expect(try payment.published(PaymentCancelled.self).map(\.status) == [.paymentCancelled])
    }

    @Test("one notice per payment change, however often it is delivered")
    func notices() throws {
        let notice = try ContextTester(NoticeContext.self)
        let approved = PaymentApproved(id: 1, reservationId: 1, status: .paymentApproved)
        try notice.deliver(approved)
        try notice.deliver(approved)
        try notice.deliver(PaymentCancelled(id: 1, reservationId: 1, status: .paymentCancelled))
        #expect(try notice.published(NoticeSent.self).map(\.sendText) == [
            "Payment 1 for reservation 1 is approved.", "Reservation 1 is cancelled; payment 1 is cancelled.",
        ])
    }

    @Test("my page keeps the newest status whatever order the topics arrive in")
    func myPageOrder() throws {
        let view = try ContextTester(CustomercenterContext.self)
        try view.deliver(PaymentCancelled(id: 1, reservationId: 1, status: .paymentCancelled), time: .now.addingTimeInterval(3))
        try view.deliver(cancelled, time: .now.addingTimeInterval(2))
        try view.deliver(PaymentApproved(id: 1, reservationId: 1, status: .paymentApproved), time: .now.addingTimeInterval(1))
        try view.deliver(reserved, time: .now)
        #expect(try view.request("GET", "/myPages/1").decode(MyPage.self)
            == MyPage(id: 1, reservationId: 1, musicalId: 1003, seats: 10, paymentId: 1, status: "PaymentCancelled"))
    }
}
