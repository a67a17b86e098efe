import Foundation
import HTTP
import Synchronization

/// Ticketing's saga through the gateway: `POST /bookings` at a steady rate, each booking of one
/// seat of a show with room for all; for one booking in `sample`, `GET /showStatuses/{id}` until
/// the dashboard says `Issuable`. A saga's latency runs from the booking's scheduled
/// start to then: booking → show → booking → pay → issuance → dashboard, five events. Polls
/// back off as a saga grows old (see `saga`), so watching does not load the system much.
struct SagaBench {
    let gateway: String
    let rate: Double
    let duration: Duration
    let sample: Int
    /// A saga not `Issuable` by then counts as failed.
    let deadline: Duration = .seconds(10)

    struct Result {
        var latencies = Latencies()
        var failures: [String: Int] = [:]
        var bookings = 0
    }

    func run() throws -> Result {
        let client = HTTPClient()
        let seats = Int(rate * duration.timeInterval) + 1000
        let show = try post(client, "/shows", ["showName": "bench", "totalCount": seats, "remainCount": seats])
        guard let showID = show["id"] as? Int else { throw BenchError("POST /shows answered \(show)") }
        // One saga first, unmeasured: every consumer has joined and every connection is warm.
        _ = try saga(client, showID: showID, from: .now)

        let result = Mutex(Result())
        SteadyRate.run(rate: rate, duration: duration, threads: 32) { index, scheduled in
            var outcome = Result.Outcome.booked
            do {
                if index % sample == 0 {
                    outcome = try saga(client, showID: showID, from: scheduled)
                } else {
                    try book(client, showID: showID)
                }
            } catch {
                outcome = .failed("\(error)")
            }
            result.withLock { r in
                r.bookings += 1
                switch outcome {
                case .booked: break
                case .completed(let ms): r.latencies.add(ms)
                case .failed(let why): r.failures[why, default: 0] += 1
                }
            }
        }
        return result.withLock { $0 }
    }

    /// Books, then waits for the dashboard to say `Issuable`.
    private func saga(_ client: HTTPClient, showID: Int, from start: ContinuousClock.Instant) throws -> Result.Outcome {
        let id = try book(client, showID: showID)
        while ContinuousClock.now - start < deadline {
            let answer = try client.send(method: "GET", url: "\(gateway)/showStatuses/\(id)", timeout: .seconds(5))
            if answer.status == 200, (try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?["issueStatus"] as? String == "Issuable" {
                return .completed((ContinuousClock.now - start).milliseconds)
            }
            // Every 2 ms, or a twentieth of the time so far once that is longer: a slow saga is
            // timed to within 5 % without the polls themselves loading the system more and more.
            Thread.sleep(forTimeInterval: max(0.002, (ContinuousClock.now - start).timeInterval / 20))
        }
        return .failed("not Issuable within \(deadline)")
    }

    /// The new booking's id.
    @discardableResult
    private func book(_ client: HTTPClient, showID: Int) throws -> Int {
        let booking = try post(client, "/bookings", ["showId": showID, "qty": 1, "amount": 1000])
        guard let id = booking["id"] as? Int else { throw BenchError("POST /bookings answered \(booking)") }
        return id
    }

    private func post(_ client: HTTPClient, _ path: String, _ json: [String: Any]) throws -> [String: Any] {
        let answer = try client.send(method: "POST", url: gateway + path, headers: ["Content-Type": "application/json"],
                                     body: Array(try JSONSerialization.data(withJSONObject: json)), timeout: .seconds(5))
        guard answer.status == 201 else { throw BenchError("POST \(path) answered \(answer.status)") }
        return try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] ?? [:]
    }
}

extension SagaBench.Result {
    enum Outcome { case booked, completed(Double), failed(String) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
