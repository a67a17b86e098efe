import Foundation
import HTTP
import Kafka
import Storage
import Synchronization
import Tracing

/// The service's consumer-group member: polls on its own thread, runs each event's policy in one
/// transaction with the inbox insert (an event id already in the inbox is skipped), and stores
/// the offset only after that commit. At-least-once delivery, exactly-once effect.
///
/// A record at fault (it breaks the contract, a constraint or a business rule) goes to
/// `<topic>.dlq.<group>` with the error in headers, and the partition moves on: one record never
/// stops the service's other partitions. A failure of the database itself (busy, disk full or
/// failing) is no fault of the record: it is retried with backoff until it works, never skipped,
/// and past `stallLimit` the service reports itself stalled so that it is restarted.
final class EventConsumer: Sendable {
    let group: String
    private let policies: [String: [String: Policy]]   // topic → event type → policy
    private let database: Database
    private let kafka: KafkaProperties
    private let consumerProperties: KafkaProperties
    private let publisher: Publisher
    private let log: Logger
    private let metrics: Metrics
    private let tracer: Tracer
    private let stallLimit: Duration
    /// Creates the service's topics (at most once per burst): a broker that lost them (Tansu
    /// after a restart) would otherwise leave this member subscribed to nothing.
    private let ensureTopics: @Sendable () throws -> Void
    /// Tells the rest of the service (the relay) to replace its Kafka clients too.
    private let onBrokerStateLost: @Sendable () -> Void
    /// Tells the relay that a policy's transaction committed (its events are in the outbox).
    private let onCommit: @Sendable () -> Void
    private let worker = Worker()
    /// When the polling loop last came round: a consumer stuck on one record stops beating.
    private let heartbeat = Mutex(ContinuousClock.now)
    /// When the member last got its partitions (first join, or rejoin after a rebalance or an
    /// outage): what it missed before is still being read for a while after.
    let assignedAt = Mutex<Date?>(nil)
    /// How many partitions this member holds now.
    private let held = Mutex(0)

    init(group: String, policies: [Policy], database: Database, kafka: KafkaProperties, consumerProperties: KafkaProperties,
         publisher: Publisher, stallLimit: Duration, ensureTopics: @escaping @Sendable () throws -> Void,
         onBrokerStateLost: @escaping @Sendable () -> Void, onCommit: @escaping @Sendable () -> Void, log: Logger, metrics: Metrics,
         tracer: Tracer) {
        self.group = group
        self.policies = Dictionary(grouping: policies, by: \.topic).mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.eventType, $0) }) }
        self.database = database; self.kafka = kafka; self.consumerProperties = consumerProperties; self.publisher = publisher
        self.stallLimit = stallLimit; self.ensureTopics = ensureTopics
        self.onBrokerStateLost = onBrokerStateLost; self.onCommit = onCommit; self.log = log; self.metrics = metrics
        self.tracer = tracer
    }

    var topics: [String] { policies.keys.sorted() }
    var isRunning: Bool { worker.isRunning }

    /// What liveness and readiness report once the loop has not come round for `stallLimit`: the
    /// consumer is wedged (its database keeps failing, a policy never returns), so the service is
    /// restarted. nil while it makes progress.
    var stallProblem: String? {
        let stalled = ContinuousClock.now - heartbeat.withLock { $0 }
        return stalled > stallLimit ? "consumer stalled for \(stalled) on one event" : nil
    }

    static func deadLetterTopic(for topic: String, group: String) -> String { "\(topic).dlq.\(group)" }

    func start() throws {
        // A topic re-created after the broker lost it is seen within seconds (librdkafka: 5 min).
        var props: KafkaProperties = ["topic.metadata.refresh.interval.ms": "5000"]
        props.merge(kafka.merging(consumerProperties) { _, consumer in consumer }) { _, given in given }
        props["group.id"] = group
        props["client.id"] = publisher.source
        declareMetrics()
        let consumer = try Consumer(properties: props) { [log, metrics, weak self] event in
            metrics.set(.consumerJoined, to: 1)
            if case .assigned = event { self?.assignedAt.withLock { $0 = Date() } }
            let (verb, parts, delta) = switch event {
            case .assigned(let parts): ("assigned", parts, parts.count)
            case .revoked(let parts): ("revoked", parts, -parts.count)
            }
            metrics.adjust(.consumerAssignedPartitions, by: Double(delta))
            self?.held.withLock { $0 += delta }
            log.info("partitions \(verb)", ["partitions": parts.map(\.description).joined(separator: ",")])
        }
        try consumer.subscribe(topics)
        worker.start(name: "event-consumer") { [self] in run(consumer) }
    }

    /// Finishes the event in hand, commits, leaves the group.
    func stop() { worker.stop() }

    private func run(_ consumer: Consumer) {
        var deadLetters: Producer?
        var batchSize = BatchSize(maximum: database.writesRunOneAtATime ? 200 : 1)
        /// Arrived and not yet handled, in order: a transaction stops at its time budget.
        var pending: [ConsumedMessage] = []
        var lagReported = ContinuousClock.now
        var topicsChecked = ContinuousClock.now
        var watch = TopicWatch()
        while !worker.isStopping {
            heartbeat.withLock { $0 = .now }
            if ContinuousClock.now - lagReported > .seconds(2) {
                reportLag(consumer)
                lagReported = .now
            }
            if ContinuousClock.now - topicsChecked > .seconds(5) {
                watchTopics(&watch, consumer, &deadLetters)
                topicsChecked = .now
            }
            do {
                let onError = { [log, ensureTopics] (error: KafkaError) in
                    log.warning("consumer error", ["error": error.message])
                    if error.isUnknownTopic { try? ensureTopics() }
                }
                // A poll every turn (max.poll.interval.ms counts from the last one), waiting only
                // when nothing is pending; what has already arrived joins the pending records.
                if let next = try consumer.poll(timeout: pending.isEmpty ? .milliseconds(200) : .zero, onError: onError) {
                    pending.append(next)
                }
                while pending.count < batchSize.limit, let next = try consumer.poll(timeout: .zero, onError: onError) { pending.append(next) }
                guard !pending.isEmpty else { continue }
                let started = ContinuousClock.now
                guard let done = handle(Array(pending.prefix(batchSize.limit)), &deadLetters) else { continue }
                for message in pending.prefix(done) { try consumer.store(message) }
                pending.removeFirst(done)
                batchSize.record(done, took: .now - started)
            } catch {
                log.error("consumer failed", ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 1)
            }
        }
        consumer.close()
        deadLetters?.flush(timeout: .seconds(5))
        log.info("consumer closed", ["group": group])
    }

    /// How many records one transaction takes: as many as have arrived, up to what its policies
    /// handle in about `budget` (from the transactions so far), starting from one. Fast events
    /// share a commit's fsync; slow ones go one at a time. On PostgreSQL always one: writers run
    /// side by side there, and a transaction holding the outbox's lock while later records lock
    /// rows would deadlock with one that locked a row first.
    struct BatchSize {
        let maximum: Int
        private var secondsPerRecord = EventConsumer.budget.timeInterval
        init(maximum: Int) { self.maximum = maximum }

        var limit: Int { max(1, min(maximum, Int(EventConsumer.budget.timeInterval / max(secondsPerRecord, 0.0001)))) }

        mutating func record(_ count: Int, took duration: Duration) {
            guard count > 0 else { return }
            secondsPerRecord = 0.8 * secondsPerRecord + 0.2 * duration.timeInterval / Double(count)
        }
    }

    /// A transaction takes no further record once it has run this long, so the loop comes round
    /// (polls, lag reports, heartbeats) at least this often plus one record's time.
    static let budget: Duration = .milliseconds(100)

    /// What became of one record of a batch.
    private enum Result {
        /// With the policy run's span, ended once its transaction commits.
        case applied(EventEnvelope, fresh: Bool, Span)
        case ignored
        case failed(any Error)
    }

    /// Processes the start of `batch` in one write transaction, as many records as fit in
    /// `budget` (at least one), each still exactly once: records that share the transaction have
    /// their inbox row and their policy's work in a savepoint of their own, so a record at fault
    /// (undecodable, breaking the contract or a business rule) is undone alone and dead-lettered
    /// once the rest has committed, before any offset is stored; a record alone is rolled back
    /// with its transaction and dead-lettered. A database failing for other reasons rolls the
    /// transaction back and runs it again after a backoff. Returns how many records are done; nil
    /// when stopping interrupted it (nothing is stored: all of it is delivered again, the inbox
    /// skipping what committed).
    private func handle(_ batch: [ConsumedMessage], _ deadLetters: inout Producer?) -> Int? {
        var backoff = Backoff()
        var results: [Result]
        while true {
            do {
                results = try database.write { c in
                    let deadline = ContinuousClock.now + Self.budget
                    var results: [Result] = []
                    for message in batch {
                        results.append(try apply(message, on: c, alone: batch.count == 1))
                        if ContinuousClock.now >= deadline { break }
                    }
                    return results
                }
                break
            } catch let error where Self.isRecordAtFault(error) {
                // A record alone in its transaction, or the commit (a deferred constraint): the
                // failures of records that share one stay in their savepoints. One record at a
                // time finds the one at fault.
                guard batch.count > 1 else { return deadLetter(batch[0], error, &deadLetters) ? 1 : nil }
                for message in batch {
                    guard handle([message], &deadLetters) != nil else { return nil }
                }
                return batch.count
            } catch {
                metrics.increment(.consumerRetries, ["topic": batch[0].topic])
                log.warning("event processing failed, retrying", correlationID: batch[0].headers.text("correlation_id"),
                            ["events": "\(batch.count)", "first_event_id": batch[0].headers.text("ce_id") ?? "", "error": "\(error)"])
                guard worker.sleep(backoff.next()) else { return nil }
            }
        }
        if results.contains(where: { if case .applied(_, fresh: true, _) = $0 { true } else { false } }) { onCommit() }
        for (message, result) in zip(batch, results) {
            switch result {
            case .applied(let envelope, let fresh, var span):
                let outcome: Outcome = fresh ? .processed : .duplicate
                span.attributes["outcome"] = .string(outcome.rawValue)
                tracer.end(span)
                TraceContext.$current.withValue(span.context) { count(message, outcome, envelope) }
            case .ignored: count(message, .ignored)
            case .failed(let error): guard deadLetter(message, error, &deadLetters) else { return nil }
            }
        }
        return results.count
    }

    /// One record of a batch, within its transaction on `c`. A record `alone` in its transaction
    /// (always on PostgreSQL) needs no savepoint, two round trips there: its fault rolls the whole
    /// transaction back, and `handle` dead-letters it as it does a fault found at commit.
    ///
    /// Its policy runs in a consumer span continuing the trace the record carries, so what the
    /// policy logs, publishes and calls belongs to it too. A run that fails ends its span as
    /// failed; one rolled back with its batch ends none (the batch runs again, in new spans).
    private func apply(_ message: ConsumedMessage, on c: Connection, alone: Bool) throws -> Result {
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope(message)
        } catch {
            return .failed(error)
        }
        guard let policy = policies[message.topic]?[envelope.type] else { return .ignored }
        let context = EventContext(envelope: envelope, topic: message.topic, partition: message.partition, offset: message.offset)
        let span = tracer.start("process \(message.topic)", kind: .consumer, parent: TraceContext(message.headers), attributes: [
            "messaging.system": .string("kafka"), "messaging.operation.type": .string("process"),
            "messaging.destination.name": .string(message.topic), "messaging.consumer.group.name": .string(group),
            "messaging.message.id": .string(envelope.id), "event.type": .string(envelope.type),
        ])
        let run = { [group, publisher] in
            try TraceContext.$current.withValue(span.context) {
                try policy.apply(envelope, context, group: group, on: c, publisher: publisher)
            }
        }
        do {
            return .applied(envelope, fresh: alone ? try run() : try c.savepoint(run), span)
        } catch let error where !alone && Self.isRecordAtFault(error) {
            tracer.end(span, failure: "\(error)")
            return .failed(error)
        } catch {
            tracer.end(span, failure: "\(error)")
            throw error
        }
    }

    /// The record (or what the policy made of it) is at fault: a contract violation, a business
    /// rule (`Problem`), a broken constraint. A database failing for other reasons is not.
    static func isRecordAtFault(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.isCausedByData ?? true
    }

    /// Publishes the record unchanged to the dead-letter topic with the error in headers; retries
    /// until the broker has it, because moving on without it would lose the event. A send is
    /// repeated only after its report said it failed, so a slow broker gets no duplicates; a
    /// producer in a fatal state is replaced.
    private func deadLetter(_ message: ConsumedMessage, _ error: any Error, _ producer: inout Producer?) -> Bool {
        let topic = EventConsumer.deadLetterTopic(for: message.topic, group: group)
        // Without a ce_id an event has no identity to remember: each such record is dead-lettered.
        let id = message.headers.text("ce_id").flatMap { $0.isEmpty ? nil : $0 }
        if let id, wasDeadLettered(id) {
            log.warning("event failed again; it is already in the dead-letter topic, so it is not added twice",
                        correlationID: message.headers.text("correlation_id"),
                        ["event_id": id, "topic": message.topic, "offset": "\(message.offset)", "dead_letter_topic": topic, "error": "\(error)"])
            count(message, .deadLetteredBefore)
            return true
        }
        let headers = message.headers + [
            KafkaHeader("dlq_error", "\(error)"), KafkaHeader("dlq_original_topic", message.topic),
            KafkaHeader("dlq_original_partition", "\(message.partition)"), KafkaHeader("dlq_original_offset", "\(message.offset)"),
            KafkaHeader("dlq_consumer_group", group), KafkaHeader("dlq_failed_at", EventEnvelope.now()),
        ]
        var backoff = Backoff()
        while true {
            do {
                if producer == nil || producer?.fatalError != nil { producer = try Producer(properties: kafka) }
                try producer!.sendAndWait(OutgoingMessage(topic: topic, key: message.key, value: message.value, headers: headers),
                                          cancelled: { worker.isStopping })
                log.warning("event dead-lettered", correlationID: message.headers.text("correlation_id"),
                            ["topic": message.topic, "offset": "\(message.offset)", "dead_letter_topic": topic, "error": "\(error)"])
                count(message, .deadLettered)
                if let id { recordDeadLetter(id, topic: topic) }
                return true
            } catch {
                log.error("cannot publish dead letter, retrying", ["topic": topic, "error": "\(error)"])
                guard worker.sleep(backoff.next()) else { return false }
            }
        }
    }

    private func wasDeadLettered(_ id: String) -> Bool {
        let row = try? database.read { c in
            try c.queryOne("SELECT 1 AS found FROM dead_letters WHERE consumer_group = ? AND event_id = ?", .text(group), .text(id))
        }
        return row != nil
    }

    /// Best effort: a record missed here (the database failing just now) is one more copy in the
    /// dead-letter topic, which `eventctl dlq` counts as one dead letter anyway.
    private func recordDeadLetter(_ id: String, topic: String) {
        do {
            try database.write { c in
                try c.execute("""
                    INSERT INTO dead_letters (consumer_group, event_id, dead_letter_topic, dead_lettered_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """, .text(group), .text(id), .text(topic), .text(EventEnvelope.now()))
            }
        } catch {
            log.warning("cannot record the dead letter", ["event_id": id, "error": "\(error)"])
        }
    }

    /// What `watchTopics` saw last: the subscribed topics' ids, and whether some were missing.
    struct TopicWatch {
        var admin: Admin?
        var ids: [String: String]?
        var missing = false
        /// When the member last rejoined after the broker lost its state, until it holds partitions again.
        var rejoinedAt: ContinuousClock.Instant?
        var rejoins = 0
    }

    /// A broker that lost its state (Tansu keeps it in memory) comes back with no topics, groups,
    /// offsets or producer sessions, and the topics are created again under new ids. librdkafka
    /// may then leave the member assigned nothing until some later metadata refresh. So a missing
    /// subscribed topic is created again, and once every one is back (or seen back under a new
    /// id) the member rejoins its group, reading every partition from its beginning (offsets
    /// kept from before are positions in a log that is gone; the inbox skips what was done), and
    /// the relay replaces its producer: partitions are served again within seconds of the
    /// broker's return.
    private func watchTopics(_ watch: inout TopicWatch, _ consumer: Consumer, _ deadLetters: inout Producer?) {
        if watch.admin == nil { watch.admin = try? Admin(properties: kafka) }
        guard let ids = try? watch.admin?.topicIDs(topics, timeout: .seconds(2)) else { return }
        let missing = topics.filter { ids[$0] == nil }
        if !missing.isEmpty {
            if !watch.missing { log.warning("the broker lost subscribed topics: creating them", ["topics": missing.joined(separator: ",")]) }
            watch.missing = true
            do { try ensureTopics() } catch { log.warning("cannot create topics yet", ["error": "\(error)"]) }
            return
        }
        if watch.missing || watch.ids.map({ $0 != ids }) == true {
            log.warning("subscribed topics are back under new ids: the broker lost its state; rejoining the group")
            onBrokerStateLost()
            deadLetters = nil
            rejoin(consumer, &watch)
            watch.rejoins = 0
        } else if let rejoined = watch.rejoinedAt {
            // A join the restarted broker never answered (seen with Tansu) would leave the member
            // holding nothing for good: it asks again, a few times. A member that holds nothing
            // because its group has more members than partitions costs a few rebalances, once.
            if held.withLock({ $0 }) > 0 {
                watch.rejoinedAt = nil
            } else if .now - rejoined > .seconds(20), watch.rejoins < 3 {
                log.warning("no partitions 20 s after rejoining the group: rejoining again")
                rejoin(consumer, &watch)
                watch.rejoins += 1
            }
        }
        watch.missing = false
        watch.ids = ids
    }

    private func rejoin(_ consumer: Consumer, _ watch: inout TopicWatch) {
        do { try consumer.resubscribeFromBeginning() } catch { log.error("cannot rejoin the group", ["error": "\(error)"]) }
        watch.rejoinedAt = .now
    }

    /// Per topic, summed over this member's partitions; 0 for a topic it holds none of.
    private func reportLag(_ consumer: Consumer) {
        let lag = consumer.lag()
        for topic in topics {
            let behind = lag.filter { $0.key.topic == topic }.values.reduce(0, +)
            metrics.set(.consumerLag, ["topic": topic], to: Double(behind))
        }
    }

    /// What became of a consumed record, the `outcome` label of `consumer_events_total`.
    enum Outcome: String, CaseIterable {
        case processed, duplicate, ignored
        case deadLettered = "dead_lettered"
        /// It failed again after an offset reset or a replay: it is in the dead-letter topic already.
        case deadLetteredBefore = "dead_lettered_before"
    }

    private func count(_ message: ConsumedMessage, _ outcome: Outcome, _ envelope: EventEnvelope? = nil) {
        metrics.increment(.consumerEvents, ["topic": message.topic, "outcome": outcome.rawValue])
        if outcome == .processed, let envelope {
            log.debug("event processed", correlationID: envelope.correlationID, ["type": envelope.type, "event_id": envelope.id])
        }
    }

    /// Every series this consumer can report, at zero, before the first record.
    private func declareMetrics() {
        metrics.set(.consumerJoined, to: 0)
        metrics.declare(.consumerAssignedPartitions)
        for topic in topics {
            metrics.declare(.consumerRetries, ["topic": topic])
            metrics.declare(.consumerLag, ["topic": topic])
            for outcome in Outcome.allCases { metrics.declare(.consumerEvents, ["topic": topic, "outcome": outcome.rawValue]) }
        }
    }
}
