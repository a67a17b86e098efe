import Foundation
import HTTP
import Synchronization
import Testing
import TestSupport

/// The seeds' zero-downtime redeploy (readiness probe and rolling update, proven under load), on
/// replicas that share their state in PostgreSQL.
@Suite("Rollout under load", .serialized)
struct RolloutTests {
    /// Requests through the gateway from `threads` threads until stopped: bookings of one seat
    /// and reads of the show, every answer's status kept.
    private final class Load: Sendable {
        let statuses = Mutex<[Int]>([])
        let booked = Mutex<[Int]>([])
        private let stop = Atomic<Bool>(false)
        private let running = Atomic<Int>(0)

        init(_ stack: DevstackProcess, threads: Int) {
            for index in 0..<threads {
                running.add(1, ordering: .relaxed)
                Thread { [self] in
                    defer { running.subtract(1, ordering: .relaxed) }
                    // Bounded: 3 minutes at most, whatever happens to the stop flag.
                    let deadline = ContinuousClock.now + .seconds(180)
                    while !stop.load(ordering: .relaxed) && ContinuousClock.now < deadline {
                        let answer = try? index % 2 == 0
                            ? stack.gateway("POST", "/bookings", json: ["showId": 1, "qty": 1, "amount": 100, "showName": "Load"])
                            : stack.gateway("GET", "/shows/1")
                        statuses.withLock { $0.append(answer?.status ?? 0) }
                        if let answer, answer.status == 201, let id = answer.jsonObject["id"] as? Int { booked.withLock { $0.append(id) } }
                        Thread.sleep(forTimeInterval: 0.02)
                    }
                }.start()
            }
        }

        func finish() {
            stop.store(true, ordering: .relaxed)
            while running.load(ordering: .relaxed) > 0 { Thread.sleep(forTimeInterval: 0.05) }
        }
    }

    private func list(_ stack: DevstackProcess, _ collection: String) throws -> [[String: Any]] {
        let response = try stack.gateway("GET", "/\(collection)")
        return (response.jsonObject["_embedded"] as? [String: Any])?[collection] as? [[String: Any]] ?? []
    }

    @Test("ticketing on PostgreSQL, show on 2 replicas: rolling out every service under steady load fails no request, loses no event, applies none twice")
    func rolloutEveryService() throws {
        let stack = try DevstackProcess(system: "ticketing", broker: nil,
                                        options: ["--database", "postgres", "--replicas", "show=2", "--ready-timeout", "120"])
        try stack.waitUntilUp(timeout: .seconds(150))
        let show = try stack.gateway("POST", "/shows", json: ["showName": "Load", "totalCount": 100_000, "remainCount": 100_000])
        #expect(show.status == 201, "\(show.text)")

        let load = Load(stack, threads: 4)
        Thread.sleep(forTimeInterval: 1)
        let rollingOut = ContinuousClock.now
        for context in ["booking", "show", "pay", "issuance", "dashboard"] {
            let rollout = try stack.control(["rollout", context])
            #expect(rollout.status == 0, "\(context): \(rollout)")
        }
        print("rollout under load: five rollouts took \(ContinuousClock.now - rollingOut)")
        Thread.sleep(forTimeInterval: 1)
        load.finish()

        let statuses = load.statuses.withLock { $0 }
        let booked = load.booked.withLock { $0 }
        let failed = statuses.filter { !(200..<300).contains($0) }
        print("rollout under load: \(statuses.count) requests, \(booked.count) bookings, \(failed.count) failed")
        #expect(failed.isEmpty, "\(failed.count) of \(statuses.count) requests failed: \(Set(failed))")
        #expect(booked.count > 20, "the load ran: \(booked.count) bookings")
        #expect(Set(booked).count == booked.count)

        var seen = "nothing read yet"
        let settling = ContinuousClock.now
        try eventually("every booking is paid once and shown issuable; last seen: \(seen)", timeout: .seconds(120), interval: .seconds(1)) {
            let payments = try list(stack, "payments").compactMap { $0["bookId"] as? Int }
            let issuable = try list(stack, "showStatuses").filter { $0["issueStatus"] as? String == "Issuable" }.count
            let unpaid = Set(booked).subtracting(payments).sorted()
            seen = "\(payments.count) payments (\(payments.count - Set(payments).count) twice), "
                + "\(issuable) issuable of \(booked.count) bookings, unpaid: \(unpaid.prefix(10))"
            return payments.sorted() == booked.sorted() && issuable == booked.count
        }
        print("rollout under load: every saga done \(ContinuousClock.now - settling) after the load stopped")
        let seatsLeft = try stack.gateway("GET", "/shows/1").jsonObject["remainCount"] as? Int
        #expect(seatsLeft == 100_000 - booked.count, "every booking took its seat once")

        let status = try stack.status()
        #expect(status.values.filter { $0.name.hasPrefix("ticketing-show") && $0.state == "running" }.count == 2)
        #expect(stack.interrupt(SIGINT).status == 0)
    }
}
