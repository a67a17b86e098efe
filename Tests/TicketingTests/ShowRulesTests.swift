import ChassisTesting
import Testing
@testable import Ticketing

@Suite("Show's rules, in process")
struct ShowRulesTests {
    func show(seats: Int = 100) throws -> ContextTester {
        let tester = try ContextTester(ShowContext.self)
        let answer = try tester.request("POST", "/shows", ["showName": "showName1", "totalCount": "\(seats)", "remainCount": "\(seats)"])
        #expect(answer.status == 201, "\(answer)")
        return tester
    }

    func remain(_ tester: ContextTester) throws -> Int {
        try tester.request("GET", "/shows/1").decode(Show.self).remainCount
    }

    @Test("registering publishes the show; bad shows are 400 and change nothing",
          arguments: [["showName": "x", "totalCount": "0"], ["showName": " ", "totalCount": "5"], ["totalCount": "5"],
                      ["showName": "x", "totalCount": "5", "remainCount": "6"], ["showName": "x", "totalCount": "abc"]])
    func register(bad: [String: String]) throws {
        let tester = try show()
        #expect(try tester.published(ShowRegistered.self) == [ShowRegistered(id: 1, showName: "showName1", totalCount: 100, remainCount: 100)])
        #expect(try tester.request("POST", "/shows", bad).status == 400)
        #expect(try tester.query("SELECT id FROM shows").count == 1)
    }

    @Test("seats are taken once per booking, never below zero; too few seats or no show is a rejection")
    func hold() throws {
        let tester = try show(seats: 100)
        #expect(try tester.deliverTwice(Given.placed(1, qty: 10)) == [.processed, .duplicate])
        try tester.deliver(Given.placed(1, qty: 10))   // the same booking again, as a new event
        try tester.deliver(Given.placed(2, qty: 200))
        try tester.deliver(Given.placed(3, show: 7, qty: 1))
        #expect(try remain(tester) == 90)
        #expect(try tester.published(SeatsReserved.self).map(\.bookingId) == [1])
        #expect(try tester.published(SeatsRejected.self).map(\.reason) == ["only 90 seats remain", "no show 7"])
    }

    @Test("what a policy publishes continues the saga of the event it consumed")
    func saga() throws {
        let tester = try show(seats: 100)
        try tester.deliver(Given.placed(1, qty: 10), saga: "saga-77")
        try tester.deliver(Given.placed(2, qty: 500))
        #expect(try tester.outbox().filter { $0.type != "ShowRegistered" }.map(\.correlationID) == ["saga-77", "2"])
        #expect(try tester.outbox().first?.correlationID == "show-1", "a show is no booking's saga")
    }

    @Test("an unconfirmed cancellation releases at once; a confirmed one only when its payment is cancelled; each once")
    func release() throws {
        let tester = try show(seats: 100)
        try tester.deliver(Given.placed(1, qty: 10))
        try tester.deliver(Given.placed(2, qty: 20))
        try tester.deliver(Given.cancelled(1, qty: 10, wasConfirmed: false))
        try tester.deliver(Given.cancelled(2, qty: 20, wasConfirmed: true))
        #expect(try remain(tester) == 80)
        try tester.deliver(PaymentCancelled(id: 5, bookId: 2, amount: 600000, status: .cancelled))
        try tester.deliver(PaymentCancelled(id: 5, bookId: 2, amount: 600000, status: .cancelled))
        #expect(try remain(tester) == 100)
        #expect(try tester.published(SeatsReleased.self).map(\.bookingId) == [1, 2])
    }

    @Test("a cancellation that arrives before its booking leaves a tombstone: the late booking takes nothing")
    func tombstone() throws {
        let tester = try show(seats: 100)
        try tester.deliver(Given.cancelled(1, qty: 10, wasConfirmed: false))
        try tester.deliver(Given.placed(1, qty: 10))
        try tester.deliver(BookingFailed(id: 2, showId: 1, qty: 5, reason: "deadline", bookStatus: .failed))
        try tester.deliver(Given.placed(2, qty: 5))
        #expect(try remain(tester) == 100)
        #expect(try tester.published(SeatsReserved.self).isEmpty)
    }
}
