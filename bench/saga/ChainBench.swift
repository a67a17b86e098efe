import Foundation
import Kafka
import Synchronization

/// The reference for the saga: the same number of hops with nothing but Kafka. Messages go to
/// topic 0 at a steady rate; `hops - 1` relays (a consumer and a producer each, librdkafka as the
/// services use it, nothing else) copy each topic to the next; the last topic is read here.
/// Producers do not linger and consumers wait at most 5 ms for a fetch, as devstack's services do,
/// on the same broker. (kcat cannot be a relay: `kcat -P` reading a pipe produces only at its end.)
struct ChainBench {
    let broker: String
    let hops: Int
    let rate: Double
    let duration: Duration
    /// As the services' topics have under devstack.
    private let partitions: Int32 = 3

    func run() throws -> Latencies {
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let topics = (0..<hops).map { "bench.chain.\(run).\($0)" }
        try Admin(properties: ["bootstrap.servers": broker]).createTopics(topics, settings: TopicSettings(partitions: partitions))
        let done = Atomic<Bool>(false)
        defer { done.store(true, ordering: .releasing) }
        for (from, to) in zip(topics, topics.dropFirst()) {
            let consumer = try reader(of: from, run: run)
            let producer = try Producer(properties: ["bootstrap.servers": broker, "linger.ms": "0"])
            Thread.detachNewThread {
                var id = 0
                while !done.load(ordering: .acquiring) {
                    producer.poll()
                    guard let message = try? consumer.poll(timeout: .milliseconds(100)) else { continue }
                    id += 1
                    try? producer.send(OutgoingMessage(topic: to, key: message.key, value: message.value), id: id)
                }
            }
        }

        let sent = Mutex([Int: ContinuousClock.Instant]())
        let latencies = Mutex(Latencies())
        let producer = try Producer(properties: ["bootstrap.servers": broker, "linger.ms": "0"])
        let consumer = try reader(of: topics.last!, run: run)

        // Until a message crosses every hop, the relays are still finding their partitions.
        let warm = Atomic<Bool>(false)
        let reader = Thread {
            while !done.load(ordering: .acquiring) {
                guard let message = try? consumer.poll(timeout: .milliseconds(100)) else { continue }
                let text = String(decoding: message.value, as: UTF8.self)
                guard let index = Int(text) else { warm.store(true, ordering: .releasing); continue }
                if let start = sent.withLock({ $0.removeValue(forKey: index) }) {
                    latencies.withLock { $0.add((ContinuousClock.now - start).milliseconds) }
                }
            }
        }
        reader.start()
        let warmUntil = ContinuousClock.now + .seconds(30)
        while !warm.load(ordering: .acquiring) {
            guard ContinuousClock.now < warmUntil else { throw BenchError("nothing crossed the chain in 30 s") }
            try producer.send(OutgoingMessage(topic: topics[0], key: Array("warm".utf8), value: Array("warm".utf8)), id: Int(Int32.max))
            producer.poll(timeout: .milliseconds(200))
        }

        let sender = Mutex(producer)
        SteadyRate.run(rate: rate, duration: duration, threads: 1) { index, scheduled in
            sent.withLock { $0[index] = scheduled }
            sender.withLock { p in
                try? p.send(OutgoingMessage(topic: topics[0], key: Array("\(index)".utf8), value: Array("\(index)".utf8)), id: index + 1)
                p.poll()
            }
        }
        let settleUntil = ContinuousClock.now + .seconds(10)
        while sent.withLock({ !$0.isEmpty }) && ContinuousClock.now < settleUntil {
            sender.withLock { $0.poll(timeout: .milliseconds(50)) }
        }
        let lost = sent.withLock { s in defer { s.removeAll() }; return s.count }
        if lost > 0 { FileHandle.standardError.write(Data("bench-saga: \(lost) messages did not cross the chain within 10 s\n".utf8)) }
        return latencies.withLock { $0 }
    }

    /// A consumer of every partition of `topic` from its end, outside any group.
    private func reader(of topic: String, run: String) throws -> Consumer {
        let consumer = try Consumer(properties: LocalBroker.consumerProperties.merging(
            ["bootstrap.servers": broker, "group.id": "bench-chain-\(run)", "enable.auto.commit": "false"]) { $1 })
        try consumer.assign((0..<partitions).map { TopicPartition(topic, $0, offset: TopicPartition.end) })
        return consumer
    }
}
