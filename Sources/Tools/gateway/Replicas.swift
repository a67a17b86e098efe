import Foundation
import HTTP
import Synchronization

/// Which replicas of each route's service are ready, and in what order a request tries them.
///
/// A thread asks every replica of a route with more than one for `GET /readyz` each `interval`;
/// one that fails (not ready, shutting down, unreachable) gets no new requests until it passes
/// again. A request tries the ready replicas round-robin, and when connecting to one fails (so
/// nothing was sent) the next: a replica that stopped between two checks costs no request. With
/// none ready it tries them all, so a lone service still gets its requests.
final class Replicas: Sendable {
    private let watched: [String]
    private let interval: Duration
    /// Base URL → ready at the last check. Every replica starts ready.
    private let ready: Mutex<[String: Bool]>
    private let turn = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(routes: RouteTable, interval: Duration) {
        watched = Array(Set(routes.routes.filter { $0.baseURLs.count > 1 }.flatMap(\.baseURLs))).sorted()
        self.interval = interval
        ready = Mutex(Dictionary(uniqueKeysWithValues: watched.map { ($0, true) }))
    }

    /// The base URLs to try for one request, best first.
    func order(for route: Route) -> [String] {
        guard route.baseURLs.count > 1 else { return route.baseURLs }
        let start = turn.add(1, ordering: .relaxed).oldValue
        let rotated = route.baseURLs.indices.map { route.baseURLs[(start + $0) % route.baseURLs.count] }
        let states = ready.withLock { $0 }
        let up = rotated.filter { states[$0] ?? true }
        return up.isEmpty ? rotated : up + rotated.filter { !(states[$0] ?? true) }
    }

    func startWatching() {
        guard !watched.isEmpty else { return }
        Thread { [self] in
            let client = HTTPClient()
            while !stopped.load(ordering: .relaxed) {
                // All at once: one slow replica must not delay noticing another that stops.
                DispatchQueue.concurrentPerform(iterations: watched.count) { index in
                    let url = watched[index]
                    let status = try? client.send(method: "GET", url: url + "/readyz", timeout: min(interval, .seconds(1))).status
                    ready.withLock { $0[url] = status == 200 }
                }
                Thread.sleep(forTimeInterval: interval.timeInterval)
            }
        }.start()
    }

    func stopWatching() { stopped.store(true, ordering: .relaxed) }
}
