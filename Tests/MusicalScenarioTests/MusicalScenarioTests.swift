import Foundation
import HTTP
import Musical
import Testing
import TestSupport

/// The musical system as processes (a broker, five services, the gateway), driven through the
/// gateway as a customer does; on SQLite files and on PostgreSQL, the engine services that scale
/// out keep their state in.
@Suite("Musical: the scenario, oversell and outages, as processes", .serialized)
struct MusicalScenarioTests {
    func register(_ stack: SystemStack) throws {
        let musical = try stack.command("POST", "/musicals", ["musicalId": "1003", "name": "HOT", "reservableSeat": "100"], as: Musical.self)
        #expect(musical.musicalId == 1003 && musical.reservableSeat == 100)
    }

    func seatsLeft(_ stack: SystemStack) throws -> Int { try stack.get("/musicals/1", as: Musical.self).reservableSeat }

    func reserve(_ stack: SystemStack, _ seats: Int) throws -> Reservation {
        try stack.command("POST", "/reservations", ["musicalId": "1003", "seats": "\(seats)", "price": "50000"], as: Reservation.self)
    }

    @Test("reserve 10 and 15, 200 refused, both paid with a notice each, the first cancelled → 85 and a cancel notice; then 100 concurrent against 85", arguments: StorageEngine.allCases)
    func scenarioAndOversell(engine: StorageEngine) throws {
        let stack = try SystemStack(musical, label: "scenario", engine: engine)
        defer { stack.stop() }
        try register(stack)
        #expect(try reserve(stack, 10).status == .seatsReserved)
        #expect(try reserve(stack, 15).id == 2)
        let refused = try stack.request("POST", "/reservations", ["musicalId": "1003", "seats": "200"])
        #expect(refused.status == 409 && refused.headers["Content-Type"] == "application/problem+json", "\(refused.text)")
        #expect(try seatsLeft(stack) == 75)
        try eventually("both are paid, noticed, and shown approved") {
            try stack.list("reservations", as: Reservation.self).map(\.status) == [.paymentApproved, .paymentApproved]
                && stack.list("notices", as: Notice.self).count == 2
                && stack.list("myPages", as: MyPage.self).map(\.status) == ["PaymentApproved", "PaymentApproved"]
        }

        let cancelled = try stack.command("DELETE", "/reservations/1", [:], as: Reservation.self)
        #expect(cancelled.status == .cancelled)
        #expect(try seatsLeft(stack) == 85, "the seats are back at once")
        try eventually("the payment is cancelled, a notice sent, my page says so") {
            try stack.list("payments", as: Payment.self).sorted { $0.reservationId < $1.reservationId }.map(\.status) == [.paymentCancelled, .paymentApproved]
                && stack.list("notices", as: Notice.self).last.map { $0.reservationId == 1 && $0.sendText.hasPrefix("Reservation 1 is cancelled") } == true
                && stack.list("myPages", as: MyPage.self).map(\.status) == ["PaymentCancelled", "PaymentApproved"]
        }
        #expect(try stack.request("DELETE", "/reservations/1").status == 409)
        #expect(try stack.request("DELETE", "/reservations/99").status == 404)
        for bad in [["seats": "abc"], ["seats": "0"], ["seats": "-1"], [:]] {
            let answer = try stack.request("POST", "/reservations", bad.merging(["musicalId": "1003"]) { given, _ in given })
            #expect(answer.status == 400, "\(bad): \(answer.text)")
        }
        #expect(try seatsLeft(stack) == 85)

        let statuses = concurrently(100, threads: 20) { (try? stack.request("POST", "/reservations", ["musicalId": "1003", "seats": "1"]))?.status ?? 0 }
        #expect(statuses.filter { $0 == 201 }.count == 85)
        #expect(statuses.filter { $0 == 409 }.count == 15)
        #expect(try seatsLeft(stack) == 0)
        try eventually("every reservation is paid and noticed once", timeout: .seconds(60)) {
            try stack.list("payments", as: Payment.self).count == 87 && stack.list("notices", as: Notice.self).count == 88
        }
        Thread.sleep(forTimeInterval: 1)
        #expect(Set(try stack.list("payments", as: Payment.self).map(\.reservationId)).count == 87)
        #expect(try stack.list("notices", as: Notice.self).count == 88)
    }

    @Test("two replicas of the seat-owning musical service on one PostgreSQL database: 150 concurrent reservations of a seat against 100 take exactly 100, each paid once")
    func oversellAcrossReplicas() throws {
        let stack = try SystemStack(musical, label: "replicas", engine: .postgresql, replicas: ["musical": 2, "reservation": 2])
        defer { stack.stop() }
        try register(stack)
        let statuses = concurrently(150, threads: 20) { (try? stack.request("POST", "/reservations", ["musicalId": "1003", "seats": "1"]))?.status ?? 0 }
        #expect(statuses.filter { $0 == 201 }.count == 100, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
        #expect(statuses.filter { $0 == 409 }.count == 50)
        #expect(try seatsLeft(stack) == 0)
        let served = try ["musical-musical", "musical-musical-2"].map { name in
            try stack.services.first { $0.name == name }!.metric(#"http_requests_total{method="POST",status="201"}"#)
        }
        #expect(served.allSatisfy { $0 > 0 }, "both replicas took seats: \(served)")
        try eventually("every reservation is paid once", timeout: .seconds(60)) {
            try stack.list("payments", as: Payment.self).count == 100
        }
        #expect(Set(try stack.list("payments", as: Payment.self).map(\.reservationId)).count == 100)
    }

    @Test("musical stopped: reservations are refused at once with 503 and Retry-After, no seats taken; they resume by themselves once it is back", arguments: StorageEngine.allCases)
    func musicalDown(engine: StorageEngine) throws {
        let stack = try SystemStack(musical, label: "musical-down", engine: engine, environment: ["reservation": ["STOCK_RELEASE_RETRY_MS": "200"]])
        defer { stack.stop() }
        try register(stack)
        #expect(stack["musical"].stop() == 0)
        for _ in 0..<7 {
            let answer = try stack.request("POST", "/reservations", ["musicalId": "1003", "seats": "3"])
            #expect(answer.status == 503 && answer.headers["Retry-After"] != nil, "\(answer.status) \(answer.text)")
        }
        #expect(try stack["reservation"].metric(#"circuit_breaker_state{name="musical"}"#) == 1)
        #expect(try stack.list("reservations", as: Reservation.self).isEmpty)

        try stack["musical"].start()
        try eventually("reservations are taken again", timeout: .seconds(30)) {
            try stack.request("POST", "/reservations", ["musicalId": "1003", "seats": "4"]).status == 201
        }
        try eventually("the refused attempts hold nothing") {
            try stack["reservation"].metric(#"deferred_calls_pending{call="stock_releases"}"#) == 0 && seatsLeft(stack) == 96
        }
    }

    @Test("payment stopped: reservations are taken, one cancelled before its approval; when payment returns it ends cancelled, seats back, notices sent", arguments: StorageEngine.allCases)
    func paymentOutageAndCancelRace(engine: StorageEngine) throws {
        let stack = try SystemStack(musical, label: "payment-outage", engine: engine)
        defer { stack.stop() }
        try register(stack)
        #expect(stack["payment"].stop() == 0)
        let kept = try reserve(stack, 2), dropped = try reserve(stack, 3)
        #expect(try stack.command("DELETE", "/reservations/\(dropped.id)", [:], as: Reservation.self).status == .cancelled)
        #expect(try seatsLeft(stack) == 98)

        try stack["payment"].start()
        try eventually("payment catches up", timeout: .seconds(60)) {
            // Payment ids follow the order payment read the reservations in, not the reservations'.
            try stack.list("payments", as: Payment.self).map { "\($0.reservationId) \($0.status.rawValue)" }.sorted()
                == ["\(kept.id) PaymentApproved", "\(dropped.id) PaymentCancelled"]
        }
        try eventually("reservations, notices and my pages follow") {
            try stack.list("reservations", as: Reservation.self).map(\.status) == [.paymentApproved, .cancelled]
                && stack.list("notices", as: Notice.self).count == 3
                && stack.list("myPages", as: MyPage.self).map(\.status) == ["PaymentApproved", "PaymentCancelled"]
        }
        #expect(try stack["payment"].metric(#"consumer_events_total{outcome="processed",topic="musical.reservation"}"#) == 3)
        #expect(try seatsLeft(stack) == 98)
    }
}
