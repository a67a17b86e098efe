import ChassisTesting
import Testing
@testable import Hotel

@Suite("Hotel conforms to the system kit")
struct ConformanceTests {
    @Test("the seed's commands: an order paid, paid again idempotently, confirmed by the hotel, then cancelled: payment, reservation, mypage and notifications follow")
    func seedCommands() throws {
        let system = try hotelSystem()
        var problems = try Conformance.examples(system)
        problems += try Conformance.collections(system) + Conformance.redelivery(system) + Conformance.rebuilds(system)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        #expect(try system.statuses("/orders") == ["Cancelled"])
        #expect(try system.items("/payments").map { "\($0["amount"]!) \($0["status"]!)" } == ["150000 PaymentCancelled"])
        #expect(try system["payment"].published(PaymentApproved.self).count == 1, "the seed's second POST /payments changed nothing")
        #expect(try system.statuses("/reservations") == ["Cancelled"])
        #expect(try system.statuses("/mypages") == ["Cancelled"])
        #expect(try system.items("/notifications").map { $0["channel"] as? String } == ["kakao", "kakao", "kakao"])
    }
}
