import Chassis
import ChassisTesting
import Foundation
import Testing
@testable import Ticketing

@Suite("The dashboard view, in process")
struct DashboardRulesTests {
    @Test("each status keeps its newest event whatever order they arrive in; the row's id is the booking's")
    func converges() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let events: [(any DomainEvent, Double)] = [
            (Given.placed(7, qty: 10), 1), (Given.confirmed(7), 2), (Given.approved(3, booking: 7), 3),
            (TicketIssuable(id: 4, bookId: 7, issueStatus: .issuable), 4), (Given.cancelled(7, wasConfirmed: true), 5),
            (PaymentCancelled(id: 3, bookId: 7, amount: 300000, status: .cancelled), 6),
            (TicketCancelled(id: 4, bookId: 7, issueStatus: .cancelled), 7),
        ]
        for order in [Array(events), Array(events.reversed()), [events[4], events[0], events[6], events[2], events[1], events[5], events[3]]] {
            let tester = try ContextTester(DashboardContext.self)
            for (event, second) in order { try tester.deliver(event, time: start.addingTimeInterval(second)) }
            let row = try tester.request("GET", "/showStatuses/7").decode(ShowStatus.self)
            #expect(row == ShowStatus(id: 7, bookId: 7, showName: "showName1", qty: 10, payAmount: 300000,
                                      bookStatus: .cancelled, payStatus: .cancelled, issueStatus: .cancelled))
        }
    }

    @Test("a status not yet heard of is null, as Spring Data REST shows it")
    func nulls() throws {
        let tester = try ContextTester(DashboardContext.self)
        try tester.deliver(Given.placed(1))
        let answer = try tester.request("GET", "/showStatuses/1")
        #expect(answer.json["payStatus"] is NSNull, "\(answer)")
        #expect(answer.link("showStatus") == "http://tester/showStatuses/1")
    }
}
