import Chassis
import Foundation
import HTTP
import Kafka
import Processes
import Synchronization
import Ticketing

/// Event consumption and the outbox relay, each against references on the same broker.
///
/// `replicas` of `ticketing-show`, one consumer group, sharing one database (the SQLite file in a
/// temporary directory, or `settings`' `DATABASE_URL`), on topics of `partitions` partitions.
/// They register `shows` shows (so that replicas do not all wait for one row), are paused while
/// `events` BookingPlaced spread over the shows are written, and find them waiting when they go
/// on: each takes a seat (decode, inbox, a row, an outbox row, the offset) and the relay publishes
/// a SeatsReserved. Consumption is timed from the first seat taken to the last (`GET /shows/{id}`
/// of each show every 10 ms), the relay from the first booking's SeatsReserved on the topic to the
/// last. It fails unless every booking took exactly one seat: the seats left reach 0 and every
/// booking has its SeatsReserved (a booking applied twice would leave another without a seat).
/// The references: the producer that wrote the bookings while the services were paused, first
/// send to last acknowledgement (what the relay does, with nothing else to do); and once the
/// services have stopped, `kcat -C` reading the same records (`KcatReader`) and a consumer reading
/// them with nothing to print, first to last. Events per second. `references` false leaves the readers out (the scale-out runs).
struct ConsumeBench {
    let executable: String
    let broker: String
    let events: Int
    var replicas = 1
    var partitions = 4
    var settings: [String: String] = [:]
    var references = true
    let shows = 4

    func run() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-consume-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let services = (1...replicas).map {
            ServiceUnderTest(executable: executable, broker: broker, directory: directory, name: "replica-\($0)",
                             settings: settings.merging(["KAFKA_TOPIC_PARTITIONS": "\(partitions)"]) { $1 })
        }
        defer { services.forEach { $0.stop() } }

        // The first creates the topics and the schema; once every replica has its partitions,
        // they are paused (SIGSTOP) while the bookings are written, about a second, far shorter
        // than a session timeout.
        for service in services { try service.start() }
        for service in services { try service.waitForPartitions() }
        let service = services[0]
        let showIDs = try (0..<shows).map { index in
            let seats = events / shows + (index < events % shows ? 1 : 0)
            let registered = try service.call("POST", "/shows",
                                              #"{"showName":"bench \#(index)","totalCount":\#(seats),"remainCount":\#(seats)}"#)
            guard registered.status == 201 || registered.status == 200, let id = try? JSONObject(body: registered.body).int("id") else {
                throw BenchError("POST /shows answered \(registered.status)")
            }
            return id
        }
        services.forEach { $0.signal(SIGSTOP) }
        let produced = try produceBookings(showIDs: showIDs)

        // The relay's output is read from the start of its topic: an "end" that resolved at the
        // first fetch, after the services went on, would miss the first ones. It waits as long as
        // consumption may take, and then the 60 s the relay is given.
        let relayed = Mutex<Result<Double, any Error>?>(nil)
        let outputWatcher = try rawReader(topic: Topics.show, group: "bench-consume-out-\(UUID().uuidString.prefix(8))")
        let watcher = Thread {
            let result = Result { try Self.rate(outputWatcher, count: events, within: .seconds(180), bookingsOf: "SeatsReserved") }
            relayed.withLock { $0 = result }
        }
        watcher.start()
        services.forEach { $0.signal(SIGCONT) }

        var first: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            guard ContinuousClock.now < deadline else {
                throw BenchError("the services took \(events - (try service.seatsLeft(showIDs))) of \(events) seats in 120 s; the first one's log ends:\n\(service.logTail())")
            }
            let remain = try service.seatsLeft(showIDs)
            if remain < events && first == nil { first = .now }
            if remain == 0 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let consumed = Double(events - 1) / (ContinuousClock.now - first!).timeInterval
        let memory = try service.memory()
        let relayDeadline = ContinuousClock.now + .seconds(60)
        while relayed.withLock({ $0 }) == nil && ContinuousClock.now < relayDeadline { Thread.sleep(forTimeInterval: 0.01) }
        guard let relay = try relayed.withLock({ $0 })?.get() else {
            throw BenchError("the relays did not publish every booking's SeatsReserved within 60 s of the last seat taken")
        }
        services.forEach { $0.stop() }

        var figures = String(format: "shows=%d partitions=%d replicas=%d consumed_per_s=%.0f relayed_per_s=%.0f rss_peak_mb=%.1f",
                             shows, partitions, replicas, consumed, relay, memory.peak)
        guard references else { return figures }
        let read = try Self.rate(try rawReader(topic: Topics.booking, group: "bench-consume-raw-\(UUID().uuidString.prefix(8))"),
                                 count: events, within: .seconds(60))
        let kcat = try KcatReader(broker: broker).rate(topic: Topics.booking, count: events)
        figures += String(format: " kcat_read_per_s=%.0f raw_read_per_s=%.0f raw_produced_per_s=%.0f", kcat, read, produced)
        return figures
    }

    /// Writes the bookings as the booking service would publish them, booking `id` for show
    /// `showIDs[(id - 1) % shows]`; events per second from the first send to the last acknowledgement.
    private func produceBookings(showIDs: [Int]) throws -> Double {
        let acknowledged = Atomic(0)
        let producer = try Producer(properties: ["bootstrap.servers": broker, "linger.ms": "1"]) { report in
            if report.error == nil { acknowledged.add(1, ordering: .relaxed) }
        }
        let started = ContinuousClock.now
        for id in 1...events {
            let show = (id - 1) % shows
            let data = #"{"amount":1,"bookStatus":"Booked","id":\#(id),"qty":1,"showId":\#(showIDs[show]),"showName":"bench \#(show)"}"#
            let envelope = EventEnvelope(type: "BookingPlaced", source: "ticketing-booking", subject: "\(id)",
                                         correlationID: "\(id)", data: Array(data.utf8))
            var attempts = 0
            while true {
                do {
                    try producer.send(OutgoingMessage(topic: Topics.booking, key: Array("\(id)".utf8), value: envelope.data,
                                                      headers: envelope.headers), id: id)
                    break
                } catch {
                    // The local queue is full: let deliveries drain it, for up to 10 s.
                    attempts += 1
                    guard attempts < 1000 else { throw error }
                    producer.poll(timeout: .milliseconds(10))
                }
            }
            producer.poll()
        }
        guard producer.flush(timeout: .seconds(60)), acknowledged.load(ordering: .relaxed) == events else {
            throw BenchError("only \(acknowledged.load(ordering: .relaxed)) of \(events) bookings were acknowledged")
        }
        return Double(events) / (ContinuousClock.now - started).timeInterval
    }

    /// A consumer of every partition of `topic` from its start, outside any group's assignment,
    /// with the services' fetch settings.
    private func rawReader(topic: String, group: String) throws -> Consumer {
        let partitions = try Admin(properties: ["bootstrap.servers": broker]).topics()[topic] ?? 0
        guard partitions > 0 else { throw BenchError("no topic \(topic)") }
        let consumer = try Consumer(properties: LocalBroker.consumerProperties.merging(
            ["bootstrap.servers": broker, "group.id": group, "enable.auto.commit": "false"]) { $1 })
        try consumer.assign((0..<partitions).map { TopicPartition(topic, $0, offset: TopicPartition.beginning) })
        return consumer
    }

    /// Records per second from the first of `count` records to the last. With `bookingsOf`, only
    /// events of that CloudEvents type count, once per `bookingId` (a resend is not another).
    private static func rate(_ consumer: Consumer, count: Int, within timeout: Duration, bookingsOf type: String? = nil) throws -> Double {
        defer { consumer.close() }
        let deadline = ContinuousClock.now + timeout
        var first: ContinuousClock.Instant?
        var seen = 0
        var bookings = Set<Int>()
        while seen < count {
            guard ContinuousClock.now < deadline else { throw BenchError("read \(seen) of \(count) records") }
            guard let message = try consumer.poll(timeout: .milliseconds(100)) else { continue }
            if let type {
                guard let event = try? EventEnvelope(message), event.type == type,
                      let booking = try? JSONObject(body: event.data).int("bookingId"), bookings.insert(booking).inserted else { continue }
            }
            if first == nil { first = .now }
            seen += 1
        }
        return Double(count - 1) / (ContinuousClock.now - first!).timeInterval
    }
}

extension ServiceUnderTest {
    /// The seats left in these shows, together.
    func seatsLeft(_ showIDs: [Int]) throws -> Int {
        try showIDs.reduce(0) { sum, id in
            let answer = try call("GET", "/shows/\(id)")
            guard answer.status == 200, let remain = try? JSONObject(body: answer.body).int("remainCount") else {
                throw BenchError("GET /shows/\(id) answered \(answer.status)")
            }
            return sum + remain
        }
    }
}
