import ChassisTesting
import Foundation
import Testing
@testable import Gifticon

@Suite("Payment's and mypage's rules, in process")
struct PaymentAndMypageRulesTests {
    let added = CartAdded(id: 1, gifticonId: 1, quantity: 10, status: .cartAdded)
    let removed = CartRemoved(id: 1, gifticonId: 1, quantity: 10)

    @Test("each cart is approved once, and cancelled once when removed")
    func approveAndCancel() throws {
        let payment = try ContextTester(PaymentContext.self)
        #expect(try payment.deliverTwice(added) == [.processed, .duplicate])
        try payment.deliver(added)   // the same cart again, as a new event
        try payment.deliver(removed)
        try payment.deliver(removed)
        #expect(try payment.published(PaymentApproved.self) == [PaymentApproved(id: 1, cartId: 1, status: .paymentApproved)])
        #expect(try payment.published(PaymentCancelled.self) == [PaymentCancelled(id: 1, cartId: 1, status: .paymentCancelled)])
    }

    @Test("a removal read before its cart leaves a tombstone: the late cart is never approved")
    func removalFirst() throws {
        let payment = try ContextTester(PaymentContext.self)
        try payment.deliver(removed)
        try payment.deliver(added)
        #expect(try payment.published(PaymentApproved.self).isEmpty)
        #expect(try payment.request("GET", "/payments/1").decode(Payment.self).status == .paymentCancelled)
    }

    @Test("a field no event has set yet reads null, as Spring Data REST shows it")
    func nulls() throws {
        let mypage = try ContextTester(MypageContext.self)
        try mypage.deliver(added)
        let page = try mypage.request("GET", "/mypages/1").json
        #expect(page["paymentId"] is NSNull)
        #expect(page["status"] as? String == "CartAdded")
    }

    @Test("mypage keeps the newest status whatever order the topics arrive in")
    func mypageOrder() throws {
        let mypage = try ContextTester(MypageContext.self)
        try mypage.deliver(PaymentCancelled(id: 1, cartId: 1, status: .paymentCancelled), time: .now.addingTimeInterval(2))
        try mypage.deliver(PaymentApproved(id: 1, cartId: 1, status: .paymentApproved), time: .now.addingTimeInterval(1))
        try mypage.deliver(added, time: .now)
        let page = try mypage.request("GET", "/mypages/1").decode(Mypage.self)
        #expect(page == Mypage(id: 1, cartId: 1, gifticonId: 1, quantity: 10, paymentId: 1, status: "PaymentCancelled"))
    }
}
