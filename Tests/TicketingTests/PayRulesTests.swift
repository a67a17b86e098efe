import ChassisTesting
import Testing
@testable import Ticketing

@Suite("Pay's rules, in process")
struct PayRulesTests {
    func pay() throws -> ContextTester {
        try ContextTester(PayContext.self, environment: ["ISSUANCE_URL": unreachable])
    }

    @Test("a confirmed booking is charged qty × price once, however often its confirmation arrives")
    func charge() throws {
        let tester = try pay()
        #expect(try tester.deliverTwice(Given.confirmed(1, qty: 10, amount: 30000)) == [.processed, .duplicate])
        try tester.deliver(Given.confirmed(1, qty: 10, amount: 30000))
        let payments = try tester.request("GET", "/payments", headers: ["Host": "gw"])
        #expect(try tester.published(PaymentApproved.self) == [PaymentApproved(id: 1, bookId: 1, amount: 300000, status: .paid)])
        #expect(payments.link("self") == "http://gw/payments")
        #expect(((payments.json["_embedded"] as? [String: Any])?["payments"] as? [Any])?.count == 1, "\(payments)")
    }

    @Test("an unconfirmed booking's cancellation charges and cancels nothing")
    func unconfirmed() throws {
        let tester = try pay()
        try tester.deliver(Given.cancelled(1, wasConfirmed: false))
        #expect(try tester.outbox().isEmpty)
        #expect(try tester.query("SELECT id FROM payments").isEmpty)
    }

    @Test("a cancellation before its confirmation leaves a cancelled tombstone of 0: the late confirmation charges nothing")
    func tombstone() throws {
        let tester = try pay()
        try tester.deliver(Given.cancelled(1, wasConfirmed: true))
        try tester.deliver(Given.confirmed(1))
        #expect(try tester.published(PaymentCancelled.self) == [PaymentCancelled(id: 1, bookId: 1, amount: 0, status: .cancelled)])
        #expect(try tester.published(PaymentApproved.self).isEmpty)
    }

    @Test("while issuance is unreachable a paid booking's cancellation waits, retried, with the payment still Paid")
    func deferred() throws {
        let tester = try pay()
        try tester.deliver(Given.confirmed(1))
        try tester.deliver(Given.cancelled(1, wasConfirmed: true))
        for _ in 0..<3 { try tester.runJobs() }
        #expect(try tester.request("GET", "/payments/1").decode(Payment.self).status == .paid)
        #expect(try tester.published(PaymentCancelled.self).isEmpty)
        #expect(try tester.query("SELECT cancellation_attempts FROM payments")[0].int("cancellation_attempts") == 3)
    }
}
