import ChassisTesting
import Testing
@testable import Musical

@Suite("Musical conforms to the system kit")
struct ConformanceTests {
    @Test("the scenario: 100 seats, reservations of 10 and 15 paid with a notice each, the first cancelled → 85 left, a cancel notice")
    func scenario() throws {
        let system = try musicalSystem(register: false)
        var problems = try Conformance.examples(system)
        problems += try Conformance.collections(system) + Conformance.redelivery(system) + Conformance.rebuilds(system)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        #expect(try system.seatsLeft() == 85)
        #expect(try system.items("/reservations").map { "\($0["id"]!) \($0["status"]!)" } == ["1 Cancelled", "2 PaymentApproved"])
        #expect(try system.items("/payments").map { "\($0["reservationId"]!) \($0["status"]!)" } == ["1 PaymentCancelled", "2 PaymentApproved"])
        #expect(try system.items("/notices").map { $0["sendText"] as? String } == [
            "Payment 1 for reservation 1 is approved.", "Payment 2 for reservation 2 is approved.",
            "Reservation 1 is cancelled; payment 1 is cancelled.",
        ])
        #expect(try system.items("/myPages").map { "\($0["id"]!) \($0["seats"]!) \($0["status"]!)" } == ["1 10 PaymentCancelled", "2 15 PaymentApproved"])
        #expect(try system.claims() == ["Released", "Held"])
    }
}
