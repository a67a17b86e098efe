import Chassis
import Foundation
import HTTP
import Synchronization

/// Each service of the system as the console shows it: ready or not, and the numbers of its
/// /metrics that tell how its part of the sagas goes. Asked every second, each question bounded
/// by a deadline, from a thread of its own: a hung service slows no page.
final class ServiceWatch: Sendable {
    struct State: Encodable, Sendable {
        let context: String
        let service: String
        /// Its replicas' base URLs; the first that answers is the one shown.
        let urls: [String]
        var url: String
        let topic: String
        let routes: [String]
        /// Each context it calls, and the breaker in front of it: closed, open, half-open, or unknown.
        var calls: [String: String]
        var ready = false
        var problem: String?
        var outboxBacklog: Double?
        var consumerLag: Double?
        var eventsPerSecond: Double?
    }

    private let states: Mutex<[State]>
    /// One kept connection per service: behind a Kubernetes Service, the readings (and so the
    /// rate between two of them) are one replica's until that connection drops.
    private let client = HTTPClient(keepAlive: 1)
    static let interval: Duration = .seconds(1)
    static let deadline: Duration = .milliseconds(500)

    /// `urls`: each context's base URL, or its replicas' joined by `|`: a context is shown by
    /// the first replica that answers (a stopped one, a spare slot, is passed over).
    init(system: SystemManifest, urls: [String: String]) {
        states = Mutex(system.contexts.map { context in
            let replicas = (urls[context.name] ?? "").split(separator: "|").map(String.init)
            return State(context: context.name, service: context.executable, urls: replicas, url: replicas.first ?? "", topic: context.topic,
                  routes: context.routes, calls: Dictionary(uniqueKeysWithValues: context.calls.map { ($0, "unknown") }))
        })
    }

    var snapshot: [State] { states.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in
            var processed: [String: (count: Double, at: ContinuousClock.Instant)] = [:]
            while true {
                for var state in snapshot {
                    let previous = processed[state.context]
                    let now = ContinuousClock.now
                    let count = refresh(&state)
                    state.eventsPerSecond = nil
                    if let count, let previous, now > previous.at {
                        state.eventsPerSecond = max(0, count - previous.count) / (now - previous.at).timeInterval
                    }
                    processed[state.context] = count.map { ($0, now) }
                    states.withLock { all in
                        if let index = all.firstIndex(where: { $0.context == state.context }) { all[index] = state }
                    }
                }
                Thread.sleep(forTimeInterval: Self.interval.timeInterval)
            }
        }
        thread.name = "console-services"
        thread.start()
    }

    /// Asks the first replica that answers; returns its count of events processed, for the rate.
    private func refresh(_ state: inout State) -> Double? {
        var unanswered: [String] = []
        for url in state.urls {
            let readiness: HTTPClientResponse
            do {
                readiness = try client.send(method: "GET", url: url + "/readyz", timeout: Self.deadline)
            } catch {
                unanswered.append("\(url) does not answer (\(error))")
                continue
            }
            state.url = url
            state.ready = readiness.status == 200
            state.problem = state.ready ? nil : (try? JSONObject(body: readiness.body).string("problems")) ?? "not ready (\(readiness.status))"
            guard let metrics = try? client.send(method: "GET", url: url + "/metrics", timeout: Self.deadline) else {
                state.problem = (state.problem.map { $0 + "; " } ?? "") + "its /metrics does not answer"
                forget(&state)
                return nil
            }
            let samples = PrometheusSample.parse(String(decoding: metrics.body, as: UTF8.self))
            state.outboxBacklog = samples.sum("outbox_backlog")
            state.consumerLag = samples.sum("consumer_lag")
            for called in state.calls.keys {
                state.calls[called] = switch samples.sum("circuit_breaker_state", ["name": called]) {
                case 0: "closed"
                case 1: "open"
                case 2: "half-open"
                default: "unknown"
                }
            }
            return samples.sum("consumer_events_total", ["outcome": "processed"])
        }
        state.ready = false
        state.problem = unanswered.joined(separator: "; ")
        forget(&state)
        for called in state.calls.keys { state.calls[called] = "unknown" }
        return nil
    }

    /// Numbers it cannot read now are not shown as if they were.
    private func forget(_ state: inout State) {
        state.outboxBacklog = nil
        state.consumerLag = nil
        state.eventsPerSecond = nil
    }
}
