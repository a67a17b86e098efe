import Foundation
import HTTP
import Kafka
import Processes
import Storage
import Synchronization
import Tracing

/// A bounded context running on the chassis: its database, HTTP API, the events it publishes
/// through the outbox and the policies that react to other contexts' events.
///
/// A context's `main.swift` is `Service.main(BookingContext.self)`; its `install(on:)` registers:
///
///     service.route("POST", "/bookings") { request in ... }
///     service.on(SeatsReserved.self, from: "ticketing.show") { event, context, work in ... }
public final class Service: Sendable {
    /// The system this service's context belongs to, and the context's own entry in it.
    public let system: SystemManifest
    public let manifest: ContextManifest
    /// `<system>-<context>`, e.g. "ticketing-booking": the executable and CloudEvents source.
    public let name: String
    /// `<system>.<context>`: the topic this service publishes to and its consumer group.
    public let topic: String
    /// The events its context declares it publishes, in the order declared.
    public let publishes: [any DomainEvent.Type]
    let publisher: Publisher
    public let configuration: ServiceConfiguration
    public let database: Database
    public let log: Logger
    public let metrics = Metrics()
    /// Spans of its requests, policy runs, publishes and calls; exported when
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector.
    public let tracer: Tracer
    let router = Router()
    let command: ServiceCommand
    private let migrations: [Migration]
    private let databaseHealth: DatabaseHealth
    /// Told of every commit, so the relay publishes what it wrote at once.
    private let outboxWake = OutboxWake()

    /// What `main.swift` registered before `run`.
    struct Registrations {
        var policies: [Policy] = []
        var jobs: [BackgroundJob] = []
        var operations: [APIOperation] = []
    }
    let registrations = Mutex(Registrations())
    let shuttingDown = Atomic<Bool>(false)
    /// What `start` made, for readiness and shutdown.
    private let running = Mutex<(server: HTTPServer?, relay: OutboxRelay?, consumer: EventConsumer?)>((nil, nil, nil))

    /// Reads the arguments and the configuration and opens the database (`run` migrates it).
    /// Prints a clear message and exits 2 on invalid arguments or configuration, so call it
    /// first in `main.swift`; `--help` prints the usage and exits 0.
    public init(system: SystemManifest, context: String, migrations: [Migration], publishes: [any DomainEvent.Type],
                arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.system = system
        manifest = system[context]
        name = manifest.executable
        topic = manifest.topic
        self.publishes = publishes
        publisher = Publisher(source: name, topic: topic, eventTypes: Set(publishes.map { $0.eventType }))
        precondition(publisher.eventTypes.count == publishes.count, "\(name) declares an event type twice")
        command = try ServiceCommand(arguments, service: name)
        if command == .help {
            print(ServiceCommand.usage(service: name, defaultPort: manifest.defaultPort))
            exit(0)
        }
        try LibraryVersion.requireSupported()
        configuration = try ServiceConfiguration(service: name, defaultPort: manifest.defaultPort, environment: environment)
        log = Logger(service: name, minimum: configuration.logLevel)
        tracer = Self.tracer(configuration.tracing, system: system.name, log: log, metrics: metrics)
        database = try Self.openDatabase(configuration, for: command)
        self.migrations = migrations
        databaseHealth = DatabaseHealth(database: database, limit: configuration.databaseUnreachableLimit)
        every(.seconds(60), "idempotency-key-expiry") { [database, ttl = configuration.idempotencyKeyTTL] in
            try IdempotentRequests.expire(database, ttl: ttl)
        }
    }

    private static func tracer(_ settings: OTLPExporter.Settings?, system: String, log: Logger, metrics: Metrics) -> Tracer {
        guard var settings else { return Tracer() }
        settings.resource["service.namespace"] = system
        for outcome in OTLPExporter.Outcome.allCases { metrics.declare(.traceSpans, ["outcome": outcome.rawValue]) }
        return Tracer(exporter: OTLPExporter(settings, count: { outcome, spans in
            metrics.increment(.traceSpans, ["outcome": outcome.rawValue], by: Double(spans))
        }, warn: { log.warning($0) }))
    }

    /// The chassis' tables and the context's migrations, before anything reads or writes.
    package func migrate() throws {
        try database.exclusively("chassis_schema") { try ChassisSchema.create(in: database) }
        try database.migrate(migrations)
    }

    // MARK: Registration (before `run`)

    /// A database that cannot serve now (unreachable, restarting, every pooled connection busy,
    /// a conflict that outlived its retries) answers `503` with `Retry-After`, not `500`: the
    /// transaction rolled back, nothing was half-written, and the same request may succeed later.
    /// An earlier transaction of the same handler may have committed, so the answer does not say
    /// nothing changed; a retry with the request's `Idempotency-Key` is never applied twice.
    ///
    /// A route registered here says nothing of its body or answer to the OpenAPI document, whose
    /// generator refuses it under a gateway route: a context's routes use `route(_:_:body:answers:_:)`
    /// or `route(_:_:answers:_:)`.
    public func route(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        register(APIOperation(method: method, path: pattern, body: nil, answer: nil, deprecated: false))
        serve(method, pattern, handler)
    }

    func register(_ operation: APIOperation) {
        registrations.withLock { $0.operations.append(operation) }
    }

    /// Every route registered, in order.
    package var operations: [APIOperation] { registrations.withLock { $0.operations } }

    /// Each request in a server span, continuing the trace its `traceparent` names.
    func serve(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        let name = "\(method) \(pattern)"
        let attributes: [String: Span.Attribute] = ["http.request.method": .string(method), "http.route": .string(pattern)]
        router.add(method, pattern) { [log, database, tracer, weak router] request in
            tracer.trace(name, kind: .server, parent: TraceContext(request.headers), attributes: attributes) { span in
                let response = Router.answer(request) { request in
                    do {
                        return try IdempotentRequests.handle(request, database: database, reading: { router?.handle($0) }, handler)
                    } catch let error as DatabaseError where error.kind == .unavailable || error.kind == .conflict {
                        log.warning("database unavailable for a request", ["path": request.path, "error": "\(error)"])
                        throw Problem(status: 503, detail: "the service's database is unavailable and the transaction that failed was rolled "
                                      + "back; try again, with the same Idempotency-Key if you sent one",
                                      headers: ["Retry-After": "1"])
                    }
                }
                span.attributes["http.response.status_code"] = .int(response.status)
                if response.status >= 500 { span.failure = "answered \(response.status)" }
                return response
            }
        }
    }

    /// Reacts to `E` events on `topic`, in one transaction with the inbox insert.
    public func on<E: DomainEvent>(_ type: E.Type, from topic: String,
                                   _ handler: @escaping @Sendable (E, EventContext, UnitOfWork) throws -> Void) {
        registrations.withLock { registered in
            precondition(!registered.policies.contains { $0.topic == topic && $0.eventType == E.eventType },
                         "\(name) already has a policy for \(E.eventType) from \(topic)")
            registered.policies.append(Policy(type, topic: topic, handler))
        }
    }

    /// Runs `work` every `interval` on its own thread (saga timeouts, deferred retries).
    public func every(_ interval: Duration, _ name: String, _ work: @escaping @Sendable () throws -> Void) {
        registrations.withLock { $0.jobs.append(BackgroundJob(name: name, interval: interval, work: work, log: log)) }
    }

    /// A context this one calls synchronously, as the manifest declares (`calls`): its base URL
    /// comes from `<CONTEXT>_URL`, by default where that context listens by default. Its
    /// breaker state shows in /metrics.
    public func upstream(_ context: String, timeout: Duration = .seconds(2),
                         breaker: CircuitBreakerConfiguration = .init()) throws -> Upstream {
        precondition(manifest.calls.contains(context), "\(name) calls \(context), but its manifest does not say so")
        let url = try configuration.url(ContextManifest.urlVariable(of: context),
                                        default: "http://127.0.0.1:\(system[context].defaultPort)")
        return Upstream(name: context, baseURL: url, timeout: timeout, breaker: breaker, metrics: metrics, tracer: tracer)
    }

    /// Each event its policies read: the topic, and the type the policy decodes.
    package var consumes: [(topic: String, type: any DomainEvent.Type)] {
        registrations.withLock { $0.policies }.map { ($0.topic, $0.decodes) }
    }

    /// The topics its policies read, each once, sorted.
    package var readTopics: [String] {
        Set(registrations.withLock { $0.policies }.map(\.topic)).sorted()
    }

    /// Where its consumer puts what it cannot process: one topic per topic it reads.
    package var deadLetterTopics: [String] {
        readTopics.map { EventConsumer.deadLetterTopic(for: $0, group: topic) }
    }

    /// When this service's consumer last got its partitions; nil before that, or with no consumer.
    /// A saga deadline counts from here too: events that arrived while the service was down (or
    /// the broker was) are still being read for a while after it.
    public var consumerAssignedAt: Date? {
        running.withLock { $0.consumer }?.assignedAt.withLock { $0 }
    }

    // MARK: Commands

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; events it publishes commit with it.
    /// `saga` is the correlation id they continue (a job settling a saga's pending call); by
    /// default each starts its own, on its aggregate id.
    ///
    /// Work of no request or policy run (a job's: a saga deadline, a deferred call settled) is
    /// traced when it publishes, in a span of its own that its events' consumers continue.
    public func transaction<T>(saga: String? = nil, _ body: (UnitOfWork) throws -> T) throws -> T {
        guard TraceContext.current == nil else { return try commit(saga: saga, body).result }
        let span = tracer.start(BackgroundJob.running.map { "job \($0)" } ?? "transaction", kind: .internal, parent: nil)
        let (result, published) = try TraceContext.$current.withValue(span.context) { try commit(saga: saga, body) }
        if published { tracer.end(span) }
        return result
    }

    private func commit<T>(saga: String?, _ body: (UnitOfWork) throws -> T) throws -> (result: T, published: Bool) {
        let result = try database.write { c in
            try IdempotentRequests.record(on: c)
            let work = UnitOfWork(db: c, publisher: publisher, saga: saga)
            return (try body(work), work.published.value)
        }
        IdempotentRequests.committed()
        outboxWake.committed()
        return result
    }

    /// A transaction whose result is the request's whole answer. With an `Idempotency-Key`, the
    /// answer commits with the effects: a retry gets it even when this process died right after
    /// the commit (after `transaction` it would get a 409 for a minute, then what the request
    /// created, read as it is then; or, when it only changed rows, a 409 for good). It must be
    /// the handler's last word (`return try service.answer { … }`): what the handler answered
    /// after it would not be what retries get. A refusal is thrown inside, which rolls back; a
    /// 5xx returned here is not stored, but its effects commit.
    public func answer(saga: String? = nil, _ body: (UnitOfWork) throws -> HTTPResponse) throws -> HTTPResponse {
        let (response, stored) = try transaction(saga: saga) { work in
            let response = try body(work)
            return (response, try IdempotentRequests.answered(response, on: work.db))
        }
        if stored { IdempotentRequests.answerCommitted() }
        return response
    }

    // MARK: Running

    /// With no arguments: starts everything, serves until SIGTERM/SIGINT, then shuts down
    /// gracefully and exits 0; a second signal during shutdown exits at once with status 1.
    /// `reset-view` empties the declared view tables and the inbox instead, and exits.
    public func run() -> Never {
        // Before any thread starts (they all start here), so that every thread inherits the mask
        // and the signals are taken by the one that waits for them.
        TerminationSignals.block()
        switch command {
        case .serve: serve()
        case .resetView: resetView()
        case .help: exit(0)   // answered in init
        }
    }

    /// Serving creates the file; `reset-view` needs an existing one that nothing serves from,
    /// and checks both before it touches (or migrates) anything.
    private static func openDatabase(_ configuration: ServiceConfiguration, for command: ServiceCommand) throws -> Database {
        if let url = configuration.databaseURL {
            let database = try Database(url: url, poolSize: configuration.databasePoolSize,
                                        statementTimeout: configuration.databaseStatementTimeout)
            // As the flock on an SQLite file: every serving replica holds the lock shared,
            // reset-view needs it alone.
            guard try database.holdLock(DatabaseUseLock.name, exclusive: command == .resetView) else {
                database.close()
                throw ConfigurationError(description: """
                    a service is running against \(Database.redacting(url)): stop it (every replica) before reset-view; nothing changed
                    """)
            }
            return database
        }
        let path = configuration.databasePath
        guard path != ":memory:" else { return try Database(path: path) }
        if command == .resetView {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigurationError(description: """
                    no database at \(path): set DATABASE_PATH to the file the service uses (devstack: \
                    .devstack/<system>/<service>.sqlite); nothing created
                    """)
            }
            try DatabaseUseLock.takeExclusively(path, for: "reset-view")
            return try Database(path: path, create: false)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try DatabaseUseLock.shareForServing(path)
        return try Database(path: path)
    }

    private func serve() -> Never {
        do {
            try migrate()
        } catch {
            fatalStartupError(error)
        }
        do {
            let port = try start()
            log.info("service started", ["port": "\(port)", "topic": topic, "database": configuration.databaseDescription])
        } catch {
            log.error("service failed to start", ["error": "\(error)"])
            exit(1)
        }
        let signal = TerminationSignals.wait()
        log.info("shutting down", ["signal": "\(signal)"])
        let forceExit = Thread {
            _ = TerminationSignals.wait()
            exit(1)
        }
        forceExit.start()
        shutdown()
        exit(0)
    }

    /// Starts the HTTP server, outbox relay, consumer and jobs; returns the bound port.
    func start() throws -> Int {
        let (policies, jobs) = registrations.withLock { ($0.policies, $0.jobs) }
        let kafka = kafkaProperties
        let group = topic
        let names = Set([topic] + readTopics).sorted() + deadLetterTopics
        let settings = configuration.topics
        // Once per burst of unknown-topic failures (a broker that lost its topics fails every
        // in-flight report), not once per report.
        let lastTopicCheck = Mutex<ContinuousClock.Instant?>(nil)
        let ensureTopics: @Sendable () throws -> Void = { [log] in
            let due = lastTopicCheck.withLock { last -> Bool in
                if let last, .now - last < .seconds(5) { return false }
                last = .now
                return true
            }
            guard due else { return }
            try Admin(properties: kafka).createTopics(names, settings: settings, timeout: .seconds(5))
            log.info("topics ready", ["topics": names.joined(separator: ",")])
        }
        // A broker that is down must not stop the service: the outbox keeps events until it is back.
        do { try ensureTopics() } catch { log.warning("cannot create topics yet", ["error": "\(error)"]) }

        let relay = OutboxRelay(database: database, kafka: kafka, wake: outboxWake, ensureTopics: ensureTopics, log: log,
                                metrics: metrics, tracer: tracer)
        relay.start()
        var consumer: EventConsumer?
        if !policies.isEmpty {
            consumer = EventConsumer(group: group, policies: policies, database: database, kafka: kafka,
                                     consumerProperties: configuration.kafkaConsumerProperties,
                                     publisher: publisher, stallLimit: configuration.consumerStallLimit, ensureTopics: ensureTopics,
                                     onBrokerStateLost: { relay.replaceProducer() }, onCommit: { [outboxWake] in outboxWake.committed() },
                                     log: log, metrics: metrics, tracer: tracer)
            try consumer!.start()
        }
        jobs.forEach { $0.start() }
        databaseHealth.start()

        installOperationalRoutes()
        var http = HTTPServerConfiguration()
        http.host = configuration.host
        http.port = configuration.port
        let httpServer = HTTPServer(configuration: http, observer: { [metrics] exchange in
            // Probes and scrapes are no one's request: counted, they would hide a failing service's errors.
            guard !Self.isOperational(exchange.path) else { return }
            metrics.increment(.httpRequests, ["method": exchange.methodLabel, "status": "\(exchange.status)"])
            metrics.observe(.httpRequestDuration, ["method": exchange.methodLabel], seconds: exchange.duration.timeInterval)
        }, handler: { [router] request in router.handle(request) })
        let port = try httpServer.start()
        running.withLock { $0 = (httpServer, relay, consumer) }
        return port
    }

    /// SIGTERM: fail /readyz and keep serving for `SHUTDOWN_DELAY_MS`, so load balancers stop
    /// sending; stop accepting, finish in-flight requests, commit offsets and leave the group,
    /// stop jobs, then publish what is left in the outbox, all within one budget
    /// (`SHUTDOWN_GRACE_SECONDS`, under Kubernetes' default 30 s). Past it the process exits
    /// anyway: nothing is lost (unsent outbox rows go at the next start, uncommitted offsets are
    /// read again and skipped by the inbox), but a pod killed mid-write would be worse.
    func shutdown() {
        shuttingDown.store(true, ordering: .releasing)
        let budget = configuration.shutdownGracePeriod
        let deadline = ContinuousClock.now + budget
        let watchdog = Thread { [log] in
            Thread.sleep(forTimeInterval: budget.timeInterval)
            log.warning("shutdown budget spent: exiting now", ["budget": "\(budget)"])
            // _exit: no atexit handlers racing the threads still running (or main's own exit).
            fflush(nil)
            _exit(0)
        }
        watchdog.start()
        let (server, relay, consumer) = running.withLock { $0 }
        if configuration.shutdownDelay > .zero {
            log.info("not ready any more; serving on while load balancers notice", ["delay": "\(configuration.shutdownDelay)"])
            Thread.sleep(forTimeInterval: configuration.shutdownDelay.timeInterval)
        }
        // Requests are short: half the budget at most, the rest is for Kafka.
        let drained = server?.shutdown(gracePeriod: budget / 2) ?? true
        consumer?.stop()
        registrations.withLock { $0.jobs }.forEach { $0.stop() }
        databaseHealth.stop()
        let left = relay?.drain(within: max(.zero, deadline - .now - .milliseconds(500))) ?? 0
        tracer.flush(timeout: min(.seconds(1), max(.zero, deadline - .now - .milliseconds(200))))
        log.info("stopped", ["http_drained": "\(drained)", "outbox_left": "\(left)"])
        database.close()
    }

    /// The librdkafka properties every client of this service uses.
    var kafkaProperties: KafkaProperties {
        var props: KafkaProperties = ["bootstrap.servers": configuration.kafkaBootstrapServers, "client.id": name]
        props.merge(configuration.kafkaProperties) { _, new in new }
        return props
    }

    /// What the platform and its tools ask of every service, not its clients: not in the request metrics.
    private static func isOperational(_ path: String) -> Bool {
        ["/healthz", "/readyz", "/metrics"].contains(path) || path.hasPrefix(inboxPath + "/")
    }

    /// `GET /inbox/{eventId}`: when this service's group processed the event (devstack's console).
    static let inboxPath = "/inbox"

    private func installOperationalRoutes() {
        router.add("GET", "/healthz") { [self] _ in
            let problems = livenessProblems()
            return problems.isEmpty ? .json(["status": "UP"]) : .json(["status": "DOWN", "problems": problems.joined(separator: "; ")], status: 503)
        }
        router.add("GET", "/readyz") { [self] _ in
            let problems = readinessProblems()
            return problems.isEmpty ? .json(["status": "UP"]) : .json(["status": "DOWN", "problems": problems.joined(separator: "; ")], status: 503)
        }
        router.add("GET", "/metrics") { [metrics] _ in
            .text(metrics.prometheusText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.add("GET", Self.inboxPath + "/{eventId}") { [database, topic] request in
            let id = request.pathParameters["eventId"] ?? ""
            let row = try database.read { c in
                try c.queryOne("SELECT processed_at FROM inbox WHERE consumer_group = ? AND event_id = ?", .text(topic), .text(id))
            }
            guard let row else { throw Problem.notFound("\(topic) has not processed event \(id)") }
            return .json(["eventId": id, "processedAt": try row.string("processed_at")])
        }
    }

    /// What makes the service unable to do its job, so that a liveness probe restarts it: a
    /// thread that died or is wedged, a database unreachable for `DATABASE_UNREACHABLE_SECONDS`.
    /// Nothing while shutting down: the threads stop on purpose then.
    private func livenessProblems() -> [String] {
        guard !shuttingDown.load(ordering: .acquiring) else { return [] }
        var problems = threadProblems()
        if let database = databaseHealth.failedTooLong { problems.append(database) }
        return problems
    }

    /// Every liveness problem, and sooner: the first failed database probe, shutting down.
    private func readinessProblems() -> [String] {
        var problems: [String] = []
        if shuttingDown.load(ordering: .acquiring) { problems.append("shutting down") }
        if let database = databaseHealth.probe() { problems.append(database) }
        return problems + threadProblems()
    }

    private func threadProblems() -> [String] {
        var problems: [String] = []
        let (_, relay, consumer) = running.withLock { $0 }
        if relay?.isRunning != true { problems.append("outbox relay not running") }
        if let stall = relay?.stallProblem { problems.append(stall) }
        if let consumer, !consumer.isRunning { problems.append("consumer not running") }
        if let stall = consumer?.stallProblem { problems.append(stall) }
        return problems
    }
}
