import Chassis
import Foundation
import HTTP
import Kafka
import Processes
import Synchronization
import Ticketing

/// Event consumption and the outbox relay, each against bare librdkafka on the same broker.
///
/// `ticketing-show` registers a show, is paused, and finds `events` BookingPlaced waiting when it
/// goes on: each takes a seat (decode, inbox, a row, an outbox row, the offset) and the
/// relay publishes a SeatsReserved. Consumption is timed from the first seat taken to the last
/// (`GET /shows/1` every 2 ms), the relay from the first SeatsReserved on the topic to the last.
/// The references: a consumer of a fresh group reading the same records, first to last; and the
/// producer that wrote them, first send to last acknowledgement (what the relay does, with
/// nothing else to do). Events per second.
struct ConsumeBench {
    let executable: String
    let broker: String
    let events: Int

    func run() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-consume-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = ServiceUnderTest(executable: executable, broker: broker, directory: directory)

        // The service creates its topics, joins its group and registers the show; then it is
        // paused (SIGSTOP) while the bookings are written, far shorter than a session timeout.
        try service.start()
        defer { service.stop() }
        try service.waitForPartitions()
        let registered = try service.call("POST", "/shows",
                                          #"{"showName":"bench","totalCount":\#(events),"remainCount":\#(events)}"#)
        guard registered.status == 201 || registered.status == 200 else { throw BenchError("POST /shows answered \(registered.status)") }
        service.signal(SIGSTOP)

        let produced = try produceBookings()
        let read = try readRaw(topic: Topics.booking, count: events, group: "bench-consume-raw-\(UUID().uuidString.prefix(8))",
                               from: TopicPartition.beginning)

        // The relay's output is read from the start of its topic, counting SeatsReserved only: an
        // "end" that resolved at the first fetch, after the service went on, would miss the first ones.
        let relayed = Mutex<Double?>(nil)
        let outputWatcher = try rawReader(topic: Topics.show, group: "bench-consume-out-\(UUID().uuidString.prefix(8))",
                                          from: TopicPartition.beginning)
        let watcher = Thread {
            relayed.withLock { $0 = try? Self.rate(outputWatcher, count: events, type: "SeatsReserved", within: .seconds(120)) }
        }
        watcher.start()
        service.signal(SIGCONT)

        var first: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            guard ContinuousClock.now < deadline else {
                throw BenchError("the service took \(events - (try service.remainCount())) of \(events) seats in 120 s; its log ends:\n\(service.logTail())")
            }
            let remain = try service.remainCount()
            if remain < events && first == nil { first = .now }
            if remain == 0 { break }
            Thread.sleep(forTimeInterval: 0.002)
        }
        let consumed = Double(events - 1) / (ContinuousClock.now - first!).seconds
        let relayDeadline = ContinuousClock.now + .seconds(60)
        while relayed.withLock({ $0 }) == nil && ContinuousClock.now < relayDeadline { Thread.sleep(forTimeInterval: 0.01) }
        guard let relay = relayed.withLock({ $0 }) else { throw BenchError("the relay did not publish every SeatsReserved within 60 s") }
        return String(format: "consumed_per_s=%.0f raw_read_per_s=%.0f relayed_per_s=%.0f raw_produced_per_s=%.0f",
                      consumed, read, relay, produced)
    }

    /// Writes the bookings as the booking service would publish them; events per second from the
    /// first send to the last acknowledgement.
    private func produceBookings() throws -> Double {
        let acknowledged = Atomic(0)
        let producer = try Producer(properties: ["bootstrap.servers": broker, "linger.ms": "1"]) { report in
            if report.error == nil { acknowledged.add(1, ordering: .relaxed) }
        }
        let started = ContinuousClock.now
        for id in 1...events {
            let data = #"{"amount":1,"bookStatus":"Booked","id":\#(id),"qty":1,"showId":1,"showName":"bench"}"#
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
        return Double(events) / (ContinuousClock.now - started).seconds
    }

    private func readRaw(topic: String, count: Int, group: String, from offset: Int64) throws -> Double {
        try Self.rate(try rawReader(topic: topic, group: group, from: offset), count: count, type: nil, within: .seconds(60))
    }

    /// A consumer of every partition of `topic`, outside any group's assignment, with the
    /// services' fetch settings.
    private func rawReader(topic: String, group: String, from offset: Int64) throws -> Consumer {
        let partitions = try Admin(properties: ["bootstrap.servers": broker]).topics()[topic] ?? 0
        guard partitions > 0 else { throw BenchError("no topic \(topic)") }
        let consumer = try Consumer(properties: ["bootstrap.servers": broker, "group.id": group,
                                                 "fetch.wait.max.ms": "5", "enable.auto.commit": "false"])
        try consumer.assign((0..<partitions).map { TopicPartition(topic, $0, offset: offset) })
        return consumer
    }

    /// Records per second from the first of `count` records (of CloudEvents `type`, or any) to the last.
    private static func rate(_ consumer: Consumer, count: Int, type: String?, within timeout: Duration) throws -> Double {
        defer { consumer.close() }
        let deadline = ContinuousClock.now + timeout
        var first: ContinuousClock.Instant?
        var seen = 0
        while seen < count {
            guard ContinuousClock.now < deadline else { throw BenchError("read \(seen) of \(count) records") }
            guard let message = try consumer.poll(timeout: .milliseconds(100)) else { continue }
            if let type, (try? EventEnvelope(message))?.type != type { continue }
            if first == nil { first = .now }
            seen += 1
        }
        return Double(count - 1) / (ContinuousClock.now - first!).seconds
    }
}

extension ServiceUnderTest {
    func remainCount() throws -> Int {
        let answer = try call("GET", "/shows/1")
        guard answer.status == 200, let remain = try? JSONObject(body: answer.body).int("remainCount") else {
            throw BenchError("GET /shows/1 answered \(answer.status)")
        }
        return remain
    }
}
