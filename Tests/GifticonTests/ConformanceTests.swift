import ChassisTesting
import Testing
@testable import Gifticon

@Suite("Gifticon conforms to the system kit")
struct ConformanceTests {
    @Test("the seed's scenario: 100 registered, carts of 10 and 15 paid, 200 refused, the first removed → 85 left")
    func seedScenario() throws {
        let system = try gifticonSystem(register: false)
        var problems = try Conformance.examples(system)
        problems += try Conformance.collections(system) + Conformance.redelivery(system) + Conformance.rebuilds(system)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        #expect(try system.available() == 85)
        #expect(try system.items("/carts").map { $0["id"] as? Int } == [2], "only #2 remains")
        #expect(try system.request("GET", "/carts/1").status == 404)
        #expect(try system.items("/payments").map { "\($0["cartId"]!) \($0["status"]!)" } == ["1 PaymentCancelled", "2 PaymentApproved"])
        #expect(try system.items("/mypages").map { "\($0["id"]!) \($0["status"]!)" } == ["1 PaymentCancelled", "2 PaymentApproved"])
        #expect(try system.items("/carts").first?["status"] as? String == "PaymentApproved")
        #expect(try system.claims() == ["Released", "Held"])
    }
}
