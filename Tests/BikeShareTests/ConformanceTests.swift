import ChassisTesting
import Testing
@testable import BikeShare

@Suite("BikeShare conforms to the system kit")
struct ConformanceTests {
    @Test("the seed's commands: a pass bought and paid, a bicycle rented with it (ticketUsed at once), returned; two messages")
    func seedCommands() throws {
        let system = try bikeshareSystem()
        var problems = try Conformance.examples(system)
        problems += try Conformance.collections(system) + Conformance.redelivery(system) + Conformance.rebuilds(system)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        #expect(try system.ticket(1).ticketStatus == .ticketUsed)
        #expect(try system.bicycle(1).bicycleStatus == .available)
        let view = try system.request("GET", "/rentBicycleViews/1").decode(RentBicycleView.self)
        #expect(view.ticketStatus == .ticketUsed && view.paymentStatus == .paymentApproved && view.bicycleStatus == .available)
        #expect(view.usingTime == 60 && view.remainingMinutes == nil, "returned: no time is running")
        #expect(try system.items("/messages").map { $0["kind"] as? String } == ["rented", "returned"])
        #expect(try system.items("/payments").map { $0["ticketAmt"] as? Int } == [1000])
    }
}
