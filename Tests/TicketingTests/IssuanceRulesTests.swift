import ChassisTesting
import Testing
@testable import Ticketing

@Suite("Issuance's rules, in process")
struct IssuanceRulesTests {
    @Test("a paid booking's ticket is Issuable once; the customer issues it once; only Issued may be asked for")
    func issue() throws {
        let tester = try ContextTester(IssuanceContext.self)
        #expect(try tester.deliverTwice(Given.approved(1, booking: 1)) == [.processed, .duplicate])
        try tester.deliver(Given.approved(1, booking: 1))
        #expect(try tester.published(TicketIssuable.self) == [TicketIssuable(id: 1, bookId: 1, issueStatus: .issuable)])

        #expect(try tester.request("PATCH", "/ticketIssuances/1", ["issueStatus": "Cancelled"]).status == 400)
        let issued = try tester.request("PATCH", "/ticketIssuances/1", ["issueStatus": "Issued"])
        #expect(issued.status == 200, "\(issued)")
        #expect(try issued.decode(TicketIssuance.self).issueStatus == .issued)
        #expect(issued.link("ticketIssuance") == "http://tester/ticketIssuances/1")
        #expect(try tester.request("PATCH", "/ticketIssuances/1", ["issueStatus": "Issued"]).status == 409)
        #expect(try tester.request("PATCH", "/ticketIssuances/2", ["issueStatus": "Issued"]).status == 404)
        #expect(try tester.published(TicketIssued.self).count == 1)
    }

    @Test("pay's void: an issuable ticket is cancelled once, an issued one refused, an unknown one voided ahead of its payment")
    func void() throws {
        let tester = try ContextTester(IssuanceContext.self)
        try tester.deliver(Given.approved(1, booking: 1))
        try tester.deliver(Given.approved(2, booking: 2))
        _ = try tester.request("PATCH", "/ticketIssuances/2", ["issueStatus": "Issued"])

        for _ in 0..<2 {
            let voided = try tester.request("POST", "/ticketIssuances/cancellations", ["bookId": 1])
            #expect(voided.status == 200, "\(voided)")
            #expect(try voided.decode(TicketIssuance.self).issueStatus == .cancelled)
        }
        #expect(try tester.request("POST", "/ticketIssuances/cancellations", ["bookId": 2]).status == 409)
        #expect(try tester.request("POST", "/ticketIssuances/cancellations", ["bookId": 3]).status == 200)
        #expect(try tester.request("POST", "/ticketIssuances/cancellations", ["bookId": 0]).status == 400)
        try tester.deliver(Given.approved(3, booking: 3))   // its payment, late: no issuable ticket

        #expect(try tester.published(TicketCancelled.self).map(\.bookId) == [1, 3])
        #expect(try tester.published(TicketIssuable.self).map(\.bookId) == [1, 2])
    }
}
