/// Work a service repeats on its own thread: saga timeouts, deferred retries.
final class BackgroundJob: Sendable {
    let name: String
    private let interval: Duration
    private let work: @Sendable () throws -> Void
    private let log: Logger
    private let worker = Worker()
    /// The job whose work runs on this thread now, for the span of what it publishes.
    @TaskLocal static var running: String?

    init(name: String, interval: Duration, work: @escaping @Sendable () throws -> Void, log: Logger) {
        self.name = name; self.interval = interval; self.work = work; self.log = log
    }

    func start() {
        worker.start(name: name) { [self] in
            while !worker.isStopping {
                do { try runOnce() } catch { log.warning("job failed", ["job": name, "error": "\(error)"]) }
                _ = worker.sleep(interval)
            }
        }
    }

    func stop() { worker.stop() }

    /// One pass, on the caller's thread (in-process tests).
    func runOnce() throws { try Self.$running.withValue(name) { try work() } }
}
