import Storage
import Synchronization

/// Whether the service's database answers, and since when it has not: readiness fails at the
/// first failed probe (send no requests here), liveness only once it has failed for `limit`
/// (restart me: a fresh process may reconnect where this one cannot).
final class DatabaseHealth: Sendable {
    private let database: Database
    private let limit: Duration
    private let failingSince = Mutex<ContinuousClock.Instant?>(nil)

    init(database: Database, limit: Duration) {
        self.database = database
        self.limit = limit
    }

    /// Probes now: nil when the database answers, else what failed and whether for too long.
    func probe() -> (problem: String, tooLong: Bool)? {
        do {
            _ = try database.read { c in try c.queryOne("SELECT 1 AS one") }
            failingSince.withLock { $0 = nil }
            return nil
        } catch {
            let since = failingSince.withLock { since in
                if since == nil { since = .now }
                return since!
            }
            let failing = ContinuousClock.now - since
            return ("database: \(error)" + (failing > .seconds(1) ? " (failing for \(failing))" : ""), failing > limit)
        }
    }
}
