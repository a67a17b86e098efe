import Storage
import Synchronization

/// Whether the service's database answers, and since when it has not: readiness fails at the
/// first failed probe (send no requests here), liveness only once it has failed for `limit`
/// (restart me: a fresh process may reconnect where this one cannot).
///
/// Readiness probes when asked. Liveness never waits for the database (a probe waits for a free
/// pooled connection, and a busy service must not look dead): it reads what the last probe found,
/// and a thread probes every second so that there always is one. Every connection busy is not a
/// failure: the database answers, just not to a probe.
final class DatabaseHealth: Sendable {
    private let database: Database
    private let limit: Duration
    private let failure = Mutex<(since: ContinuousClock.Instant, problem: String)?>(nil)
    private let worker = Worker()

    init(database: Database, limit: Duration) {
        self.database = database
        self.limit = limit
    }

    func start() {
        worker.start(name: "database-health") { [self] in
            repeat { _ = probe() } while worker.sleep(.seconds(1))
        }
    }

    func stop() { worker.stop() }

    /// Probes now: nil when the database answers (or is only busy), else what failed.
    func probe() -> String? {
        do {
            _ = try database.read { c in try c.queryOne("SELECT 1 AS one") }
            failure.withLock { $0 = nil }
            return nil
        } catch let error as DatabaseError where error.isPoolExhausted {
            return nil
        } catch {
            return failure.withLock { failure in
                if failure == nil { failure = (.now, "") }
                let failing = ContinuousClock.now - failure!.since
                failure!.problem = "database: \(error)" + (failing > .seconds(1) ? " (failing for \(failing))" : "")
                return failure!.problem
            }
        }
    }

    /// For liveness, without waiting: the problem once the database has failed for `limit`.
    var failedTooLong: String? {
        failure.withLock { failure in
            guard let failure, ContinuousClock.now - failure.since > limit else { return nil }
            return failure.problem
        }
    }
}
