import Foundation
import HTTP
import Kafka
import Storage
import Synchronization
import Tracing

/// Publishes outbox rows in order with the idempotent producer and deletes each row once its
/// delivery report says the broker has it. Kafka being down only makes rows wait.
///
/// Only the holder of the lease in `outbox_lease` publishes, so replicas sharing one database
/// never race; a holder that dies loses the lease after `leaseDuration`. A row can still be
/// published twice (a crash between delivery and delete): consumers deduplicate by event id.
final class OutboxRelay: Sendable {
    private let database: Database
    private let kafka: KafkaProperties
    private let wake: OutboxWake
    private let ensureTopics: @Sendable () throws -> Void
    private let log: Logger
    private let metrics: Metrics
    private let tracer: Tracer
    private let owner = UUID().uuidString
    private let window = 1000
    private let leaseDuration: Double = 5

    private let drainDeadline = Mutex<ContinuousClock.Instant?>(nil)
    /// When the loop last came round; every turn is bounded (a poll, a backoff of at most 5 s,
    /// statements with their timeouts), so a long silence means it is wedged.
    private let heartbeat = Mutex(ContinuousClock.now)
    private let stallLimit: Duration = .seconds(60)
    private let producerOutdated = Atomic<Bool>(false)
    private let worker = Worker()
    private let acks = Mutex<(delivered: [Int], failed: [(Int, KafkaError)])>(([], []))

    /// No delivery is left to time out: librdkafka may still write the messages behind a timed-out
    /// one, and resending it after them would break the key's order. A session the broker forgot
    /// would then retry forever, so the relay replaces a producer that made no progress for
    /// `stallTimeout` instead. A gap any other error could leave is made fatal (and so resent in
    /// order by a new producer), which needs the idempotent producer. These override
    /// `KAFKA_PROPERTIES`: the order depends on them.
    ///
    /// `linger.ms` is 0 unless `KAFKA_PROPERTIES` says otherwise: the relay hands librdkafka every
    /// row it read at once, so they batch without waiting, and under load the requests in flight
    /// (five per partition) hold the next batch back while it fills. A lone event (one saga step)
    /// waits for nothing: 1 ms cost a saga of five hops 6 ms at 20 bookings/s (p50 38-42 → 31-34
    /// ms) and gained nothing measurable at 200/s.
    private var producerProperties: KafkaProperties {
        ["linger.ms": "0"].merging(kafka) { _, given in given }
            .merging(["enable.idempotence": "true", "message.timeout.ms": "0", "enable.gapless.guarantee": "true"]) { _, relay in relay }
    }
    private let stallTimeout: Duration = .seconds(5)

    init(database: Database, kafka: KafkaProperties, wake: OutboxWake, ensureTopics: @escaping @Sendable () throws -> Void,
         log: Logger, metrics: Metrics, tracer: Tracer) {
        self.database = database; self.kafka = kafka; self.wake = wake; self.ensureTopics = ensureTopics
        self.log = log; self.metrics = metrics; self.tracer = tracer
    }

    var isRunning: Bool { worker.isRunning }

    /// For liveness: nil while the loop comes round.
    var stallProblem: String? {
        let stalled = ContinuousClock.now - heartbeat.withLock { $0 }
        return stalled > stallLimit ? "outbox relay stalled for \(stalled)" : nil
    }

    /// Asks for a new producer (the broker lost its state: see `EventConsumer.watchTopics`). What is
    /// in flight is purged and resent by the new one, in order.
    func replaceProducer() { producerOutdated.store(true, ordering: .releasing) }

    func start() {
        for metric in [Metric.outboxBacklog, .outboxPublished, .outboxPublishFailures] { metrics.declare(metric) }
        worker.start(name: "outbox-relay") { [self] in run() }
    }

    /// Keeps publishing until the outbox is empty or `deadline` passes, then stops. Returns the
    /// number of rows still waiting (published at the next start).
    func drain(within gracePeriod: Duration) -> Int {
        drainDeadline.withLock { $0 = .now + gracePeriod }
        worker.stop()
        return (try? backlog()) ?? -1
    }

    private func run() {
        var producer: Producer?
        var inFlight = Set<Int>()
        /// The producer span of each row in flight that carries a trace, ended by its report.
        var publishing: [Int: Span] = [:]
        var cursor = 0
        var retryFrom: Int?
        var backoff = Backoff()
        var lastLeaseCheck = ContinuousClock.now - .seconds(10)
        var holdsLease = false
        var lastProgress = ContinuousClock.now

        while true {
            heartbeat.withLock { $0 = .now }
            let draining = worker.isStopping
            if draining, let deadline = drainDeadline.withLock({ $0 }), ContinuousClock.now >= deadline { break }
            if .now - lastLeaseCheck > .seconds(1) {
                holdsLease = (try? renewLease()) ?? false
                lastLeaseCheck = .now
                // Uncounted (the database failing) keeps the last count: a 0 would quiet the outbox alerts.
                if let count = try? backlog() { metrics.set(.outboxBacklog, to: Double(count)) }
            }
            guard holdsLease else {
                if draining { break }
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            do {
                if producer == nil || producer?.fatalError != nil {
                    if let fatal = producer?.fatalError { log.warning("recreating producer after fatal error", ["error": fatal.message]) }
                    producer = try Producer(properties: producerProperties, onDelivery: { [self] report in
                        self.acks.withLock { a in
                            if let error = report.error { a.failed.append((report.id, error)) } else { a.delivered.append(report.id) }
                        }
                    })
                    inFlight.removeAll()
                    endAll(&publishing, failure: "no delivery report: the producer was replaced, and the event is sent again")
                    cursor = 0
                }
                let p = producer!
                p.poll(timeout: .zero)
                if try settleAcks(&inFlight, &retryFrom, &publishing) || inFlight.isEmpty { lastProgress = .now }
                if producerOutdated.exchange(false, ordering: .acquiringAndReleasing) {
                    log.warning("replacing the producer: the broker lost its state", ["in_flight": "\(inFlight.count)"])
                    if let oldest = inFlight.min() {
                        // Replaced once what is in flight has settled, even if it all succeeds.
                        retryFrom = min(retryFrom ?? oldest, oldest)
                        p.purge()
                    } else {
                        producer = nil
                    }
                    continue
                }
                // Also while waiting to resend after a failure: rows still in flight would otherwise
                // hold that wait forever, as no delivery times out.
                if !inFlight.isEmpty, ContinuousClock.now - lastProgress > stallTimeout {
                    // Broker down, or up but deaf to this producer's session: either way a new
                    // producer resending from the oldest undelivered row keeps the order.
                    log.warning("no delivery report for \(stallTimeout): replacing the producer", ["in_flight": "\(inFlight.count)"])
                    p.purge()
                    lastProgress = .now
                    continue
                }

                // After a failure, wait for what is in flight, then resend from the failed row with a
                // new producer: a broker that lost its state (Tansu keeps it in memory) no longer
                // knows the old idempotent session, whose sequence numbers would never line up.
                if let from = retryFrom {
                    guard inFlight.isEmpty else { p.poll(timeout: .milliseconds(50)); continue }
                    Thread.sleep(forTimeInterval: backoff.next().timeInterval)
                    producer = nil
                    cursor = from - 1
                    retryFrom = nil
                    continue
                }

                let rows = try database.read { c in
                    try c.query("SELECT seq, topic, message_key, headers, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                                .integer(Int64(cursor)), .integer(Int64(window - inFlight.count)))
                }
                for row in rows {
                    let seq = try row.int("seq")
                    var message = try OutgoingMessage(outboxRow: row)
                    let span = publishSpan(&message)
                    try p.send(message, id: seq)
                    inFlight.insert(seq)
                    publishing[seq] = span
                    cursor = seq
                }
                if rows.isEmpty {
                    if draining, inFlight.isEmpty, try backlog() == 0 { break }
                    // Delivery reports come through poll, commits through the wake: the outbox is
                    // read again at once after a commit of this process, and every 50 ms in any
                    // case (another replica's commits do not wake this one).
                    if inFlight.isEmpty {
                        _ = wake.wait(upTo: .milliseconds(50))
                    } else {
                        // Reports every 2 ms; the outbox again after a commit, or in 20 ms.
                        let until = ContinuousClock.now + .milliseconds(20)
                        while ContinuousClock.now < until, !wake.wait(upTo: .zero) { p.poll(timeout: .milliseconds(2)) }
                    }
                } else {
                    backoff.reset()
                }
            } catch let error as KafkaError where error.isQueueFull {
                producer?.poll(timeout: .milliseconds(100))
            } catch {
                log.error("outbox relay error", ["error": "\(error)"])
                metrics.increment(.outboxPublishFailures)
                // `cursor` moves only after a successful send, so it still names the last row
                // librdkafka holds: resending from lower would publish in-flight rows twice.
                Thread.sleep(forTimeInterval: backoff.next().timeInterval)
            }
        }
        if let producer {
            // Within what is left of the shutdown budget: rows not delivered go at the next start.
            let left = drainDeadline.withLock { $0 }.map { $0 - .now } ?? .seconds(2)
            producer.flush(timeout: min(.seconds(2), max(.zero, left)))
            _ = try? settleAcks(&inFlight, &retryFrom, &publishing)
        }
        endAll(&publishing, failure: "not delivered before shutdown: the event is sent at the next start")
        try? releaseLease()
    }

    private func endAll(_ publishing: inout [Int: Span], failure: String) {
        for span in publishing.values { tracer.end(span, failure: failure) }
        publishing.removeAll()
    }

    /// When spans are exported, a message that carries a trace is published in a producer span
    /// of it, and carries that span's context instead: its consumers' spans are the publish's
    /// children. nil for a message without a trace, or when nothing is exported.
    private func publishSpan(_ message: inout OutgoingMessage) -> Span? {
        guard tracer.exporter != nil, let parent = TraceContext(message.headers) else { return nil }
        let span = tracer.start("publish \(message.topic)", kind: .producer, parent: parent, attributes: [
            "messaging.system": .string("kafka"), "messaging.operation.type": .string("publish"),
            "messaging.destination.name": .string(message.topic), "messaging.message.id": .string(message.headers.text("ce_id") ?? ""),
        ])
        message.headers = span.context.replacing(in: message.headers)
        return span
    }

    /// Deletes delivered rows; remembers the earliest failed one to resend it. A delete that fails
    /// puts its reports back, so they are settled on the next turn rather than forgotten.
    /// True when any report was settled.
    @discardableResult
    private func settleAcks(_ inFlight: inout Set<Int>, _ retryFrom: inout Int?, _ publishing: inout [Int: Span]) throws -> Bool {
        let (delivered, failed) = acks.withLock { a in
            defer { a = ([], []) }
            return a
        }
        for (seq, error) in failed {
            if let span = publishing.removeValue(forKey: seq) { tracer.end(span, failure: error.message) }
        }
        if let (first, error) = failed.min(by: { $0.0 < $1.0 }) {
            failed.forEach { inFlight.remove($0.0) }
            retryFrom = min(retryFrom ?? first, first)
            metrics.increment(.outboxPublishFailures, by: Double(failed.count))
            log.warning("outbox delivery failed, will resend", ["from_seq": "\(first)", "failed": "\(failed.count)", "error": error.message])
            if failed.contains(where: { $0.1.isUnknownTopic }) { try? ensureTopics() }
        }
        guard !delivered.isEmpty else { return !failed.isEmpty }
        do {
            // Not durable: a delete lost in a crash of the machine publishes its row again, which
            // consumers skip, and a sync per settle would slow the policies sharing the database.
            try database.write(durable: false) { c in
                for start in stride(from: 0, to: delivered.count, by: Self.deleteChunk) {
                    let chunk = delivered[start..<min(start + Self.deleteChunk, delivered.count)]
                    try c.execute(Self.deleteSQL, (0..<Self.deleteChunk).map { .integer(Int64(chunk[min(start + $0, chunk.endIndex - 1)])) })
                }
            }
        } catch {
            acks.withLock { $0.delivered.append(contentsOf: delivered) }
            throw error
        }
        for seq in delivered {
            inFlight.remove(seq)
            if let span = publishing.removeValue(forKey: seq) { tracer.end(span) }
        }
        metrics.increment(.outboxPublished, by: Double(delivered.count))
        return true
    }

    /// Delivered rows go `deleteChunk` to a statement, a round trip each on PostgreSQL; a shorter
    /// chunk repeats its last `seq`, so that there is one statement text (one entry in each
    /// engine's statement cache), not one per size.
    private static let deleteChunk = 64
    private static let deleteSQL = "DELETE FROM outbox WHERE seq IN (\(Array(repeating: "?", count: deleteChunk).joined(separator: ", ")))"

    private func backlog() throws -> Int {
        try database.read { c in try c.queryOne("SELECT COUNT(*) AS n FROM outbox")?.int("n") ?? 0 }
    }

    /// Takes or renews the lease; true when this relay holds it. Times are the database's (Unix
    /// seconds from its clock), so replicas on hosts whose clocks disagree never both hold it.
    private func renewLease() throws -> Bool {
        try database.write { c in
            try c.execute("""
                INSERT INTO outbox_lease (id, owner, expires_at) VALUES (1, ?, \(Self.databaseNow) + ?)
                ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE outbox_lease.owner = excluded.owner OR outbox_lease.expires_at < \(Self.databaseNow)
                """, .text(owner), .real(leaseDuration)) == 1
        }
    }

    /// Now in Unix seconds, by the database's clock, in SQL both engines run.
    private static let databaseNow = "((julianday('now') - 2440587.5) * 86400.0)"

    private func releaseLease() throws {
        try database.write { c in try c.execute("DELETE FROM outbox_lease WHERE owner = ?", .text(owner)) }
    }
}

/// Exponential backoff from 100 ms to 5 s.
struct Backoff {
    private var current: Duration = .milliseconds(100)
    mutating func next() -> Duration {
        defer { current = min(current * 2, .seconds(5)) }
        return current
    }
    mutating func reset() { current = .milliseconds(100) }
}
