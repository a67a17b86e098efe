import BikeShare
import Foundation
import HTTP
import Testing
import TestSupport

/// The bikeshare system as processes (a broker, five services, the gateway), driven through the
/// gateway as the seed's customer does.
@Suite("BikeShare: the seed's commands, the rent race and outages, as processes", .serialized)
struct BikeShareScenarioTests {
    func buy(_ stack: SystemStack) throws -> Ticket {
        try stack.command("POST", "/tickets", ["ticketType": "1", "ticketStatus": "ReadyForPay"], as: Ticket.self)
    }

    func register(_ stack: SystemStack) throws -> Bicycle {
        try stack.command("POST", "/bicycles", ["bicycleStatus": "Registered"], as: Bicycle.self)
    }

    @Test("the seed's commands in a row; then 20 concurrent rents of one bicycle with 20 paid passes: one rents, 19 get 409 and keep their pass")
    func seedCommandsAndRentRace() throws {
        let stack = try SystemStack(bikeshare, label: "seed")
        defer { stack.stop() }
        #expect(try buy(stack).ticketStatus == .ticketPurchased)
        #expect(try register(stack).bicycleStatus == .registered)
        let rented = try stack.command("PATCH", "/bicycles/1", ["ticketId": "1", "usingTime": "60"], as: Bicycle.self)
        #expect(rented.bicycleStatus == .rented && rented.ticketId == 1)
        #expect(try stack.get("/tickets/1", as: Ticket.self).ticketStatus == .ticketUsed, "at once")
        try eventually("the view shows the rental and its time") {
            guard let view = try? stack.get("/rentBicycleViews/1", as: RentBicycleView.self) else { return false }
            return view.ticketStatus == .ticketUsed && view.paymentStatus == .paymentApproved && view.remainingMinutes == 60
        }
        #expect(try stack.command("PATCH", "/bicycles/1", ["bicycleStatus": "Returned"], as: Bicycle.self).bicycleStatus == .available)
        try eventually("two messages") { try stack.list("messages", as: Message.self).map(\.kind) == ["rented", "returned"] }

        let bicycle = try register(stack)
        let passes = try (0..<20).map { _ in try buy(stack).id }
        let next = LockedQueue(passes)
        let statuses = concurrently(20, threads: 20) {
            (try? stack.request("PATCH", "/bicycles/\(bicycle.id)", ["ticketId": "\(next.pop())"]))?.status ?? 0
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 19)
        let tickets = try passes.map { try stack.get("/tickets/\($0)", as: Ticket.self).ticketStatus }
        #expect(tickets.filter { $0 == .ticketUsed }.count == 1)
        #expect(tickets.filter { $0 == .ticketPurchased }.count == 19, "the losers' passes are given back before their 409")
        #expect(try stack["bicycle"].metric(#"deferred_calls_pending{call="stock_releases"}"#) == 0)
    }

    @Test("payment frozen: passes are created ReadyForPay within the deadline, then at once; once it is back, each is paid once")
    func paymentFrozen() throws {
        let stack = try SystemStack(bikeshare, label: "payment-frozen")
        defer { stack.stop() }
        #expect(try buy(stack).ticketStatus == .ticketPurchased)
        let payment = try #require(stack["payment"].process)
        payment.freeze()
        var unpaid: [Int] = []
        for _ in 0..<7 {
            let start = ContinuousClock.now
            let answer = try stack.request("POST", "/tickets", ["ticketType": "2"])
            let took = ContinuousClock.now - start
            #expect(answer.status == 201 && answer.headers["Retry-After"] != nil && took < .milliseconds(2800), "\(answer.status) after \(took)")
            let ticket = try JSONDecoder().decode(Ticket.self, from: Data(answer.body))
            #expect(ticket.ticketStatus == .readyForPay)
            unpaid.append(ticket.id)
        }
        #expect(try stack["ticket"].metric(#"circuit_breaker_state{name="payment"}"#) == 1)
        let refused = try stack.request("PATCH", "/bicycles/1", ["ticketId": "\(unpaid[0])"])
        #expect(refused.status == 404 || refused.status == 409, "no bicycle, or an unpaid pass: never a rental")

        payment.thaw()
        try eventually("the pass can be paid later", timeout: .seconds(30)) {
            try stack.request("PATCH", "/tickets/\(unpaid.last!)", ["ticketStatus": "payRequested"]).status == 200
        }
        // Requests payment took while frozen were answered too late: its events make those passes paid.
        for id in unpaid where try stack.get("/tickets/\(id)", as: Ticket.self).ticketStatus == .readyForPay {
            _ = try stack.request("PATCH", "/tickets/\(id)", ["ticketStatus": "payRequested"])
        }
        try eventually("every pass is paid, once") {
            let payments = try stack.list("payments", as: Payment.self)
            let tickets = try stack.list("tickets", as: Ticket.self)
            return tickets.allSatisfy { $0.ticketStatus == .ticketPurchased } && payments.count == tickets.count
                && Set(payments.map(\.ticketId)).count == payments.count
        }
    }

    @Test("message stopped: rent and return work; once it is back each notification arrives exactly once")
    func messageOutage() throws {
        let stack = try SystemStack(bikeshare, label: "message-outage")
        defer { stack.stop() }
        #expect(stack["message"].stop() == 0)
        let bicycle = try register(stack)
        for _ in 0..<3 {
            let pass = try buy(stack)
            #expect(try stack.request("PATCH", "/bicycles/\(bicycle.id)", ["ticketId": "\(pass.id)"]).status == 200)
            #expect(try stack.request("PATCH", "/bicycles/\(bicycle.id)", ["bicycleStatus": "Returned"]).status == 200)
        }
        try stack["message"].start()
        try eventually("every notification arrives", timeout: .seconds(60)) { try stack.list("messages", as: Message.self).count == 6 }
        Thread.sleep(forTimeInterval: 1)
        let messages = try stack.list("messages", as: Message.self)
        #expect(messages.count == 6 && Set(messages.map { "\($0.ticketId) \($0.kind)" }).count == 6)
        #expect(try stack["message"].metric(#"consumer_events_total{outcome="processed",topic="bikeshare.bicycle"}"#) == 6, "three rents and three returns, each once")
    }
}

/// Hands out the values one by one to concurrent callers.
final class LockedQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    init(_ values: [Int]) { self.values = values }
    func pop() -> Int { lock.withLock { values.removeFirst() } }
}
